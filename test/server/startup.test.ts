import { describe, expect, test } from 'vitest';
import { createServerContext } from '../../src/server/create-context.js';
import { ServerConfigError } from '../../src/server/config-error.js';
import { LocalStore } from '../../src/store/local/store.js';
import { parseUsers } from '../../src/users/users.js';
import { silentLogger } from '../../src/util/logger.js';
import { ValidationError } from '../../src/util/validation.js';
import { tempDir } from '../helpers/fixtures.js';
import { makeUser } from '../helpers/server.js';

describe('the server refuses to start when misconfigured', () => {
  test.each([
    [undefined, /UPDATEFORGE_JWT_SECRET is not set/],
    ['', /UPDATEFORGE_JWT_SECRET is not set/],
    ['short-secret', /is 12 characters long; it must be at least 32/],
  ])('secret %j', async (jwtSecret, message) => {
    const store = await LocalStore.openOrCreate(`${await tempDir()}/s`);
    const make = () => createServerContext({ store, users: [], jwtSecret, log: silentLogger });
    expect(make).toThrow(ServerConfigError);
    expect(make).toThrow(message);
  });

  test('users must be valid, and the error never echoes a hash', async () => {
    const good = await makeUser('a', 'a@example.com', ['acme']);
    expect(parseUsers(JSON.stringify([good]))).toEqual([good]);
    const bad = [
      { ...good, passwordHash: 'plain-text-password' },
      { ...good, id: 'b', email: ' A@EXAMPLE.com' },
      { ...good, id: 'a', email: 'not-an-email' },
    ];
    let error: unknown;
    try {
      parseUsers(JSON.stringify(bad));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as Error).message;
    expect(message).toContain('[0].passwordHash: must be a scrypt hash');
    expect(message).toContain('[2].email');
    expect(message).not.toContain('plain-text-password');
    expect(message).not.toContain(good.passwordHash);
  });
});
