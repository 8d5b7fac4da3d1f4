import { afterAll } from 'vitest';
import { createServerContext } from '../../src/server/create-context.js';
import type { LoginLimits } from '../../src/server/login-throttle.js';
import { startServer, type RunningServer } from '../../src/server/node-server.js';
import type { Store } from '../../src/store/store.js';
import { hashPassword } from '../../src/users/password.js';
import type { User } from '../../src/users/users.js';
import { silentLogger, type Logger } from '../../src/util/logger.js';
import { recordingLogger, registerPasswordHash, registerSecret } from './sweep/record.js';

export const SECRET = 'test-secret-that-is-long-enough-0123456789';
registerSecret('jwt-secret', SECRET, 'SECRET of test/helpers/server.ts');

const running: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const hashes = new Map<string, Promise<string>>();

/** A user with a real scrypt hash of `password` (hashed once per password, to keep tests quick). */
export async function makeUser(id: string, email: string, teams: string[], password = 'correct horse'): Promise<User> {
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  const passwordHash = await hashes.get(password)!;
  registerSecret('password', password, 'a makeUser() password');
  registerPasswordHash(passwordHash, 'a makeUser() hash');
  return { id, email, passwordHash, teams };
}

/** A real server on a loopback port, closed when the test file is done; the manifest and download counts are re-read on every request. */
export async function serve(options: {
  store: Store;
  users: User[];
  log?: Logger;
  secret?: string;
  devicePolls?: { burst: number; perMinute: number };
  loginLimits?: LoginLimits;
  /** The server's clock (manifest age, rate limits): a test's `manualClock().now` instead of waiting. */
  now?: () => number;
  /** The base of the absolute links the server hands out (default: the request's origin). */
  publicUrl?: string;
}): Promise<RunningServer> {
  registerSecret('jwt-secret', options.secret, 'a serve({ secret }) secret');
  const context = createServerContext({
    store: options.store,
    users: options.users,
    jwtSecret: options.secret ?? SECRET,
    log: options.log ? recordingLogger(options.log) : silentLogger,
    manifestMaxAgeMs: 0,
    // A download shows in the next answer (the cache itself is tested on its own).
    downloadCountsMaxAgeMs: 0,
    // Tests poll a lot; the limit itself is tested on its own.
    devicePolls: options.devicePolls ?? { burst: 10_000, perMinute: 10_000 },
    ...(options.loginLimits ? { loginLimits: options.loginLimits } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
  });
  const server = await startServer({ context });
  running.push(server);
  return server;
}

export async function login(base: string, email: string, password = 'correct horse'): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  registerSecret('token', token, 'a tester token from login()');
  return token;
}
