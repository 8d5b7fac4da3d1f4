import { downloadVersion } from '../../../../src/server/handlers/download.js';
import { defineRoute } from '../../../../src/server/route.js';
import { vercel } from '../../../_vercel.js';

export const route = defineRoute('/api/v1/versions/[id]/download', { GET: downloadVersion });
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = vercel(route);
