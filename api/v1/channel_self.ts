import { getDeviceChannel, listChannels, setDeviceChannel, unsetDeviceChannel } from '../../src/server/handlers/channel-self.js';
import { route } from '../../src/server/route.js';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route('/api/v1/channel_self', {
  GET: listChannels,
  PUT: getDeviceChannel,
  POST: setDeviceChannel,
  DELETE: unsetDeviceChannel,
});
