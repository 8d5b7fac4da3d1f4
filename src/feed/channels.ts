import type { ChannelConfig } from './config.js';
import { BUILD_TYPES, type BuildType } from './version.js';

/** A live-update channel as devices see it (`listChannels`): ids are numbers, as the plugin requires. */
export interface Channel {
  readonly id: number;
  readonly name: string;
  readonly buildType: BuildType;
  readonly allowSelfSet: boolean;
}

export const DEFAULT_CHANNEL = 'release';

/**
 * Every channel of a feed: the three build types first (ids 1-3), then the declared
 * ones in order. Declaring a build type's own name only changes its flags, so ids
 * stay stable whatever is added later.
 */
export function resolveChannels(declared: readonly ChannelConfig[] = []): Channel[] {
  const channels: Channel[] = BUILD_TYPES.map((buildType, i) => ({ id: i + 1, name: buildType, buildType, allowSelfSet: false }));
  for (const channel of declared) {
    const existing = channels.findIndex((c) => c.name === channel.name);
    const entry = { name: channel.name, buildType: channel.buildType, allowSelfSet: channel.allowSelfSet ?? false };
    if (existing >= 0) channels[existing] = { ...channels[existing]!, ...entry };
    else channels.push({ id: channels.length + 1, ...entry });
  }
  return channels;
}
