import dc from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import path from 'node:path';
import { afterAll, expect, inject } from 'vitest';
import { projectRoot } from '../../../src/util/project-root.js';
import { silentLogger } from '../../../src/util/logger.js';
import { flushReport, isChildServer, recordFetchedResponse, recordLogLine, recordResponse, startSweep } from './record.js';

/**
 * Runs before every test file (vitest `setupFiles`): starts this file's sweep report and
 * installs the recorders no helper could: every in-process HTTP server's responses (Node's
 * `http.server.request.start` channel fires before the route sees the request), the
 * product's silent logger, and fetches to servers the suite runs as child processes.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    secretsSweepDir: string;
  }
}

const testPath = expect.getState().testPath;
startSweep(testPath ? path.relative(projectRoot(), testPath) : '(unknown test file)', inject('secretsSweepDir') ?? null);

const onRequest = (message: unknown) => {
  const { request, response, server } = message as { request: IncomingMessage; response: ServerResponse; server: Server };
  const address = server.address();
  recordResponse(request, response, typeof address === 'object' && address !== null ? address.port : undefined);
};
dc.subscribe('http.server.request.start', onRequest);

// The product logs through whatever Logger it is given; the one tests give by default
// says nothing, and must still never be handed a secret.
const quiet = { ...silentLogger };
silentLogger.info = (event, fields) => recordLogLine('info', event, fields);
silentLogger.warn = (event, fields) => recordLogLine('warn', event, fields);
silentLogger.error = (event, fields) => recordLogLine('error', event, fields);

const pending = new Set<Promise<void>>();
const realFetch = globalThis.fetch;
globalThis.fetch = async function sweptFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await realFetch(input, init);
  const url = new URL(response.url || (input instanceof Request ? input.url : String(input)));
  if (isChildServer(url.origin)) {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const recording = recordFetchedResponse(method, url, response.clone()).finally(() => pending.delete(recording));
    pending.add(recording);
  }
  return response;
};

afterAll(async () => {
  // A body the test never read is still arriving into the recorder's copy; a killed child ends it.
  await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  globalThis.fetch = realFetch;
  Object.assign(silentLogger, quiet);
  dc.unsubscribe('http.server.request.start', onRequest);
  flushReport();
});
