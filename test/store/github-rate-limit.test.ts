import { randomBytes } from 'node:crypto';
import { describe, expect, onTestFinished, test } from 'vitest';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { isRateLimitAnswer, RateLimitGate, retryAfterSeconds } from '../../src/store/github/rate-limit.js';
import { GitHubStore } from '../../src/store/github/store.js';
import { silentLogger } from '../../src/util/logger.js';
import { githubStore, useFakeGitHub } from '../helpers/github.js';

const github = useFakeGitHub();

describe('GitHub’s time to wait', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  test('is `retry-after` when given, else the reset of a spent budget, else a minute', () => {
    expect(retryAfterSeconds({ 'retry-after': '30' }, now)).toBe(30);
    expect(retryAfterSeconds({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 1234) }, now)).toBe(1234);
    expect(retryAfterSeconds({ 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': String(now / 1000 + 1234) }, now)).toBe(60);
    expect(retryAfterSeconds({}, now)).toBe(60);
    // A reset already past (clocks differ) still waits a second; nothing waits past the hour.
    expect(retryAfterSeconds({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 - 5) }, now)).toBe(1);
    expect(retryAfterSeconds({ 'retry-after': '86400' }, now)).toBe(3600);
  });

  test('a rate limit is any 429, and a 403 that says so; a 403 for access is not', () => {
    expect(isRateLimitAnswer(429, {}, '')).toBe(true);
    expect(isRateLimitAnswer(403, { 'x-ratelimit-remaining': '0' }, 'API rate limit exceeded for user ID 1.')).toBe(true);
    expect(isRateLimitAnswer(403, {}, 'You have exceeded a secondary rate limit.')).toBe(true);
    expect(isRateLimitAnswer(403, { 'x-ratelimit-remaining': '4000' }, 'Resource not accessible by integration')).toBe(false);
  });

  test('the gate stays closed for the longest wait it was given', () => {
    const time = { now };
    const gate = new RateLimitGate(() => time.now);
    expect(gate.secondsLeft()).toBe(0);
    gate.close(30);
    gate.close(10);
    time.now += 12_500;
    expect(gate.secondsLeft()).toBe(18);
    time.now += 18_000;
    expect(gate.secondsLeft()).toBe(0);
  });
});

describe('a spent budget', () => {
  function spentToken(windowMs?: number): string {
    const token = `ghp_${randomBytes(6).toString('hex')}`;
    github.fake().tokens.set(token, 'read');
    github.fake().rateLimit.setLimit(token, 1);
    if (windowMs !== undefined) {
      const before = github.fake().rateLimit.windowMs;
      github.fake().rateLimit.windowMs = windowMs;
      onTestFinished(() => void (github.fake().rateLimit.windowMs = before));
    }
    return token;
  }

  test('serving: fails at once with GitHub’s wait, and asks GitHub nothing more until then', async () => {
    const repo = github.newRepo();
    const token = spentToken();
    const store = githubStore(github.fake(), repo, { token, patience: 'serve' });
    expect(await store.readBranchFile('manifest.json', { recheck: true })).toBeNull();
    const started = performance.now();
    const error = await store.readBranchFile('manifest.json', { recheck: true }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).message).toMatch(
      /GitHub's rate limit stopped UpdateForge .* \(403 API rate limit exceeded for user ID \d+\.\); GitHub asks to wait \d+ s/,
    );
    expect((error as StoreUnavailableError).retryAfterSeconds).toBeGreaterThan(3500);

    const asked = github.fake().requests.length;
    const again = await store.openAsset('123').catch((e: unknown) => e);
    expect((again as StoreUnavailableError).retryAfterSeconds).toBeGreaterThan(3500);
    expect(github.fake().requests.length).toBe(asked);
  });

  test('publishing: waits for the reset, as GitHub says, and carries on', async () => {
    const repo = github.newRepo();
    const token = spentToken(1500);
    // The publish patience, with its 1000 ms base: GitHub's reset time is in seconds.
    const store = GitHubStore.create({ token, repo, branch: 'updateforge', apiUrl: github.fake().url, log: silentLogger, pacingMs: 0 });
    expect(await store.readBranchFile('manifest.json')).toBeNull();
    const started = performance.now();
    expect(await store.readBranchFile('manifest.json')).toBeNull();
    expect(performance.now() - started).toBeGreaterThan(500);
  });
});
