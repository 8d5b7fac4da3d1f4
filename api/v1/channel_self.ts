import { lazyHandler } from '../../src/server/handlers/lazy.js';
import { defineRoute } from '../../src/server/route.js';
import { vercel } from '../_vercel.js';

// The handler is imported at the first request that reaches it (src/server/handlers/lazy.ts): the function's cold start is this file's import.
const handlers = () => import('../../src/server/handlers/channel-self.js');

export const route = defineRoute('/api/v1/channel_self', {
  GET: lazyHandler(async () => (await handlers()).listChannels),
  PUT: lazyHandler(async () => (await handlers()).getDeviceChannel),
  POST: lazyHandler(async () => (await handlers()).setDeviceChannel),
  DELETE: lazyHandler(async () => (await handlers()).unsetDeviceChannel),
});
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = vercel(route);
