import { channelFor } from '../../capgo/decide-update.js';
import { DeviceInfoSchema, SetChannelSchema } from '../../capgo/device-request.js';
import type { FeedSnapshot } from '../../feed/feed-snapshot.js';
import type { ManifestApp } from '../../feed/manifest.js';
import { readDeviceBody } from '../device-body.js';
import type { Handler } from '../route.js';
import { HttpError, jsonResponse } from '../responses.js';

/**
 * /api/v1/channel_self: the plugin's channel calls. The server keeps no per-device
 * state: a device that switches channel remembers it and sends it as `defaultChannel`
 * with every update check.
 */

function appOf(snapshot: FeedSnapshot, appId: string | null | undefined): ManifestApp {
  const app = appId ? snapshot.appsByPackageName.get(appId) : undefined;
  if (!app) throw new HttpError(400, 'unknown_app', {}, { message: `No app with package name '${appId ?? ''}' in this feed.` });
  return app;
}

const anySelfAssignable = (snapshot: FeedSnapshot) => snapshot.manifest.channels.some((c) => c.allowSelfSet);

/** PUT (`getChannel`): the channel the device is on. */
export const getDeviceChannel: Handler = async (request, context) => {
  const device = await readDeviceBody(request, DeviceInfoSchema);
  const { snapshot } = await context.feed.get();
  const app = appOf(snapshot, device.app_id);
  const channel = channelFor(app, snapshot.manifest.channels, device.defaultChannel);
  return jsonResponse(200, { channel: channel.name, status: channel.name === app.defaultChannel ? 'default' : 'override', allowSet: anySelfAssignable(snapshot) });
};

/** POST (`setChannel`): allowed only to a channel marked `allowSelfSet` (or back to the app's default). */
export const setDeviceChannel: Handler = async (request, context) => {
  const device = await readDeviceBody(request, SetChannelSchema);
  const { snapshot } = await context.feed.get();
  const app = appOf(snapshot, device.app_id);
  const channel = snapshot.manifest.channels.find((c) => c.name === device.channel);
  if (!channel) {
    const names = snapshot.manifest.channels.map((c) => c.name).join(', ');
    throw new HttpError(400, 'channel_not_found', {}, { message: `No channel '${device.channel}' (channels: ${names}).` });
  }
  // Asking for the default channel is leaving any override: plugin 8 then forgets its stored choice.
  if (channel.name === app.defaultChannel) return jsonResponse(200, { status: 'ok', unset: true, message: `Back on the default channel '${channel.name}'.` });
  if (!channel.allowSelfSet) {
    throw new HttpError(400, 'channel_self_set_not_allowed', {}, { message: `Channel '${channel.name}' cannot be chosen by devices (allowSelfSet is off in updateforge.json).` });
  }
  context.log.info('channel set', { app: device.app_id, device: device.device_id, channel: channel.name });
  return jsonResponse(200, { status: 'ok', message: `Device now on channel '${channel.name}'.` });
};

/** DELETE (`unsetChannel`, plugins before 8): nothing is stored here, so there is nothing to forget. */
export const unsetDeviceChannel: Handler = async () => jsonResponse(200, { status: 'ok' });

/** GET (`listChannels`): `[{id, name, public, allow_self_set}]`, ids being numbers as the plugin requires. */
export const listChannels: Handler = async (request, context) => {
  const { snapshot } = await context.feed.get();
  const app = appOf(snapshot, new URL(request.url).searchParams.get('app_id'));
  return jsonResponse(
    200,
    snapshot.manifest.channels.map((c) => ({ id: c.id, name: c.name, public: c.name === app.defaultChannel, allow_self_set: c.allowSelfSet })),
  );
};
