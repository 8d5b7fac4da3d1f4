import { listApps } from '../../src/server/handlers/apps.js';
import { defineRoute } from '../../src/server/route.js';
import { vercel } from '../_vercel.js';

export const route = defineRoute('/api/v1/apps', { GET: listApps });
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = vercel(route);
