import type { Channel } from '../feed/channels.js';
import type { ManifestApp } from '../feed/manifest.js';

export type ChannelChoice =
  | { readonly ok: true; readonly channel: Channel; readonly isDefault: boolean }
  | { readonly ok: false; readonly error: 'channel_not_found' | 'channel_not_allowed'; readonly message: string };

const FALLBACK: Channel = { id: 1, name: 'release', buildType: 'release', allowSelfSet: false };

/**
 * The channels a device of `app` may name: those serving its default channel's build
 * type (they are other names for the same bundles), and every channel open to devices.
 */
export function selectableChannels(app: ManifestApp, channels: readonly Channel[]): Channel[] {
  const fallback = defaultChannelOf(app, channels);
  return channels.filter((c) => c.buildType === fallback.buildType || c.allowSelfSet);
}

function defaultChannelOf(app: ManifestApp, channels: readonly Channel[]): Channel {
  return channels.find((c) => c.name === app.defaultChannel) ?? FALLBACK;
}

/**
 * The channel a device follows. A device names one itself (`defaultChannel` in
 * capacitor.config, or what setChannel() stored), and anyone can send any name, so
 * only channels that serve what the app's default channel serves and channels marked
 * `allowSelfSet` may be named; this is Capgo's own rule (a named channel must be public
 * or allow device self-set), with a channel being a name for a build type here. A name
 * that is not allowed is refused rather than quietly swapped for the default: the
 * device's build may expect that channel's bundles.
 */
export function deviceChannel(app: ManifestApp, channels: readonly Channel[], asked: string | null | undefined): ChannelChoice {
  const byName = (name: string) => channels.find((c) => c.name === name);
  const fallback = defaultChannelOf(app, channels);
  if (!asked || asked === fallback.name) return { ok: true, channel: fallback, isDefault: true };
  const open = () =>
    selectableChannels(app, channels)
      .map((c) => `'${c.name}'`)
      .join(', ');
  const channel = byName(asked);
  if (!channel) {
    return { ok: false, error: 'channel_not_found', message: `No channel '${asked}' in this feed; devices of this app may use ${open()}.` };
  }
  if (!channel.allowSelfSet && channel.buildType !== fallback.buildType) {
    return {
      ok: false,
      error: 'channel_not_allowed',
      message: `Channel '${asked}' is not open to devices: mark it "allowSelfSet": true in updateforge.json, or use ${open()}.`,
    };
  }
  return { ok: true, channel, isDefault: false };
}
