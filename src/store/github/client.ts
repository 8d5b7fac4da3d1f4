import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import type { Logger } from '../../util/logger.js';
import { StoreUnavailableError } from '../errors.js';
import { RateLimitGate } from './rate-limit.js';
import { packageVersionOrUnknown } from '../../util/project-root.js';

// Typed as the plain client: the plugins add behaviour (retries, pacing), no methods we call, and
// the plugged class's inferred type cannot be named in the package's declarations.
const GitHubOctokit: typeof Octokit = Octokit.plugin(retry, throttling);
export type GitHubClient = Octokit;

/**
 * How long a call may keep trying. Publishing waits out GitHub's hiccups and rate limits (a CI
 * job has minutes); a server answering a tester or a device does not: it never waits out a rate
 * limit (that can be an hour), and a GitHub that accepts the connection but never answers must
 * not hold a request open.
 */
export type Patience = 'publish' | 'serve';

interface PatienceLimits {
  readonly retries: number;
  readonly retryBaseMs: number;
  /** Wait out GitHub's rate limits (up to 3 times), or fail at once with the time GitHub gave. */
  readonly waitsOutRateLimits: boolean;
  /** The longest wait for a response's headers. */
  readonly responseTimeoutMs: number | null;
  /** The longest wait for a download's next bytes, once it has started. */
  readonly idleTimeoutMs: number | null;
}

const PATIENCE: Record<Patience, PatienceLimits> = {
  // A 1000 ms base turns GitHub's `retry-after` and reset times, given in seconds, into the waits GitHub asks for.
  publish: { retries: 3, retryBaseMs: 1000, waitsOutRateLimits: true, responseTimeoutMs: null, idleTimeoutMs: null },
  serve: { retries: 1, retryBaseMs: 250, waitsOutRateLimits: false, responseTimeoutMs: 5000, idleTimeoutMs: 30_000 },
};

/** The limits of the options' patience, with the overrides the options give (tests make them short). */
export function patienceLimits(options: Pick<GitHubClientOptions, 'patience' | 'retryBaseMs' | 'responseTimeoutMs' | 'idleTimeoutMs'>): PatienceLimits {
  const base = PATIENCE[options.patience ?? 'publish'];
  return {
    retries: base.retries,
    retryBaseMs: options.retryBaseMs ?? base.retryBaseMs,
    waitsOutRateLimits: base.waitsOutRateLimits,
    responseTimeoutMs: options.responseTimeoutMs ?? base.responseTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs ?? base.idleTimeoutMs,
  };
}

export interface GitHubClientOptions {
  readonly token: string;
  /** Default `publish`. */
  readonly patience?: Patience | undefined;
  /** `https://api.github.com`, or GitHub Enterprise's `https://host/api/v3`; tests point it at the fake. */
  readonly apiUrl?: string | undefined;
  readonly log: Logger;
  /** Base of the retry waits in ms (GitHub's advice is seconds; tests make it short). */
  readonly retryBaseMs?: number;
  /** Overrides the patience's wait for a response's headers. */
  readonly responseTimeoutMs?: number;
  /** Overrides the patience's wait for a download's next bytes. */
  readonly idleTimeoutMs?: number;
  /**
   * Spacing of writes in ms. By default the throttling plugin keeps GitHub's advice
   * (a second between writes, three between ones that notify), which spares the
   * secondary rate limit; tests against the fake GitHub set it to 0.
   */
  readonly pacingMs?: number | undefined;
}

function paced(minTime: number): Bottleneck.Group {
  return new Bottleneck.Group({ maxConcurrent: 1, minTime });
}

/** Uploads resend a stream the plugins cannot replay: the store retries them itself. */
const isUpload = (options: { method?: string; url?: string }) => options.method === 'POST' && /\/releases\/\d+\/assets/.test(options.url ?? '');

/**
 * Octokit with GitHub's recommended manners: 5xx and network failures retried with
 * growing waits; primary and secondary rate limits waited out (up to 3 times) when
 * publishing, and when serving not waited at all: the call fails with GitHub's time to
 * wait, and every call until then fails at once without asking GitHub (RateLimitGate).
 * 409 is not retried: it is the compare-and-swap telling us to re-read.
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const patience = patienceLimits(options);
  const base = patience.retryBaseMs;
  const gate = patience.waitsOutRateLimits ? null : new RateLimitGate();
  const onLimit = (kind: string) => (retryAfter: number, request: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
    options.log.warn(`github ${kind}`, { retryAfter, method: request.method, retryCount });
    if (gate) {
      gate.close(retryAfter);
      return false;
    }
    return retryCount < 3 && !isUpload(request);
  };
  const octokit = new GitHubOctokit({
    auth: options.token,
    baseUrl: (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: `updateforge/${packageVersionOrUnknown()}`,
    // Octokit logs every failed request to the console; many are expected (a 404 for a file not yet there),
    // and the store reports real failures itself. Deprecation warnings still reach our log.
    log: { debug: () => {}, info: () => {}, warn: (message: string) => options.log.warn('github', { message }), error: () => {} },
    // (Setting request.retries globally would make the plugin retry every failure, 404s included.)
    // 429 is a rate limit, the throttling plugin's to handle with GitHub's own wait, not a blind retry's.
    retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451], retryAfterBaseValue: base, retries: patience.retries },
    throttle: {
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
      retryAfterBaseValue: base,
      ...(options.pacingMs === undefined ? {} : { write: paced(options.pacingMs), notifications: paced(options.pacingMs) }),
    },
  });
  // Octokit hands every call the same `request` object, and the retry plugin counts attempts in it: without
  // a copy per call, each failure would lengthen every later call's retry waits for the life of the client.
  const timedFetch = githubFetch(options);
  octokit.hook.before('request', (request) => {
    request.request = { ...request.request, fetch: timedFetch };
  });
  // Added last, so it runs first: a closed gate stops the call before any plugin sees it.
  if (gate) {
    octokit.hook.before('request', () => {
      const wait = gate.secondsLeft();
      if (wait > 0) throw new StoreUnavailableError(`GitHub's rate limit asked UpdateForge to wait; it will ask GitHub again in ${wait} s.`, { retryAfterSeconds: wait });
    });
  }
  return octokit;
}

/**
 * The fetch for GitHub's API and its signed download links: it gives up when a response's
 * headers take longer than the patience allows. Only the wait for headers is bounded: a
 * download's body may then take as long as it needs.
 */
export function githubFetch(options: Pick<GitHubClientOptions, 'patience' | 'responseTimeoutMs'>): typeof fetch {
  const ms = patienceLimits(options).responseTimeoutMs;
  if (ms === null) return fetch;
  return async (input, init) => {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error(`GitHub did not answer within ${ms / 1000} s`)), ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
    try {
      return await fetch(input, { ...init, signal });
    } finally {
      clearTimeout(timer);
    }
  };
}
