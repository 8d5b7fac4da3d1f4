import { listAppVersions } from '../../../../src/server/handlers/app-versions.js';
import { defineRoute } from '../../../../src/server/route.js';
import { vercel } from '../../../_vercel.js';

export const route = defineRoute('/api/v1/apps/[app]/versions', { GET: listAppVersions });
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = vercel(route);
