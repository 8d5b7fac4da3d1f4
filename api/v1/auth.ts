import { login } from '../../src/server/handlers/auth.js';
import { defineRoute } from '../../src/server/route.js';
import { vercel } from '../_vercel.js';

export const route = defineRoute('/api/v1/auth', { POST: login });
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = vercel(route);
