import { describe, expect, test } from 'vitest';
import { parseServerEnv } from '../../src/server/env-config.js';
import { ServerConfigError } from '../../src/server/config-error.js';
import { makeUser, SECRET } from '../helpers/server.js';

describe('a deployment’s environment', () => {
  test('is read into its configuration', async () => {
    const users = JSON.stringify([await makeUser('a', 'a@example.com', ['acme'])]);
    expect(parseServerEnv({ UPDATEFORGE_REPO: 'acme/feed', UPDATEFORGE_GITHUB_TOKEN: 't', UPDATEFORGE_USERS: users, UPDATEFORGE_JWT_SECRET: SECRET })).toMatchObject({
      repo: 'acme/feed',
      branch: 'updateforge',
      downloads: 'proxy',
      publicUrl: undefined,
      users: [{ id: 'a' }],
    });
  });

  test('names every missing or bad variable at once, and no secret', () => {
    let error: unknown;
    try {
      parseServerEnv({
        UPDATEFORGE_REPO: 'not a repo',
        UPDATEFORGE_USERS: '[{"id":"x"}]',
        UPDATEFORGE_JWT_SECRET: 'hunter2',
        UPDATEFORGE_PUBLIC_URL: 'updates.example.com',
        UPDATEFORGE_DOWNLOADS: 'maybe',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ServerConfigError);
    const lines = (error as Error).message.split('\n');
    expect(lines[0]).toBe('The deployment is not configured correctly:');
    expect(lines.slice(1)).toEqual([
      expect.stringContaining("UPDATEFORGE_REPO: Invalid repository 'not a repo'. Expected {owner}/{repo}"),
      expect.stringContaining('UPDATEFORGE_GITHUB_TOKEN is not set'),
      expect.stringContaining('UPDATEFORGE_USERS: [0].email'),
      expect.stringContaining('UPDATEFORGE_JWT_SECRET is 7 characters long; it must be at least 32'),
      expect.stringContaining("UPDATEFORGE_PUBLIC_URL 'updates.example.com' is not an http(s) URL"),
      expect.stringContaining("UPDATEFORGE_DOWNLOADS is 'maybe'"),
    ]);
    expect((error as Error).message).not.toContain('hunter2');
  });
});
