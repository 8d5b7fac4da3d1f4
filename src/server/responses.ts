import { STATUS_CODES } from 'node:http';

/** An outcome the API answers with a documented status and `{"error": message}`. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    /** More fields beside `error`, for clients that read them (the Capgo plugin reads `message` and `kind`). */
    readonly details: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}

type Body = ConstructorParameters<typeof Response>[0];
type ResponseClass = new (body?: Body, init?: ResponseInit) => Response;
let ResponseImpl: ResponseClass = Response;

/**
 * The Node server swaps in srvx's FastResponse: the same interface, but its body goes
 * straight to the socket instead of through a web stream (+50% requests/s on
 * `/api/v1/apps`). Vercel keeps the native Response its runtime expects.
 */
export function useResponseClass(impl: ResponseClass): void {
  ResponseImpl = impl;
}

/** Every response the API makes is built here (with the standard reason phrase, which FastResponse would leave empty). */
export function createResponse(body: Body, init: ResponseInit & { status: number }): Response {
  return new ResponseImpl(body, { statusText: STATUS_CODES[init.status] ?? '', ...init });
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return rawJsonResponse(status, JSON.stringify(body), headers);
}

/** A JSON response from text that is already JSON. */
export function rawJsonResponse(status: number, json: string, headers: Record<string, string> = {}): Response {
  return createResponse(json, { status, headers: { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(json)), ...headers } });
}

/**
 * The store cannot be read right now (GitHub down or rate-limited, or no manifest read yet): clients
 * are told when to come back, GitHub's own wait when it gave one, else shortly.
 */
export function feedUnavailable(retryAfterSeconds = 5): HttpError {
  return new HttpError(503, ERRORS.feedUnavailable, { 'retry-after': String(retryAfterSeconds) });
}

/** Marks an answer made from the last good manifest because the store could not be re-read. */
export function staleHeaders(stale: boolean): Record<string, string> {
  return stale ? { 'x-updateforge-stale': '1' } : {};
}

/** Every error the API gives has this one shape: `{"error": "<message>"}` (Capgo routes add `message` and `kind`). */
export function errorResponse(status: number, message: string, headers: Record<string, string> = {}, details: Record<string, string> = {}): Response {
  return jsonResponse(status, { error: message, ...details }, headers);
}

/** The WEB_API.md error strings, spelled once. */
export const ERRORS = {
  credentialsRequired: 'email and password are required',
  invalidCredentials: 'invalid credentials',
  tooManyAttempts: 'too many attempts',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  versionNotFound: 'version not found',
  noFileAttached: 'no file attached',
  notFound: 'not found',
  methodNotAllowed: 'method not allowed',
  invalidJson: 'invalid JSON body',
  bodyTooLarge: 'request body too large',
  rangeNotSatisfiable: 'range not satisfiable',
  iconNotFound: 'icon not found',
  feedUnavailable: 'feed unavailable',
  misconfigured: 'server misconfigured',
  internal: 'internal error',
  badRequest: 'bad request',
  bodyIncomplete: 'request body incomplete',
  expectationFailed: 'expectation failed',
  headersTooLarge: 'request headers too large',
  requestTimeout: 'request timeout',
} as const;
