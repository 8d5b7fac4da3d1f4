import { request } from 'node:http';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { LocalStore } from '../../src/store/local/store.js';
import { tempDir } from '../helpers/fixtures.js';
import { jsonLogger, type Logger } from '../../src/util/logger.js';
import { manualClock } from '../helpers/clock.js';
import { makeUser, serve } from '../helpers/server.js';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: Record<string, unknown>;
}

/** A login from a chosen loopback address: all of 127/8 reaches the server, so tests can be several clients. */
function loginFrom(url: string, from: string, email: string, password: string): Promise<Answer> {
  const body = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/v1/auth`,
      { method: 'POST', localAddress: from, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const statuses = (answers: Answer[]) => answers.map((a) => a.status);

async function server(limits: { perEmail: { burst: number; perMinute: number }; perAddress: { burst: number; perMinute: number } }, log?: Logger, now?: () => number) {
  const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
  const users = [await makeUser('alice', 'alice@example.com', ['acme']), await makeUser('bob', 'bob@example.com', ['acme'])];
  return (await serve({ store, users, loginLimits: limits, ...(log ? { log } : {}), ...(now ? { now } : {}) })).url;
}

describe('failed logins are throttled per email and per client address', () => {
  let url: string;
  beforeAll(async () => {
    url = await server({ perEmail: { burst: 3, perMinute: 1 }, perAddress: { burst: 6, perMinute: 1 } });
  });

  test('past the burst, wrong passwords for one email get 429 "too many attempts" with Retry-After; other emails still log in', async () => {
    const wrong: Answer[] = [];
    for (let i = 0; i < 5; i++) wrong.push(await loginFrom(url, '127.0.0.2', 'alice@example.com', `guess ${i}`));
    expect(statuses(wrong)).toEqual([401, 401, 401, 429, 429]);
    expect(wrong[3]?.body).toEqual({ error: 'too many attempts' });
    expect(Number(wrong[3]?.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(wrong[3]?.retryAfter)).toBeLessThanOrEqual(60);
    // The same account from elsewhere is refused too: the guesses are counted against the account.
    expect((await loginFrom(url, '127.0.0.3', 'ALICE@example.com ', 'guess')).status).toBe(429);
    // Another tester, even from the flooding address, is untouched.
    expect((await loginFrom(url, '127.0.0.2', 'bob@example.com', 'correct horse')).status).toBe(200);
  });

  test('past the burst, one address spraying many emails gets 429; other addresses are untouched', async () => {
    const spray: Answer[] = [];
    for (let i = 0; i < 8; i++) spray.push(await loginFrom(url, '127.0.0.4', `nobody${i}@example.com`, 'guess'));
    expect(statuses(spray)).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    expect(spray[6]?.body).toEqual({ error: 'too many attempts' });
    expect((await loginFrom(url, '127.0.0.4', 'bob@example.com', 'correct horse')).status).toBe(429);
    expect((await loginFrom(url, '127.0.0.5', 'bob@example.com', 'correct horse')).status).toBe(200);
  });

  test('right passwords are never counted', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 8; i++) answers.push(await loginFrom(url, '127.0.0.6', 'bob@example.com', 'correct horse'));
    expect(statuses(answers)).toEqual(Array(8).fill(200));
    // Nor do they use up the wrong-password allowance of their address.
    expect(statuses([await loginFrom(url, '127.0.0.6', 'nobody@example.com', 'x')])).toEqual([401]);
  });

  test('after Retry-After, the next attempt is checked again', async () => {
    const clock = manualClock();
    const quick = await server({ perEmail: { burst: 1, perMinute: 60 }, perAddress: { burst: 100, perMinute: 600 } }, undefined, clock.now);
    expect((await loginFrom(quick, '127.0.0.7', 'alice@example.com', 'wrong')).status).toBe(401);
    const refused = await loginFrom(quick, '127.0.0.7', 'alice@example.com', 'wrong');
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('1');
    expect((await loginFrom(quick, '127.0.0.7', 'alice@example.com', 'correct horse')).status).toBe(429);
    clock.advance(1000 * Number(refused.retryAfter));
    expect((await loginFrom(quick, '127.0.0.7', 'alice@example.com', 'correct horse')).status).toBe(200);
  });

  test('a flood of refused attempts is one log line, not one per attempt', async () => {
    const lines: string[] = [];
    const flooded = await server(
      { perEmail: { burst: 1, perMinute: 1 }, perAddress: { burst: 100, perMinute: 1 } },
      jsonLogger((line) => lines.push(line)),
    );
    const answers: Answer[] = [];
    for (let i = 0; i < 40; i++) answers.push(await loginFrom(flooded, '127.0.0.8', 'alice@example.com', 'wrong'));
    expect(statuses(answers).filter((s) => s === 429)).toHaveLength(39);
    const throttled = lines.filter((l) => l.includes('logins throttled'));
    expect(throttled).toHaveLength(1);
    expect(JSON.parse(throttled[0] ?? '{}')).toMatchObject({ level: 'warn', refused: 1 });
    // Nothing of the attempt itself is logged: no email, no password, no address.
    expect(lines.join('\n')).not.toMatch(/alice|wrong|127\.0\.0\.8/);
  });
});
