import { lazyHandler } from '../../../src/server/handlers/lazy.js';
import { defineRoute } from '../../../src/server/route.js';
import { vercel } from '../../_vercel.js';

// The handler is imported at the first request that reaches it (src/server/handlers/lazy.ts): the function's cold start is this file's import.
export const route = defineRoute('/api/v1/updates/manifest_size', {
  POST: lazyHandler(async () => (await import('../../../src/server/handlers/manifest-size.js')).bundleDownloadSize),
});
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = vercel(route);
