import { downloadVersion } from '../../../../src/server/handlers/download.js';
import { route } from '../../../../src/server/route.js';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route('/api/v1/versions/[id]/download', { GET: downloadVersion });
