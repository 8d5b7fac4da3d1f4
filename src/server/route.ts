import { StoreUnavailableError } from '../store/errors.js';
import { describeError, jsonLogger } from '../util/logger.js';
import { contextFor, type ServerContext } from './context.js';
import { createResponse, ERRORS, errorResponse, feedUnavailable, isHttpError } from './responses.js';
import { ServerConfigError } from './tokens.js';

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type Method = (typeof METHODS)[number];
export type Params = Readonly<Record<string, string>>;
export type Handler = (request: Request, context: ServerContext, params: Params) => Promise<Response>;

/** A route: its path as the `api/` file names it (`/api/v1/versions/[id]/download`) and its handlers. */
export interface RouteDefinition {
  readonly pattern: string;
  readonly handlers: Partial<Record<Method, Handler>>;
}

export type RouteFunction = ((request: Request) => Promise<Response>) & { readonly route: RouteDefinition };

/**
 * Matches a path against a pattern whose `[name]` segments match one segment each.
 * Null when it does not match, or when a segment is not valid percent-encoding.
 */
export function matchPattern(pattern: string, pathname: string): Params | null {
  const want = pattern.split('/');
  const have = pathname.split('/');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const h = have[i] ?? '';
    if (w.startsWith('[') && w.endsWith(']')) {
      if (h === '') return null;
      try {
        params[w.slice(1, -1)] = decodeURIComponent(h);
      } catch {
        return null;
      }
    } else if (w !== h) return null;
  }
  return params;
}

/**
 * What a file under `api/` exports: one function per HTTP method, each the Web-standard
 * `(request) => Response` that Vercel calls, and that the local server calls too. Methods
 * without a handler answer 405, and no error ever escapes as anything but the documented JSON.
 */
export function route(pattern: string, handlers: Partial<Record<Method, Handler>>): Record<Method, RouteFunction> {
  const definition: RouteDefinition = { pattern, handlers };
  const call = Object.assign((request: Request) => dispatch(definition, request), { route: definition });
  return Object.fromEntries(METHODS.map((m) => [m, call])) as Record<Method, RouteFunction>;
}

/** The Allow header of a route: its methods, HEAD wherever GET is, and OPTIONS. */
export function allowedMethods(definition: RouteDefinition): string {
  const methods = new Set(Object.keys(definition.handlers));
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return [...methods].join(', ');
}

/**
 * The path parameters of a request. Vercel may hand a function its route's own path
 * (`/api/v1/versions/[id]/download?id=123`) rather than the one asked for: a segment
 * that is still its `[name]` placeholder is then read from the query.
 */
export function paramsOf(definition: RouteDefinition, url: URL): Params | null {
  const params = matchPattern(definition.pattern, url.pathname);
  if (params === null) return null;
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    const fromQuery = value === `[${name}]` ? url.searchParams.get(name) : value;
    if (!fromQuery) return null;
    resolved[name] = fromQuery;
  }
  return resolved;
}

/**
 * The request's URL, or null when a Host header makes it unparseable (a port over 65535).
 * srvx builds it lazily and, for a path it must normalise (`/a/../b`, `#`), throws from the
 * `url` getter itself rather than handing back a string that fails to parse.
 */
export function requestUrl(request: Request): URL | null {
  try {
    return new URL(request.url);
  } catch {
    return null;
  }
}

async function dispatch(definition: RouteDefinition, request: Request): Promise<Response> {
  const url = requestUrl(request);
  if (!url) return errorResponse(400, ERRORS.badRequest);
  const params = paramsOf(definition, url);
  if (params === null) return errorResponse(404, ERRORS.notFound);
  const method = request.method.toUpperCase();
  if (method === 'OPTIONS') return createResponse(null, { status: 204, headers: { allow: allowedMethods(definition) } });
  const handler = definition.handlers[method as Method] ?? (method === 'HEAD' ? definition.handlers.GET : undefined);
  if (!handler) return errorResponse(405, ERRORS.methodNotAllowed, { allow: allowedMethods(definition) });

  let context: ServerContext | null = null;
  try {
    context = await contextFor(request);
    const response = await handler(request, context, params);
    if (method === 'HEAD' && response.body) {
      await response.body.cancel();
      return createResponse(null, { status: response.status, headers: response.headers });
    }
    return response;
  } catch (caught) {
    const log = context?.log ?? jsonLogger();
    let error = caught;
    if (error instanceof StoreUnavailableError) {
      // The store's message says what failed and names no secret; clients learn to come back.
      log.warn('store unavailable', { route: definition.pattern, message: error.message });
      error = feedUnavailable(error.retryAfterSeconds);
    }
    if (isHttpError(error)) return errorResponse(error.status, error.message, error.headers, error.details);
    if (error instanceof ServerConfigError) {
      // Which variables are wrong goes to the log (it names no secret); clients only learn it is not their fault.
      log.error('server misconfigured', { message: error.message });
      return errorResponse(503, ERRORS.misconfigured);
    }
    // Unknown failures are logged by name and message only: no stack, no request data.
    log.error('unhandled error', { route: definition.pattern, ...describeError(error) });
    return errorResponse(500, ERRORS.internal);
  }
}
