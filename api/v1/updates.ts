import { checkForUpdate } from '../../src/server/handlers/updates.js';
import { route } from '../../src/server/route.js';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route('/api/v1/updates', { POST: checkForUpdate });
