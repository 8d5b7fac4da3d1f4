import { listApps } from '../../src/server/handlers/apps.js';
import { route } from '../../src/server/route.js';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route('/api/v1/apps', { GET: listApps });
