/** An outcome the API answers with a documented status and `{"error": message}`. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body);
  return new Response(text, { status, headers: { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(text)), ...headers } });
}

/** Every error the API gives has this one shape: `{"error": "<message>"}`. */
export function errorResponse(status: number, message: string, headers: Record<string, string> = {}): Response {
  return jsonResponse(status, { error: message }, headers);
}

/** The WEB_API.md error strings, spelled once. */
export const ERRORS = {
  credentialsRequired: 'email and password are required',
  invalidCredentials: 'invalid credentials',
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
  internal: 'internal error',
} as const;
