import * as crypto from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { BoundedQueue, QueueFullError } from '../../src/util/bounded-queue.js';

// Counts scrypt runs, and how many are under way at once, without changing them: how many
// hashes a login costs is what tells accounts apart, and how many run at once is what starves file reads.
const inFlight = vi.hoisted(() => ({ now: 0, most: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof crypto>();
  const counted = (...args: unknown[]) => {
    const callback = args.pop() as (error: Error | null, key: Buffer) => void;
    inFlight.now++;
    inFlight.most = Math.max(inFlight.most, inFlight.now);
    (original.scrypt as (...a: unknown[]) => void)(...args, (error: Error | null, key: Buffer) => {
      inFlight.now--;
      callback(error, key);
    });
  };
  return { ...original, scrypt: vi.fn(counted) };
});
const scryptRuns = () => vi.mocked(crypto.scrypt).mock.calls.length;

describe('BoundedQueue', () => {
  test('runs at most `concurrency` tasks, queues up to `maxWaiting` in order and refuses the rest at once', async () => {
    const queue = new BoundedQueue(2, 3);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const releases: Array<() => void> = [];
    const task = (n: number) => () =>
      new Promise<number>((resolve) => {
        running++;
        most = Math.max(most, running);
        order.push(n);
        releases.push(() => {
          running--;
          resolve(n);
        });
      });
    const results = [0, 1, 2, 3, 4, 5, 6].map((n) =>
      queue.run(task(n)).then(
        (v) => `ok ${v}`,
        (e: unknown) => (e instanceof QueueFullError ? 'full' : 'other'),
      ),
    );
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([0, 1]);
    while (releases.length > 0) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(results)).toEqual(['ok 0', 'ok 1', 'ok 2', 'ok 3', 'ok 4', 'full', 'full']);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    // Slots are handed back: the queue takes new work once drained.
    expect(await queue.run(async () => 'again')).toBe('again');
  });

  test('a failing task frees its slot', async () => {
    const queue = new BoundedQueue(1, 0);
    await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.run(async () => 1)).toBe(1);
  });
});

describe('password checks', () => {
  afterEach(() => vi.resetModules());

  test('scrypt runs two at a time; checks beyond the waiting room are refused at once, not queued', async () => {
    const { hashPassword, verifyPassword } = await import('../../src/users/password.js');
    const hash = await hashPassword('pw');
    const before = scryptRuns();
    inFlight.most = 0;
    const checks = Array.from({ length: 40 }, () => verifyPassword('wrong', hash).then(String, (e: unknown) => (e instanceof QueueFullError ? 'full' : String(e))));
    const outcomes = await Promise.all(checks);
    expect(outcomes.filter((o) => o === 'false')).toHaveLength(34);
    expect(outcomes.filter((o) => o === 'full')).toHaveLength(6);
    expect(scryptRuns() - before).toBe(34);
    expect(inFlight.most).toBe(2);
  });

  test('the dummy hash costs no scrypt to make (no 32 MiB spike at start-up), and every unknown email, the first too, costs one hash of the same cost as any wrong password', async () => {
    const { createServerContext } = await import('../../src/server/create-context.js');
    const { startServer } = await import('../../src/server/node-server.js');
    const { LocalStore } = await import('../../src/store/local/store.js');
    const { dummyHash, hashPassword } = await import('../../src/users/password.js');
    const { tempDir } = await import('../helpers/fixtures.js');
    const { silentLogger } = await import('../../src/util/logger.js');
    const users = [{ id: 'alice', email: 'alice@example.com', passwordHash: await hashPassword('correct horse'), teams: ['acme'] }];
    const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
    const atStart = scryptRuns();
    const context = createServerContext({ store, users, jwtSecret: 'test-secret-that-is-long-enough-0123456789', log: silentLogger });
    expect(scryptRuns() - atStart).toBe(0);
    // The same cost parameters as a real hash, so checking against it takes as long.
    const costOf = (hash: string) => hash.split('$')[2];
    expect(costOf(await dummyHash())).toBe(costOf(users[0]!.passwordHash));
    const server = await startServer({ context });
    try {
      const cost = async (email: string) => {
        const before = scryptRuns();
        const res = await fetch(`${server.url}/api/v1/auth`, { method: 'POST', body: JSON.stringify({ email, password: 'wrong' }) });
        expect(res.status).toBe(401);
        return scryptRuns() - before;
      };
      expect(await cost('nobody@example.com')).toBe(1);
      expect(await cost('alice@example.com')).toBe(1);
      expect(await cost('someone@example.com')).toBe(1);
    } finally {
      await server.close();
    }
  });
});
