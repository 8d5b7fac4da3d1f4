import type { ServerContext } from '../context.js';
import { deviceChannel, selectableChannels } from '../../capgo/device-channel.js';
import { DeviceInfoSchema, SetChannelSchema } from '../../capgo/device-request.js';
import { abilitiesFor } from '../../capgo/plugin-abilities.js';
import type { FeedSnapshot } from '../../feed/feed-snapshot.js';
import type { ManifestApp } from '../../feed/manifest.js';
import { readDeviceBody } from '../device-body.js';
import { matchedUrl, type Handler } from '../route.js';
import { HttpError } from '../responses.js';

/**
 * /api/v1/channel_self: the plugin's channel calls. The server keeps no per-device
 * state (no database of our own): a device that switches channel must remember it and
 * send it back as `defaultChannel`, which only some plugin builds do; the others are
 * told so instead of being answered a false "ok".
 *
 * A refusal is HTTP 200 with `error` and `message`, as Capgo answers: every plugin
 * build rejects the JS call on a non-empty `error` and passes that code to the app,
 * while on a non-2xx status most builds replace it with "response_error"
 * (5.9.5:A/CapacitorUpdater.java:790-809, 7.30.0:A/CapgoUpdater.java:878-885).
 */

function appOf(snapshot: FeedSnapshot, appId: string | null | undefined): ManifestApp {
  const app = appId ? snapshot.appsByPackageName.get(appId) : undefined;
  if (!app) throw new HttpError(400, { message: 'unknown_app', details: { message: `No app with package name '${appId ?? ''}' in this feed.` } });
  return app;
}

const refusal = (context: ServerContext, error: string, message: string) => context.respond.json(200, { error, message });

/** PUT (`getChannel`): the channel the device is on. 8.47.9+ store the `channel` answered, so it must be one the device may be on. */
export const getDeviceChannel: Handler = async (request, context) => {
  const device = await readDeviceBody(request, DeviceInfoSchema);
  const { snapshot } = await context.feed.get();
  const app = appOf(snapshot, device.app_id);
  const chosen = deviceChannel(app, snapshot.manifest.channels, device.defaultChannel);
  if (!chosen.ok) return refusal(context, chosen.error, chosen.message);
  const allowSet = selectableChannels(app, snapshot.manifest.channels).some((c) => c.allowSelfSet);
  return context.respond.json(200, { channel: chosen.channel.name, status: chosen.isDefault ? 'default' : 'override', allowSet });
};

/** POST (`setChannel`): to a channel open to devices (or back to the app's default), and only for plugins that keep it. */
export const setDeviceChannel: Handler = async (request, context) => {
  const device = await readDeviceBody(request, SetChannelSchema);
  const { snapshot } = await context.feed.get();
  const app = appOf(snapshot, device.app_id);
  const chosen = deviceChannel(app, snapshot.manifest.channels, device.channel);
  if (!chosen.ok) return refusal(context, chosen.error, chosen.message);
  const current = deviceChannel(app, snapshot.manifest.channels, device.defaultChannel);
  // Asking for the channel the device already sends changes nothing, so it is true whatever the plugin keeps.
  const already = current.ok && current.channel.name === chosen.channel.name;
  if (!already && !abilitiesFor({ info: device, userAgent: request.headers.get('user-agent') }).keepsChannel) {
    return refusal(
      context,
      'set_channel_unsupported',
      `${pluginName(device.plugin_version)} does not keep the channel setChannel() picks, and this server stores none: ${KEEPING_PLUGINS}, or build the app with defaultChannel '${chosen.channel.name}' in capacitor.config.`,
    );
  }
  if (!already) context.log.info('channel set', { app: device.app_id, device: device.device_id, channel: chosen.channel.name });
  // Back on the default channel: 8.42.6+ then forget their stored choice (8.51.14:A/CapgoUpdater.java:2467-2474).
  const name = chosen.channel.name;
  if (chosen.isDefault)
    return context.respond.json(200, { status: 'ok', unset: true, message: already ? `Already on the default channel '${name}'.` : `Back on the default channel '${name}'.` });
  return context.respond.json(200, { status: 'ok', message: already ? `Already on channel '${name}'.` : `Device now on channel '${name}'.` });
};

/**
 * DELETE (`unsetChannel`, plugins before 7.34 and Feb-2025 8.0.x; later ones unset
 * locally): nothing is stored here, so it is true only when the device already
 * follows its app's default; a channel from capacitor.config cannot be unset.
 */
export const unsetDeviceChannel: Handler = async (request, context) => {
  const device = await readDeviceBody(request, DeviceInfoSchema);
  const { snapshot } = await context.feed.get();
  const app = appOf(snapshot, device.app_id);
  const current = deviceChannel(app, snapshot.manifest.channels, device.defaultChannel);
  if (current.ok && current.isDefault) return context.respond.json(200, { status: 'ok' });
  return refusal(
    context,
    'unset_channel_unsupported',
    `This device's channel '${device.defaultChannel ?? ''}' comes from capacitor.config, which this server cannot change: ${KEEPING_PLUGINS}, or build the app without defaultChannel.`,
  );
};

/** The plugins that keep setChannel()'s choice (5.34.0 and 6.34.0 do too, but report 5.31.0 and 6.27.11, like builds that do not). */
const KEEPING_PLUGINS = 'update the plugin (5.35.0, 6.35.0, 7.34.0, 8.2.0 or later)';

const pluginName = (version: string | undefined) => `@capgo/capacitor-updater ${version ?? '(unknown version)'}`;

/** GET (`listChannels`): `[{id, name, public, allow_self_set}]`, ids being numbers as Android 8.47.7+ require. */
export const listChannels: Handler = async (request, context) => {
  const { snapshot } = await context.feed.get();
  const app = appOf(snapshot, matchedUrl(request).searchParams.get('app_id'));
  return context.respond.json(
    200,
    snapshot.manifest.channels.map((c) => ({ id: c.id, name: c.name, public: c.name === app.defaultChannel, allow_self_set: c.allowSelfSet })),
  );
};
