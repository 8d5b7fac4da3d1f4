import { StatsBodySchema, StatsEventSchema, type StatsEvent } from '../../capgo/device-request.js';
import type { Logger } from '../../util/logger.js';
import { describeIssue, readDeviceBody } from '../device-body.js';
import type { Handler } from '../route.js';

/** Plugin 8 batches up to 200 events of a few hundred bytes each. */
const MAX_STATS_BODY = 512 * 1024;

/**
 * POST /api/v1/stats: what devices report (downloads, installs, failures), one event or
 * a batch. Each becomes one structured log line; there is no storage of our own.
 * custom_id is left out: apps may put a user's identity in it.
 *
 * A batch is taken event by event: plugins 8.42+ drop a whole batch of up to 200 on any
 * 4xx, so one odd event must not cost the other 199. The odd ones are counted in the
 * answer and in one warning line.
 */
export const recordStats: Handler = async (request, context) => {
  const body = await readDeviceBody(request, StatsBodySchema, MAX_STATS_BODY);
  if (!Array.isArray(body)) {
    logEvent(context.log, body);
    return context.respond.json(200, { status: 'ok' });
  }
  let rejected = 0;
  let first: string | undefined;
  for (const item of body) {
    const parsed = StatsEventSchema.safeParse(item);
    if (parsed.success) logEvent(context.log, parsed.data);
    else {
      rejected += 1;
      first ??= describeIssue(parsed.error);
    }
  }
  if (rejected === 0) return context.respond.json(200, { status: 'ok' });
  context.log.warn('device stats rejected', { rejected, of: body.length, first });
  return context.respond.json(200, { status: 'ok', rejected });
};

function logEvent(log: Logger, event: StatsEvent): void {
  log.info('device stat', {
    action: event.action,
    app: event.app_id,
    device: event.device_id,
    version: event.version_name,
    from: event.old_version_name ?? undefined,
    platform: event.platform,
    plugin: event.plugin_version,
  });
}
