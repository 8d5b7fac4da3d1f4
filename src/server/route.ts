import type { ServerContext } from './context.js';
import { answerError } from './error-answer.js';
import { ERRORS } from '../feed/api-errors.js';
import type { Responses } from './responses.js';

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type Method = (typeof METHODS)[number];
export type Params = Readonly<Record<string, string>>;
export type Handler = (request: Request, context: ServerContext, params: Params) => Promise<Response>;

/** A route: its path as the `api/` file names it (`/api/v1/versions/[id]/download`) and its handlers. */
export interface RouteDefinition {
  readonly pattern: string;
  readonly handlers: Partial<Record<Method, Handler>>;
  /** Its Allow header: its methods, HEAD wherever GET is, and OPTIONS. */
  readonly allow: string;
}

/** What a route file exports as `route`; its Vercel functions come from `vercel(route)` in `api/_vercel.ts`. */
export function defineRoute(pattern: string, handlers: Partial<Record<Method, Handler>>): RouteDefinition {
  return { pattern, handlers, allow: allowedMethods(handlers) };
}

/** A request whose path its route's pattern matched: the URL, and the parameters, null when a placeholder is not filled in. */
export interface RouteMatch {
  readonly url: URL;
  readonly params: Params | null;
}

/**
 * What a runtime brings to a request: the Response class it wants, and the context, asked for
 * only once the request is known to reach a handler (Vercel builds it lazily, once per instance:
 * a misconfigured deployment still answers OPTIONS and 405s).
 */
export interface Runtime {
  readonly respond: Responses;
  context(): ServerContext | Promise<ServerContext>;
  /** Where a failure to build the context is logged. */
  readonly log: ServerContext['log'];
}

/**
 * Matches a path against a pattern whose `[name]` segments match one segment each.
 * Null when it does not match, or when a segment is not valid percent-encoding.
 */
export function matchPattern(pattern: string, pathname: string): Params | null {
  const want = segmentsOf(pattern);
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

const patternSegments = new Map<string, readonly string[]>();

/** A pattern's segments, split once: patterns are the few route files', never a request's. */
function segmentsOf(pattern: string): readonly string[] {
  let segments = patternSegments.get(pattern);
  if (!segments) patternSegments.set(pattern, (segments = pattern.split('/')));
  return segments;
}

function allowedMethods(handlers: RouteDefinition['handlers']): string {
  const methods = new Set(Object.keys(handlers));
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return [...methods].join(', ');
}

/**
 * The path parameters of a request its route's pattern matched. Vercel may hand a function its
 * route's own path (`/api/v1/versions/[id]/download?id=123`) rather than the one asked for: a
 * segment that is still its `[name]` placeholder is then read from the query. Null when one is
 * not there: the route is right, but names no resource.
 */
export function resolveParams(matched: Params, url: URL): Params | null {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(matched)) {
    const fromQuery = value === `[${name}]` ? url.searchParams.get(name) : value;
    if (!fromQuery) return null;
    resolved[name] = fromQuery;
  }
  return resolved;
}

/**
 * The request's URL, or null when a Host header makes it unparseable (a port over 65535).
 * srvx builds it lazily and, for a path it must normalise (`/a/../b`, `#`), throws from the
 * `url` getter itself rather than handing back a string that fails to parse. Parsed once per
 * request: the route table, the handler and the links it makes all ask.
 */
export function requestUrl(request: Request): URL | null {
  const known = parsedUrls.get(request);
  if (known) return known;
  try {
    const url = new URL(request.url);
    parsedUrls.set(request, url);
    return url;
  } catch {
    return null;
  }
}

const parsedUrls = new WeakMap<Request, URL>();

/** The URL of a request its route matched, which therefore parses. */
export function matchedUrl(request: Request): URL {
  return requestUrl(request) ?? new URL(request.url);
}

/**
 * Answers a request its route matched: OPTIONS and 405 from the route's methods, HEAD from GET
 * without the body, and every failure as the documented JSON (src/server/error-answer.ts). The
 * one place a request meets its handler, for the local server and for Vercel alike.
 */
export async function dispatch(definition: RouteDefinition, request: Request, match: RouteMatch, runtime: Runtime): Promise<Response> {
  const { respond } = runtime;
  const method = request.method.toUpperCase();
  const allow = { allow: definition.allow };
  // A method no route file exports never reaches a function on Vercel, which routes by export; RFC 9110 §15.5.6 wants Allow on every 405.
  if (!(METHODS as readonly string[]).includes(method)) return respond.error(405, ERRORS.methodNotAllowed, allow);
  const { params } = match;
  if (params === null) return respond.error(404, ERRORS.notFound);
  if (method === 'OPTIONS') return respond.create(null, { status: 204, headers: allow });
  const handler = definition.handlers[method as Method] ?? (method === 'HEAD' ? definition.handlers.GET : undefined);
  if (!handler) return respond.error(405, ERRORS.methodNotAllowed, allow);

  let log = runtime.log;
  try {
    const context = await runtime.context();
    log = context.log;
    const response = await handler(request, context, params);
    if (method === 'HEAD' && response.body) {
      await response.body.cancel();
      return respond.create(null, { status: response.status, headers: response.headers });
    }
    return response;
  } catch (error) {
    return answerError(error, { respond, log, route: definition.pattern });
  }
}
