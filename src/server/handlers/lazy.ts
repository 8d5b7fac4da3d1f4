import type { Handler } from '../route.js';

/**
 * A handler whose module is imported at the first request that reaches it, not with its route file:
 * a function's cold start is then the route file's own small import, and OPTIONS, 404 and 405
 * answers never load it. Once loaded, every request calls it straight; a failed import is retried.
 */
export function lazyHandler(load: () => Promise<Handler>): Handler {
  let handler: Handler | undefined;
  let loading: Promise<Handler> | undefined;
  return (request, context, params) => {
    if (handler) return handler(request, context, params);
    loading ??= load().then(
      (loaded) => (handler = loaded),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading.then((loaded) => loaded(request, context, params));
  };
}
