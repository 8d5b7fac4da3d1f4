import { describeError } from '../util/logger.js';
import { bindContext, type ServerContext } from './context.js';
import { findRoute, loadRouteTable } from './route-table.js';
import { ERRORS, errorResponse } from './responses.js';
import { landingPage } from './static-page.js';
import { allowedMethods, requestUrl, type Method } from './route.js';

export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * The whole API as one Web-standard fetch handler over the `api/` route table:
 * what `updateforge serve` and the tests run, plus the landing page Vercel serves from `web/`.
 * Unknown paths are a JSON 404.
 */
export async function createApp(context: ServerContext, options: { apiDir?: string } = {}): Promise<FetchHandler> {
  const table = await loadRouteTable(options.apiDir);
  return async (request) => {
    // Everything inside: a rejection escaping this handler is unhandled, and takes the process down with it.
    try {
      const url = requestUrl(request);
      if (!url) return errorResponse(400, ERRORS.badRequest);
      const entry = findRoute(table, url.pathname);
      if (!entry) return (await landingPage(request)) ?? errorResponse(404, ERRORS.notFound);
      const method = entry.methods[request.method.toUpperCase() as Method];
      // A method no route file exports (PROPFIND, TRACE...): RFC 9110 §15.5.6 wants Allow on every 405.
      if (!method) return errorResponse(405, ERRORS.methodNotAllowed, { allow: allowedMethods(entry.methods.GET.route) });
      bindContext(request, context);
      return await method(request);
    } catch (error) {
      context.log.error('unhandled error', describeError(error));
      return errorResponse(500, ERRORS.internal);
    }
  };
}
