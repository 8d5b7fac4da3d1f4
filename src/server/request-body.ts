import { ERRORS } from '../feed/api-errors.js';
import { HttpError } from './responses.js';

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads a JSON request body of at most `limit` bytes: 413 beyond it (without reading
 * the rest), 400 for bytes that are not JSON, undefined for an empty body.
 */
export async function readJsonBody(request: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > limit) throw tooLarge();
  if (!request.body) return undefined;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    // A client that hangs up mid-body is not a server fault: a quiet 400, never an error-level log.
    const { done, value } = await reader.read().catch(() => {
      throw new HttpError(400, { message: ERRORS.bodyIncomplete });
    });
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (size === 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
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
 * The rest of a refused body is never read, so the connection cannot carry another
 * request: it is closed once the 413 is sent. Kept open, it would sit unread until the
 * keep-alive timeout and then be reset under the client's next request.
 */
function tooLarge(): HttpError {
  return new HttpError(413, { message: ERRORS.bodyTooLarge, headers: { connection: 'close' } });
}
