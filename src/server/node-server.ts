import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FastResponse, toNodeHandler } from 'srvx/node';
import { createApp } from './app.js';
import type { ServerContext } from './context.js';
import { useResponseClass } from './responses.js';

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Serves the API on a plain Node HTTP server: `updateforge serve`, `npm start` and the tests. */
export async function startServer(options: { context: ServerContext; port?: number; host?: string }): Promise<RunningServer> {
  useResponseClass(FastResponse);
  const app = await createApp(options.context);
  const handle = toNodeHandler(app) as (req: IncomingMessage, res: ServerResponse) => void;
  const server = createServer(handle);
  // Slow or stalled clients must not hold sockets forever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  // Even a request too malformed to reach a route gets the documented JSON error shape.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify({ error: tooLarge ? 'request headers too large' : 'bad request' });
    socket.end(`HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host === '0.0.0.0' || host === '[::]' ? 'localhost' : host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
