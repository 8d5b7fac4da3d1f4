import { serveIcon } from '../../../../src/server/handlers/icons.js';
import { route } from '../../../../src/server/route.js';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route('/api/files/apps/[app]/[file]', { GET: serveIcon });
