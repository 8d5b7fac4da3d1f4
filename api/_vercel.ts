// The composition root of the Vercel deployment: the one place its functions read the environment.
// Vercel deploys no function for a file whose name starts with `_`, and the local route table skips it too.
import type { ServerContext } from '../src/server/context.js';
import { nativeResponses } from '../src/server/responses.js';
import { dispatch, matchPattern, METHODS, requestUrl, resolveParams, type Method, type RouteDefinition, type Runtime } from '../src/server/route.js';
import { ERRORS } from '../src/feed/api-errors.js';
import { jsonLogger } from '../src/util/logger.js';

let instance: Promise<ServerContext> | null = null;

/**
 * Built once per instance from the environment, at the first request that reaches a handler.
 * Loaded lazily, like each route's handler (src/server/handlers/lazy.ts): a function's cold start
 * is its route file's small import, and OPTIONS or a 405 loads neither; the GitHub client itself
 * waits for the first read of the feed (open-store.ts). A failure is not kept, so a fixed
 * configuration is picked up without a redeploy of the instance.
 */
function instanceContext(): Promise<ServerContext> {
  instance ??= import('../src/server/env-context.js')
    .then(({ contextFromEnv }) => contextFromEnv(process.env))
    .catch((error: unknown) => {
      instance = null;
      throw error;
    });
  return instance;
}

const runtime: Runtime = { respond: nativeResponses, context: instanceContext, log: jsonLogger() };

/** The Web-standard function of every method Vercel calls a route file by; methods without a handler answer 405. */
export function vercel(definition: RouteDefinition): Record<Method, (request: Request) => Promise<Response>> {
  const call = async (request: Request): Promise<Response> => {
    const url = requestUrl(request);
    if (!url) return nativeResponses.error(400, ERRORS.badRequest);
    const matched = matchPattern(definition.pattern, url.pathname);
    if (matched === null) return nativeResponses.error(404, ERRORS.notFound);
    return dispatch(definition, request, { url, params: resolveParams(matched, url) }, runtime);
  };
  return Object.fromEntries(METHODS.map((m) => [m, call])) as Record<Method, typeof call>;
}
