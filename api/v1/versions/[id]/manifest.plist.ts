import { installManifest } from '../../../../src/server/handlers/install-manifest.js';
import { defineRoute } from '../../../../src/server/route.js';
import { vercel } from '../../../_vercel.js';

export const route = defineRoute('/api/v1/versions/[id]/manifest.plist', { GET: installManifest });
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = vercel(route);
