import { StatsBodySchema } from '../../capgo/device-request.js';
import { readDeviceBody } from '../device-body.js';
import type { Handler } from '../route.js';
import { jsonResponse } from '../responses.js';

/** Plugin 8 batches up to 200 events of a few hundred bytes each. */
const MAX_STATS_BODY = 512 * 1024;

/**
 * POST /api/v1/stats: what devices report (downloads, installs, failures), one event or
 * a batch. Each becomes one structured log line; there is no storage of our own.
 * custom_id is left out: apps may put a user's identity in it.
 */
export const recordStats: Handler = async (request, context) => {
  const body = await readDeviceBody(request, StatsBodySchema, MAX_STATS_BODY);
  for (const event of Array.isArray(body) ? body : [body]) {
    context.log.info('device stat', {
      action: event.action,
      app: event.app_id,
      device: event.device_id,
      version: event.version_name,
      from: event.old_version_name ?? undefined,
      platform: event.platform,
      plugin: event.plugin_version,
    });
  }
  return jsonResponse(200, { status: 'ok' });
};
