import { decideUpdate } from '../../capgo/decide-update.js';
import { DeviceInfoSchema } from '../../capgo/device-request.js';
import { publicOrigin, readDeviceBody } from '../device-body.js';
import type { Handler } from '../route.js';
import { HttpError, jsonResponse, staleHeaders } from '../responses.js';

/**
 * POST /api/v1/updates: the capacitor-updater plugin's update check (no auth; the
 * plugin sends none). Answers are shaped for plugin majors 5 to 8 at once:
 * - an update is `{version, url, checksum[, session_key]}`, never with `message`
 *   (older plugins take any `message` as "no update");
 * - anything else is HTTP 200 with `error` (a stable code), `kind` and `message`, and no
 *   `url`: 5–7 stop on `message`, 8 reads `kind` (`up_to_date` | `blocked` | `failed`).
 */
export const checkForUpdate: Handler = async (request, context) => {
  const device = await readDeviceBody(request, DeviceInfoSchema);
  const wait = context.deviceLimiter.take(`${device.app_id}\0${device.device_id}`);
  if (wait !== null) {
    throw new HttpError(429, 'too_many_requests', { 'retry-after': String(wait) }, { kind: 'failed', message: `Too many update checks from this device; retry in ${wait} s.` });
  }
  const { snapshot, stale } = await context.feed.get();
  const headers = staleHeaders(stale);
  const decision = decideUpdate(device, snapshot);
  // Most polls find nothing new: only answers that change something on a device are logged.
  if (decision.kind !== 'none' || decision.status !== 'up_to_date') context.log.info('update check', {
    app: device.app_id,
    device: device.device_id,
    from: device.version_name,
    plugin: device.plugin_version,
    platform: device.platform,
    answer: decision.kind === 'update' ? decision.version.version : decision.kind === 'builtin' ? 'builtin' : decision.error,
  });

  switch (decision.kind) {
    case 'update': {
      const token = await context.tokens.downloadToken(decision.version.id);
      const url = `${publicOrigin(request, context.publicUrl)}/api/v1/versions/${encodeURIComponent(decision.version.id)}/download?token=${token}`;
      return jsonResponse(
        200,
        {
          version: decision.version.version,
          url,
          checksum: decision.checksum,
          ...(decision.sessionKey ? { session_key: decision.sessionKey } : {}),
        },
        headers,
      );
    }
    case 'builtin':
      return jsonResponse(200, { version: 'builtin' }, headers);
    case 'none':
      return jsonResponse(
        200,
        {
          error: decision.error,
          kind: decision.status,
          message: decision.message,
          // A store update: plugins emit majorAvailable / breakingAvailable so the app can tell its user.
          ...(decision.storeUpdate ? { version: decision.storeUpdate.version, major: true, breaking: true } : {}),
        },
        headers,
      );
  }
};
