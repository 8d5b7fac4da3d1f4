import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export interface ReceivedPost {
  readonly path: string;
  readonly type: string | undefined;
  readonly body: string;
}

/**
 * A webhook receiver on loopback for the test file: records every POST and answers it with
 * `status`, or never while `silent` (a receiver that hangs). Closed when the file is done.
 */
export function useWebhookReceiver(): { url: (path: string) => string; posts: ReceivedPost[]; answer: { status: number; silent: boolean } } {
  let server: Server;
  let base = '';
  const posts: ReceivedPost[] = [];
  const answer = { status: 200, silent: false };
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        posts.push({ path: req.url ?? '', type: req.headers['content-type'], body });
        if (!answer.silent) res.writeHead(answer.status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: (path) => `${base}${path}`, posts, answer };
}
