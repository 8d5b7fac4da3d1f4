import { checkForUpdate } from '../../src/server/handlers/updates.js';
import { defineRoute } from '../../src/server/route.js';
import { vercel } from '../_vercel.js';

export const route = defineRoute('/api/v1/updates', { POST: checkForUpdate });
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = vercel(route);
