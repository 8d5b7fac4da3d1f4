import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import type { Logger } from '../util/logger.js';
import { packageVersionOrUnknown } from '../util/project-root.js';

export const GitHubOctokit = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof GitHubOctokit>;

export interface GitHubClientOptions {
  readonly token: string;
  /** `https://api.github.com`, or GitHub Enterprise's `https://host/api/v3`; tests point it at the fake. */
  readonly apiUrl?: string | undefined;
  readonly log: Logger;
  /** Base of the retry waits in ms (GitHub's advice is seconds; tests make it short). */
  readonly retryBaseMs?: number;
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
 * growing waits, primary and secondary rate limits waited out (up to 3 times). 409 is
 * not retried: it is the compare-and-swap telling us to re-read.
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const base = options.retryBaseMs ?? 1000;
  const onLimit = (kind: string) => (retryAfter: number, request: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
    options.log.warn(`github ${kind}`, { retryAfter, method: request.method, retryCount });
    return retryCount < 3 && !isUpload(request);
  };
  return new GitHubOctokit({
    auth: options.token,
    baseUrl: (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: `updateforge/${packageVersionOrUnknown()}`,
    // Octokit logs every failed request to the console; many are expected (a 404 for a file not yet there),
    // and the store reports real failures itself. Deprecation warnings still reach our log.
    log: { debug: () => {}, info: () => {}, warn: (message: string) => options.log.warn('github', { message }), error: () => {} },
    // (Setting request.retries globally would make the plugin retry every failure, 404s included.)
    retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451], retryAfterBaseValue: base, retries: 3 },
    throttle: {
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
      retryAfterBaseValue: base,
      ...(options.pacingMs === undefined ? {} : { write: paced(options.pacingMs), notifications: paced(options.pacingMs) }),
    },
  });
}
