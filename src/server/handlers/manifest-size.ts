import { ManifestSizeSchema } from '../../capgo/device-request.js';
import { readDeviceBody } from '../device-body.js';
import { downloadSizes } from '../download-sizes.js';
import type { Handler } from '../route.js';
import { staleHeaders } from '../responses.js';

/** What a manifest of the largest bundle a zip can hold (65,535 files) takes, with room to spare. */
const MAX_MANIFEST_BODY = 4 * 1024 * 1024;

/**
 * POST /api/v1/updates/manifest_size: plugin 8.51's `getLatest({includeBundleSize: true})` asks
 * how many bytes the files it lacks will cost (`{updateUrl}/manifest_size`:
 * 8.51.14:A/CapgoUpdater.java:607-613, 630-660). No auth, like the update check it follows.
 */
export const bundleDownloadSize: Handler = async (request, context) => {
  const body = await readDeviceBody(request, ManifestSizeSchema, MAX_MANIFEST_BODY);
  const { snapshot, stale } = await context.feed.get();
  const sizes = await downloadSizes(context, snapshot, { appId: body.app_id, version: body.version, entries: body.manifest ?? [] });
  return context.respond.json(200, sizes, staleHeaders(stale));
};
