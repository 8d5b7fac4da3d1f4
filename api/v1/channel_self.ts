import { getDeviceChannel, listChannels, setDeviceChannel, unsetDeviceChannel } from '../../src/server/handlers/channel-self.js';
import { defineRoute } from '../../src/server/route.js';
import { vercel } from '../_vercel.js';

export const route = defineRoute('/api/v1/channel_self', {
  GET: listChannels,
  PUT: getDeviceChannel,
  POST: setDeviceChannel,
  DELETE: unsetDeviceChannel,
});
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = vercel(route);
