import { serveIcon } from '../../../../src/server/handlers/icons.js';
import { defineRoute } from '../../../../src/server/route.js';
import { vercel } from '../../../_vercel.js';

export const route = defineRoute('/api/files/apps/[app]/[file]', { GET: serveIcon });
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = vercel(route);
