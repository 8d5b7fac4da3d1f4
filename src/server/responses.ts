import { STATUS_CODES } from 'node:http';

type Body = ConstructorParameters<typeof Response>[0];
export type ResponseClass = new (body?: Body, init?: ResponseInit) => Response;

/** An outcome the API answers with a documented status and `{"error": message}`. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** More fields beside `error`, for clients that read them (the Capgo plugin reads `message` and `kind`). */
  readonly details: Readonly<Record<string, string>>;
  constructor(status: number, answer: { message: string; headers?: Record<string, string>; details?: Record<string, string>; cause?: unknown }) {
    super(answer.message, answer.cause === undefined ? {} : { cause: answer.cause });
    this.status = status;
    this.headers = answer.headers ?? {};
    this.details = answer.details ?? {};
  }
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Every response the API makes is built here, with the Response class its runtime wants: the
 * Node server hands in srvx's FastResponse (its body goes straight to the socket instead of
 * through a web stream: +50% requests/s on `/api/v1/apps`), Vercel keeps the native one.
 */
export class Responses {
  /** No class given: the global Response, looked up at the first answer (reading it loads Node's fetch classes, a third of a route file's import time). */
  constructor(private readonly Impl?: ResponseClass) {}

  /** With the standard reason phrase, which FastResponse would leave empty. */
  create(body: Body, init: ResponseInit & { status: number }): Response {
    const Impl = this.Impl ?? Response;
    return new Impl(body, { statusText: STATUS_CODES[init.status] ?? '', ...init });
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
    return this.rawJson(status, JSON.stringify(body), headers);
  }

  /** A JSON response from text that is already JSON, or from its UTF-8 bytes (an answer prepared once and sent many times). */
  rawJson(status: number, json: string | Buffer, headers: Readonly<Record<string, string>> = NO_HEADERS): Response {
    const length = typeof json === 'string' ? Buffer.byteLength(json) : json.byteLength;
    // Built field by field, not spread: every answer of the hot routes comes through here.
    const all: Record<string, string> = { 'content-type': JSON_CONTENT_TYPE, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-length': String(length) };
    for (const name in headers) all[name] = headers[name]!;
    return this.create(json, { status, headers: all });
  }

  /** Every error the API gives has this one shape: `{"error": "<message>"}` (Capgo routes add `message` and `kind`). */
  error(status: number, message: string, headers: Readonly<Record<string, string>> = {}, details: Readonly<Record<string, string>> = {}): Response {
    return this.json(status, { error: message, ...details }, headers);
  }
}

/** The runtime's own Response class: what Vercel calls a function with and expects back. */
export const nativeResponses = new Responses();

/** Marks an answer made from the last good manifest because the store could not be re-read. */
export function staleHeaders(stale: boolean): Record<string, string> {
  return stale ? { 'x-updateforge-stale': '1' } : {};
}
