import { describe, expect, test } from 'vitest';
import { MAX_BODY_BYTES, readJsonBody } from '../../../src/server/request-body.js';
import { HttpError } from '../../../src/server/responses.js';

const post = (body: string | Uint8Array | ReadableStream<Uint8Array> | null, headers: Record<string, string> = {}) =>
  new Request('http://localhost/api', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

/** A body that sends `chunks` and then either ends or fails (a client hanging up). */
function streamed(chunks: Uint8Array[], end: 'close' | 'error' = 'close') {
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = chunks[pulled++];
        if (next) controller.enqueue(next);
        else if (end === 'close') controller.close();
        else controller.error(new Error('socket hang up'));
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  ); // nothing read ahead: `pulled` counts what the reader asked for
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('should have thrown'),
    (e: unknown) => e,
  );

describe('readJsonBody', () => {
  test('parses a JSON body', async () => {
    expect(await readJsonBody(post(JSON.stringify({ email: 'a@x.io', n: [1, 2] })))).toEqual({ email: 'a@x.io', n: [1, 2] });
    expect(await readJsonBody(post('"just a string"'))).toBe('just a string');
  });

  test('no body, an empty one and whitespace are undefined', async () => {
    expect(await readJsonBody(new Request('http://localhost/api'))).toBeUndefined();
    expect(await readJsonBody(post(''))).toBeUndefined();
    expect(await readJsonBody(post(' \n\t '))).toBeUndefined();
  });

  test('bytes that are not JSON, or not UTF-8, are 400 "invalid JSON body"', async () => {
    for (const body of ['{"email":', 'hello', new Uint8Array([0x7b, 0xff, 0x7d])]) {
      const error = await failure(readJsonBody(post(body)));
      expect(error).toBeInstanceOf(HttpError);
      expect(error).toMatchObject({ status: 400, message: 'invalid JSON body' });
    }
  });

  test('a declared Content-Length over the limit is 413 before a byte is read, and closes the connection', async () => {
    const body = streamed([new TextEncoder().encode('{}')]);
    const error = await failure(readJsonBody(post(body.stream, { 'content-length': String(MAX_BODY_BYTES + 1) })));
    expect(error).toMatchObject({ status: 413, message: 'request body too large', headers: { connection: 'close' } });
    expect(body.pulled()).toBe(0);
  });

  test('a body that grows past the limit is 413 as soon as it does, and the rest is not read', async () => {
    const chunk = new Uint8Array(40);
    const body = streamed([chunk, chunk, chunk, chunk, chunk]);
    const error = await failure(readJsonBody(post(body.stream), 100));
    expect(error).toMatchObject({ status: 413, headers: { connection: 'close' } });
    expect(body.pulled()).toBe(3);
    expect(body.cancelled()).toBe(true);
  });

  test('exactly the limit is read', async () => {
    const text = `"${'x'.repeat(98)}"`;
    expect(await readJsonBody(post(text), 100)).toBe('x'.repeat(98));
  });

  test('a client hanging up mid-body is 400 "request body incomplete"', async () => {
    const body = streamed([new TextEncoder().encode('{"email"')], 'error');
    expect(await failure(readJsonBody(post(body.stream)))).toMatchObject({ status: 400, message: 'request body incomplete' });
  });
});
