import type { ServerContext } from './context.js';
import { answerError } from './error-answer.js';
import { ERRORS } from '../feed/api-errors.js';
import { dispatch, requestUrl, type Runtime } from './route.js';
import { findRoute, loadRouteTable } from './route-table.js';
import { staticFiles } from './static-files.js';

export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * The whole API as one Web-standard fetch handler over the `api/` route table: what
 * `updateforge serve` and the tests run, plus the tester page's files Vercel serves from `web/`.
 * Each request is matched once and handed to the same dispatch() Vercel's functions use.
 * Unknown paths are a JSON 404.
 */
export async function createApp(context: ServerContext, options: { apiDir?: string; webDir?: string } = {}): Promise<FetchHandler> {
  const table = await loadRouteTable(options.apiDir);
  const page = staticFiles(options.webDir);
  const { respond, log } = context;
  const runtime: Runtime = { respond, log, context: () => context };
  return async (request) => {
    const url = requestUrl(request);
    if (!url) return respond.error(400, ERRORS.badRequest);
    const match = findRoute(table, url);
    if (match) return dispatch(match.entry.route, request, match, runtime);
    // A rejection escaping this handler would be unhandled, and take the process down with it.
    try {
      return (await page(request, respond)) ?? respond.error(404, ERRORS.notFound);
    } catch (error) {
      return answerError(error, { respond, log, route: url.pathname });
    }
  };
}
