import type { ServerContext } from '../context.js';
import type { UpdateDecision } from '../../capgo/decide-update.js';
import { DeviceInfoSchema } from '../../capgo/device-request.js';
import type { PluginRequest } from '../../capgo/identify-plugin.js';
import { abilitiesFor } from '../../capgo/plugin-abilities.js';
import { rememberedDecision } from '../../capgo/remembered-decisions.js';
import { deltaManifest } from '../delta-manifest.js';
import { readDeviceBody } from '../device-body.js';
import { linkBase, signedDownloadUrl } from '../links.js';
import type { Handler } from '../route.js';
import { HttpError, staleHeaders } from '../responses.js';

/**
 * POST /api/v1/updates: the capacitor-updater plugin's update check (no auth; the
 * plugin sends none). Answers suit every plugin build in the field at once:
 * - an update is `{version, url, checksum[, session_key]}`, never with `error` or
 *   `message` (older plugins stop on `message`, 5.10+ on `error`);
 * - anything else is HTTP 200 with `error` (a stable code), `kind` and `message`, and no
 *   `url`: every build stops on one of `message`, `error` or `kind`
 *   (`up_to_date` | `blocked` | `failed`), see docs/CAPGO_PLUGINS.md.
 */
export const checkForUpdate: Handler = async (request, context) => {
  const info = await readDeviceBody(request, DeviceInfoSchema);
  const plugin: PluginRequest = { info, userAgent: request.headers.get('user-agent') };
  const wait = context.deviceLimiter.take(`${info.app_id}\0${info.device_id}`);
  if (wait !== null) return tooManyChecks(context, plugin, wait);
  const { snapshot, stale } = await context.feed.get();
  const headers = staleHeaders(stale);
  const decision = rememberedDecision(plugin, snapshot);
  // Most polls find nothing new: only answers that change something on a device are logged.
  if (decision.kind !== 'none' || decision.status !== 'up_to_date')
    context.log.info('update check', {
      app: info.app_id,
      device: info.device_id,
      from: info.version_name,
      plugin: info.plugin_version,
      platform: info.platform,
      answer: decision.kind === 'update' ? decision.version.version : decision.kind === 'builtin' ? 'builtin' : decision.error,
    });

  switch (decision.kind) {
    case 'update': {
      const versionId = decision.version.id;
      const token = await context.tokens.downloadToken(versionId);
      const base = linkBase(request, context);
      // `url` stays the whole zip: plugins that ignore `manifest` take it, and those that read one check it first.
      const manifest = await deltaManifest(context, { base, versionId, token }, decision.file, abilitiesFor(plugin).delta);
      return context.respond.json(
        200,
        {
          version: decision.version.version,
          url: signedDownloadUrl(base, versionId, token),
          checksum: decision.checksum,
          ...(decision.sessionKey ? { session_key: decision.sessionKey } : {}),
          ...(manifest ? { manifest } : {}),
        },
        headers,
      );
    }
    case 'builtin':
    case 'none':
      return context.respond.rawJson(200, answerText(decision), headers);
  }
};

/** The JSON of an answer that is the same for every device given the same decision, made once per remembered decision. */
const answerTexts = new WeakMap<UpdateDecision, string>();

function answerText(decision: Exclude<UpdateDecision, { kind: 'update' }>): string {
  let text = answerTexts.get(decision);
  if (text === undefined) {
    text = JSON.stringify(
      decision.kind === 'builtin'
        ? { version: 'builtin' }
        : {
            error: decision.error,
            kind: decision.status,
            message: decision.message,
            // A store update: plugins emit majorAvailable / breakingAvailable so the app can tell its user.
            ...(decision.storeUpdate ? { version: decision.storeUpdate.version, major: true, breaking: true } : {}),
          },
    );
    answerTexts.set(decision, text);
  }
  return text;
}

/**
 * A device polling too often. Only plugins that honour Retry-After (8.51.5+, 6.51.15+,
 * 7.51.13+) get a 429: on the others a 429 either just fails the check or sets a latch
 * that stops their stats and channel calls until the app restarts (Android 5.10+,
 * 6.14.28+, 7.23.8 → 8.51.4: 7.30.0:A/CapgoUpdater.java:869; iOS 8.45.11 → 8.51.4).
 * Those get a cheap "nothing new" instead, made without reading the feed.
 */
function tooManyChecks(context: ServerContext, plugin: PluginRequest, wait: number): Response {
  const message = `Too many update checks from this device; retry in ${wait} s.`;
  if (abilitiesFor(plugin).retryAfter) {
    throw new HttpError(429, { message: 'too_many_requests', headers: { 'retry-after': String(wait) }, details: { kind: 'failed', message } });
  }
  return context.respond.json(200, { error: 'too_many_requests', kind: 'up_to_date', message });
}
