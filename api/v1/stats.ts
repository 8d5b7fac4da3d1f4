import { recordStats } from '../../src/server/handlers/stats.js';
import { route } from '../../src/server/route.js';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route('/api/v1/stats', { POST: recordStats });
