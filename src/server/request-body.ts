import type { Readable } from 'node:stream';
import type { ServerRequest } from 'srvx';
import { ERRORS } from '../feed/api-errors.js';
import { HttpError } from './responses.js';

export const MAX_BODY_BYTES = 64 * 1024;

/** Refuses bytes that are not UTF-8 rather than replacing them; reusable, as decode() without `stream` starts afresh. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a JSON request body of at most `limit` bytes: 413 beyond it (without reading
 * the rest), 400 for bytes that are not JSON, undefined for an empty body.
 */
export async function readJsonBody(request: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > limit) throw tooLarge();
  const bytes = await readBody(request, limit);
  if (bytes === null || bytes.byteLength === 0) return undefined;
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new HttpError(400, { message: ERRORS.invalidJson });
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, { message: ERRORS.invalidJson });
  }
}

/**
 * The body's bytes. On the local server srvx hands the Node request along, and reading it
 * directly skips the web stream wrapped around it: that stream cost half the CPU time of a
 * device's whole update check (docs/BENCHMARKS.md). Elsewhere (Vercel), the web stream.
 */
function readBody(request: Request, limit: number): Promise<Uint8Array | null> {
  if (request.method === 'GET' || request.method === 'HEAD') return Promise.resolve(null);
  const node = (request as ServerRequest).runtime?.node?.req;
  return node ? readNodeBody(node, limit) : readWebBody(request, limit);
}

function readNodeBody(req: Readable, limit: number): Promise<Buffer> {
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  if (req.destroyed) return Promise.reject(incomplete());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (finish: () => void) => {
      req.off('data', onData).off('end', onEnd).off('error', onFail).off('close', onFail);
      finish();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit) return void chunks.push(chunk);
      // Left unread: the 413 closes the connection (see tooLarge).
      req.pause();
      settle(() => reject(tooLarge()));
    };
    const onEnd = () => settle(() => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    // A client that hangs up mid-body is not a server fault: a quiet 400, never an error-level log.
    const onFail = () => settle(() => reject(incomplete()));
    req.on('data', onData).on('end', onEnd).on('error', onFail).on('close', onFail);
  });
}

async function readWebBody(request: Request, limit: number): Promise<Uint8Array | null> {
  if (!request.body) return null;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(() => {
      throw incomplete();
    });
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function incomplete(): HttpError {
  return new HttpError(400, { message: ERRORS.bodyIncomplete });
}

/**
 * The rest of a refused body is never read, so the connection cannot carry another
 * request: it is closed once the 413 is sent. Kept open, it would sit unread until the
 * keep-alive timeout and then be reset under the client's next request.
 */
function tooLarge(): HttpError {
  return new HttpError(413, { message: ERRORS.bodyTooLarge, headers: { connection: 'close' } });
}
