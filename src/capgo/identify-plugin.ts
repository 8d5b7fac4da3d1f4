import SemverRange from 'semver/classes/range.js';
import semverCoerce from 'semver/functions/coerce.js';
import type { DeviceInfo } from './device-request.js';
import { NEWEST_BUILDS, PLUGIN_BUILDS, type PluginBuild } from './plugin-builds.js';

/** What a device's request says about the plugin that sent it. */
export interface PluginRequest {
  readonly info: DeviceInfo;
  /** The request's User-Agent header, if any. */
  readonly userAgent?: string | null | undefined;
}

/**
 * The builds that could have sent this request: the reported `plugin_version` and
 * platform first, then what the body and headers show (a `defaultChannel` key at all,
 * a `key_id`, whose User-Agent it is).
 * A plugin that reports nothing readable, or a version newer than any known, is taken
 * to be the newest.
 */
export function candidateBuilds(request: PluginRequest): readonly PluginBuild[] {
  const { info } = request;
  const signs = {
    platform: info.platform,
    version: info.plugin_version,
    hasChannelKey: 'defaultChannel' in info,
    hasKeyId: sendsKeyId(info),
    // A User-Agent is only read when there is one: a proxy may drop it, but none writes another plugin's.
    userAgent: request.userAgent ? (/^CapacitorUpdater\//.test(request.userAgent) ? ('ours' as const) : ('theirs' as const)) : undefined,
  };
  // A fleet sends few distinct combinations, and every poll asks again: remember the answers.
  const key = JSON.stringify(signs);
  let builds = remembered.get(key);
  if (!builds) {
    builds = match(signs);
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(key, builds);
  }
  return builds;
}

const MAX_REMEMBERED = 1000;
const remembered = new Map<string, readonly PluginBuild[]>();
const RANGES = new Map(PLUGIN_BUILDS.map((b) => [b, new SemverRange(b.reports)]));

function match(signs: {
  platform: string | undefined;
  version: string | undefined;
  hasChannelKey: boolean;
  hasKeyId: boolean;
  userAgent: 'ours' | 'theirs' | undefined;
}): readonly PluginBuild[] {
  const { hasChannelKey, hasKeyId, userAgent } = signs;
  const version = signs.version ? semverCoerce(signs.version) : null;
  if (!version) return forPlatform(NEWEST_BUILDS, signs.platform);
  const byVersion = forPlatform(PLUGIN_BUILDS, signs.platform).filter((b) => RANGES.get(b)!.test(version));
  if (byVersion.length === 0) return forPlatform(NEWEST_BUILDS, signs.platform);
  const bySigns = byVersion.filter(
    (b) =>
      (b.defaultChannelKey === undefined || b.defaultChannelKey === hasChannelKey) &&
      (!hasKeyId || b.keyId) &&
      (b.userAgent === undefined || userAgent === undefined || b.userAgent === userAgent),
  );
  // A hand-made request can contradict every build of its version: then the version alone decides.
  return bySigns.length > 0 ? bySigns : byVersion;
}

/** A `key_id` in the request: the app sets a public key (plugins send it only then). */
export function sendsKeyId(info: DeviceInfo): boolean {
  return typeof info.key_id === 'string' && info.key_id !== '';
}

/** An unknown or missing platform could be either. */
function forPlatform(builds: readonly PluginBuild[], platform: string | undefined): readonly PluginBuild[] {
  return platform === 'android' || platform === 'ios' ? builds.filter((b) => b.platform === platform) : builds;
}
