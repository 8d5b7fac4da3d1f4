import { issueInstallLink } from '../../../../src/server/handlers/install-link.js';
import { defineRoute } from '../../../../src/server/route.js';
import { vercel } from '../../../_vercel.js';

export const route = defineRoute('/api/v1/versions/[id]/link', { POST: issueInstallLink });
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = vercel(route);
