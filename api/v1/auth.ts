import { login } from '../../src/server/handlers/auth.js';
import { route } from '../../src/server/route.js';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route('/api/v1/auth', { POST: login });
