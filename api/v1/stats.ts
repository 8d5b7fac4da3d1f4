import { recordStats } from '../../src/server/handlers/stats.js';
import { defineRoute } from '../../src/server/route.js';
import { vercel } from '../_vercel.js';

export const route = defineRoute('/api/v1/stats', { POST: recordStats });
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = vercel(route);
