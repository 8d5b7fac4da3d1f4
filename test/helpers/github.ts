import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Patience } from '../../src/store/github/client.js';
import { GitHubStore } from '../../src/store/github/store.js';
import { silentLogger, type Logger } from '../../src/util/logger.js';
import { FakeGitHub } from '../fake-github/server.js';
import { markNotProduct, registerSecret, sweepGitHub, unmarkNotProduct } from './sweep/record.js';

export const WRITE_TOKEN = 'ghs_write_token';
export const READ_TOKEN = 'ghs_read_token';
registerSecret('github-token', WRITE_TOKEN, 'WRITE_TOKEN');
registerSecret('github-token', READ_TOKEN, 'READ_TOKEN');

/**
 * A fake GitHub for the tests of one file, checked after every test: any request or
 * response that GitHub's OpenAPI description would not allow fails that test.
 */
export function useFakeGitHub(): { fake: () => FakeGitHub; newRepo: (options?: Parameters<FakeGitHub['addRepo']>[1]) => string } {
  let fake: FakeGitHub | null = null;
  beforeAll(async () => {
    fake = await FakeGitHub.start();
    // GitHub's answers are not the product's output; what the product wrote to it is swept at the end.
    markNotProduct(Number(new URL(fake.url).port));
  });
  afterEach(() => {
    const violations = fake?.violations.splice(0) ?? [];
    expect(violations, 'requests or responses GitHub would not have').toEqual([]);
  });
  afterAll(async () => {
    if (fake) sweepGitHub(fake);
    await fake?.stop();
    if (fake) unmarkNotProduct(Number(new URL(fake.url).port));
  });
  return {
    fake: () => {
      if (!fake) throw new Error('the fake GitHub is not started');
      return fake;
    },
    newRepo: (options) => {
      const name = `acme/feed-${randomBytes(4).toString('hex')}`;
      fake!.addRepo(name, options);
      return name;
    },
  };
}

export function githubStore(
  fake: FakeGitHub,
  repo: string,
  options: { token?: string; branch?: string; log?: Logger; patience?: Patience; responseTimeoutMs?: number; idleTimeoutMs?: number } = {},
): GitHubStore {
  registerSecret('github-token', options.token, 'a githubStore() token');
  return GitHubStore.create({
    token: options.token ?? WRITE_TOKEN,
    repo,
    branch: options.branch ?? 'updateforge',
    apiUrl: fake.url,
    log: options.log ?? silentLogger,
    retryBaseMs: 5,
    pacingMs: 0,
    patience: options.patience,
    ...(options.responseTimeoutMs === undefined ? {} : { responseTimeoutMs: options.responseTimeoutMs }),
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
  });
}
