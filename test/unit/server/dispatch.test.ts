import { describe, expect, test } from 'vitest';
import { ERRORS } from '../../../src/feed/api-errors.js';
import type { ServerContext } from '../../../src/server/context.js';
import { answerError } from '../../../src/server/error-answer.js';
import { lazyHandler } from '../../../src/server/handlers/lazy.js';
import { HttpError, Responses } from '../../../src/server/responses.js';
import { defineRoute, dispatch, type Runtime } from '../../../src/server/route.js';
import { ServerConfigError } from '../../../src/server/config-error.js';
import { StoreNotFoundError, StoreUnavailableError } from '../../../src/store/errors.js';
import type { Logger } from '../../../src/util/logger.js';

function recordingLog() {
  const lines: { level: string; event: string; fields: object | undefined }[] = [];
  const at = (level: string) => (event: string, fields?: object) => void lines.push({ level, event, fields });
  const log: Logger = { info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

const respond = new Responses();
const answer = async (error: unknown) => {
  const { log, lines } = recordingLog();
  const response = answerError(error, { respond, log, route: '/api/v1/apps' });
  return { status: response.status, headers: Object.fromEntries(response.headers), body: (await response.json()) as unknown, lines };
};

describe('answerError: the one catch of every request', () => {
  test("a handler's HttpError is its documented answer, headers and details included", async () => {
    const error = new HttpError(429, { message: 'too_many_requests', headers: { 'retry-after': '7' }, details: { kind: 'failed', message: 'slow down' } });
    expect(await answer(error)).toMatchObject({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: 'too_many_requests', kind: 'failed', message: 'slow down' },
      lines: [],
    });
  });

  test('a store that cannot be read is a 503 with its own wait, else 5 s, and a warning naming what failed', async () => {
    const rateLimited = await answer(new StoreUnavailableError('GitHub rate limit reached', { retryAfterSeconds: 42 }));
    expect(rateLimited).toMatchObject({ status: 503, headers: { 'retry-after': '42' }, body: { error: ERRORS.feedUnavailable } });
    expect(rateLimited.lines).toEqual([{ level: 'warn', event: 'store unavailable', fields: { route: '/api/v1/apps', message: 'GitHub rate limit reached' } }]);
    expect(await answer(new StoreUnavailableError('GitHub answered 502'))).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
  });

  test('a misconfigured server is a 503 that tells the client nothing more; the log says what to fix', async () => {
    const misconfigured = await answer(new ServerConfigError('UPDATEFORGE_JWT_SECRET is not set'));
    expect(misconfigured).toMatchObject({ status: 503, body: { error: ERRORS.misconfigured } });
    expect(misconfigured.headers['retry-after']).toBeUndefined();
    expect(misconfigured.lines).toEqual([{ level: 'error', event: 'server misconfigured', fields: { message: 'UPDATEFORGE_JWT_SECRET is not set' } }]);
  });

  test('anything else is a 500 whose message stays in the log, without a stack', async () => {
    const bug = await answer(new TypeError('cannot read properties of undefined (secret-ish detail)'));
    expect(bug).toMatchObject({ status: 500, body: { error: ERRORS.internal } });
    expect(JSON.stringify(bug.body)).not.toContain('secret-ish');
    expect(bug.lines).toEqual([
      { level: 'error', event: 'unhandled error', fields: { route: '/api/v1/apps', error: 'TypeError', message: 'cannot read properties of undefined (secret-ish detail)' } },
    ]);
    expect(await answer(new StoreNotFoundError('no such asset'))).toMatchObject({ status: 404, body: { error: ERRORS.notFound } });
  });
});

describe('dispatch', () => {
  const route = defineRoute('/api/v1/things/[id]', {
    GET: (_request, context, params) => Promise.resolve(context.respond.json(200, { id: params['id'] })),
  });
  const match = { url: new URL('http://localhost/api/v1/things/7'), params: { id: '7' } };
  const request = (method: string) => new Request(match.url, { method });
  /** A runtime whose context cannot be built: what a Vercel instance with bad variables has. */
  const broken = (): Runtime & { asked: () => number } => {
    let asked = 0;
    const { log } = recordingLog();
    return {
      respond,
      log,
      context: () => {
        asked++;
        return Promise.reject(new ServerConfigError('UPDATEFORGE_REPO is not set'));
      },
      asked: () => asked,
    };
  };

  test('OPTIONS and a method the route lacks are answered from the route alone, without building the context', async () => {
    const runtime = broken();
    const options = await dispatch(route, request('OPTIONS'), match, runtime);
    expect([options.status, options.headers.get('allow')]).toEqual([204, 'GET, HEAD, OPTIONS']);
    const propfind = await dispatch(route, request('PROPFIND'), match, runtime);
    expect([propfind.status, propfind.headers.get('allow'), await propfind.json()]).toEqual([405, 'GET, HEAD, OPTIONS', { error: ERRORS.methodNotAllowed }]);
    expect(runtime.asked()).toBe(0);
  });

  test('a context that cannot be built is the documented 503', async () => {
    const runtime = broken();
    const response = await dispatch(route, request('GET'), match, runtime);
    expect([response.status, await response.json()]).toEqual([503, { error: ERRORS.misconfigured }]);
    expect(runtime.asked()).toBe(1);
  });

  test('HEAD is GET without the body; the handler gets the params the caller matched', async () => {
    const context = { respond, log: recordingLog().log } as unknown as ServerContext;
    const runtime: Runtime = { respond, log: context.log, context: () => context };
    const get = await dispatch(route, request('GET'), match, runtime);
    expect(await get.json()).toEqual({ id: '7' });
    const head = await dispatch(route, request('HEAD'), match, runtime);
    expect([head.status, head.headers.get('content-type'), await head.text()]).toEqual([200, 'application/json; charset=utf-8', '']);
  });
});

describe('lazyHandler: a route file imports its handler at the first request that reaches it', () => {
  const match = { url: new URL('http://localhost/api/v1/things'), params: {} };
  const request = (method: string) => new Request(match.url, { method });
  const context = { respond, log: recordingLog().log } as unknown as ServerContext;
  const runtime: Runtime = { respond, log: context.log, context: () => context };

  test('OPTIONS and a 405 load nothing; the first request loads once, and every later one calls it straight', async () => {
    let loads = 0;
    const route = defineRoute('/api/v1/things', {
      POST: lazyHandler(() => {
        loads++;
        return Promise.resolve((_request, ctx) => Promise.resolve(ctx.respond.json(200, { loaded: loads })));
      }),
    });
    expect((await dispatch(route, request('OPTIONS'), match, runtime)).status).toBe(204);
    expect((await dispatch(route, request('GET'), match, runtime)).status).toBe(405);
    expect(loads).toBe(0);
    const answers = await Promise.all([1, 2, 3].map(() => dispatch(route, request('POST'), match, runtime)));
    expect(await Promise.all(answers.map((a) => a.json()))).toEqual([{ loaded: 1 }, { loaded: 1 }, { loaded: 1 }]);
    expect(loads).toBe(1);
  });

  test('an import that failed is the documented 500 for that request, and tried again at the next', async () => {
    let loads = 0;
    const route = defineRoute('/api/v1/things', {
      POST: lazyHandler(() => {
        loads++;
        return loads === 1
          ? Promise.reject(new Error('Cannot find module handlers/things.js'))
          : Promise.resolve((_r, ctx) => Promise.resolve(ctx.respond.json(200, { ok: true })));
      }),
    });
    const failed = await dispatch(route, request('POST'), match, runtime);
    expect([failed.status, await failed.json()]).toEqual([500, { error: ERRORS.internal }]);
    const retried = await dispatch(route, request('POST'), match, runtime);
    expect([retried.status, await retried.json()]).toEqual([200, { ok: true }]);
    expect(loads).toBe(2);
  });
});
