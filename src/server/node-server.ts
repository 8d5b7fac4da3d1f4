import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { FastResponse, toNodeHandler } from 'srvx/node';
import { createApp } from './app.js';
import type { ServerContext } from './context.js';
import { ERRORS } from '../feed/api-errors.js';
import { Responses } from './responses.js';

/** Answers to requests Node refuses before they reach a route, by Node's error code. */
const CLIENT_ERRORS: Record<string, [status: string, message: string]> = {
  HPE_HEADER_OVERFLOW: ['431 Request Header Fields Too Large', ERRORS.headersTooLarge],
  ERR_HTTP_REQUEST_TIMEOUT: ['408 Request Timeout', ERRORS.requestTimeout],
};

/** Writes a whole JSON error answer on a socket no route will answer on, and closes it. */
function answerRaw(socket: Duplex | null, status: string, message: string): void {
  if (!socket?.writable) return void socket?.destroy();
  const body = JSON.stringify({ error: message });
  socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/** A JSON error answer to a request no route sees, on a connection that is then closed. */
function answer(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' }).end(body);
}

/** srvx's FastResponse: its body goes straight to the socket instead of through a web stream. */
const fastResponses = new Responses(FastResponse);

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Serves the API on a plain Node HTTP server: `updateforge serve`, `npm start` and the tests. */
export async function startServer(options: {
  context: ServerContext;
  port?: number;
  host?: string;
  requestTimeoutMs?: number;
  /** How long a connection may go without sending or receiving a byte (default 30 s). */
  stallTimeoutMs?: number;
  /** The tester page's files (default the project's `web/`). */
  webDir?: string;
}): Promise<RunningServer> {
  const app = await createApp({ ...options.context, respond: fastResponses }, options.webDir === undefined ? {} : { webDir: options.webDir });
  const toApp = toNodeHandler(app) as (req: IncomingMessage, res: ServerResponse) => void;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400. Node's own answer to it has no body.
    if (req.headers.host === undefined && req.httpVersion === '1.1') answer(res, 400, ERRORS.badRequest);
    else toApp(req, res);
  };
  // Slow or stalled clients must not hold sockets forever (Node checks the timeouts every few seconds).
  const requestTimeout = options.requestTimeoutMs ?? 60_000;
  const server = createServer(
    { requestTimeout, headersTimeout: Math.min(20_000, requestTimeout), connectionsCheckingInterval: Math.min(5_000, requestTimeout / 2), requireHostHeader: false },
    handle,
  );
  // The timeouts above end once a request is read; a reader that stops reading a download would
  // otherwise hold its socket and file open for good. Node destroys a socket idle this long, and
  // the download's file is closed with it; the client can resume with a Range.
  server.timeout = options.stallTimeoutMs ?? 30_000;
  // Even a request too malformed to reach a route gets the documented JSON error shape.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Node's own handler checks this too: a response already under way on the connection
    // (a download) must be cut, never have an error written into its body.
    const responding = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (!socket.writable || error.code === 'ECONNRESET' || responding) {
      socket.destroy();
      return;
    }
    const [status, message] = CLIENT_ERRORS[error.code ?? ''] ?? ['400 Bad Request', ERRORS.badRequest];
    answerRaw(socket, status, message);
  });
  // Node would drop a CONNECT without a word, and answer an Expect it does not know with an empty 417.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => answerRaw(socket, '405 Method Not Allowed', ERRORS.methodNotAllowed));
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => answer(res, 417, ERRORS.expectationFailed));
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
