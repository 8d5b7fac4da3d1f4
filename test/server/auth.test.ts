import { beforeAll, describe, expect, test } from 'vitest';
import { backends, startFeedServer } from '../helpers/feed-server.js';
import { useFakeGitHub } from '../helpers/github.js';

const github = useFakeGitHub();

const post = (url: string, body: string | undefined, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${url}/api/v1/auth`, { method: 'POST', headers, ...(body === undefined ? {} : { body }) });

describe.each(backends(github))('POST /api/v1/auth (%s)', (_name, backend) => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await startFeedServer({ backend: backend() }));
  });

  test('answers {token, userId, email} for the right password', async () => {
    const res = await post(url, JSON.stringify({ email: 'alice@example.com', password: 'correct horse' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['email', 'token', 'userId']);
    expect(body).toMatchObject({ userId: 'alice', email: 'alice@example.com' });
    expect(body['token']).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  test('matches the email whatever its case and surrounding spaces', async () => {
    const res = await post(url, JSON.stringify({ email: '  CAROL@example.COM ', password: 'correct horse' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userId: 'carol', email: 'Carol@Example.com' });
  });

  test.each([
    ['no body', undefined],
    ['an empty object', '{}'],
    ['no password', '{"email":"alice@example.com"}'],
    ['no email', '{"password":"x"}'],
    ['an empty email', '{"email":"  ","password":"x"}'],
    ['an empty password', '{"email":"alice@example.com","password":""}'],
    ['a number as password', '{"email":"alice@example.com","password":123}'],
    ['an array', '[]'],
    ['null', 'null'],
  ])('400 "email and password are required" for %s', async (_label, body) => {
    const res = await post(url, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'email and password are required' });
  });

  test.each([
    ['a wrong password', { email: 'alice@example.com', password: 'wrong' }],
    ['an unknown email', { email: 'mallory@example.com', password: 'correct horse' }],
  ])('401 "invalid credentials" for %s', async (_label, body) => {
    const res = await post(url, JSON.stringify(body));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid credentials' });
  });

  test('400 for a body that is not JSON', async () => {
    const res = await post(url, '{"email": "a@b.c", ');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid JSON body' });
  });

  test('413 for a body over 64 KiB, declared or streamed', async () => {
    const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(70 * 1024) });
    const declared = await post(url, big);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: 'request body too large' });

    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 80; i++) controller.enqueue(new Uint8Array(1024).fill(32));
        controller.close();
      },
    });
    const streamed = await fetch(`${url}/api/v1/auth`, { method: 'POST', body: chunks, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  test('a body of just under 64 KiB is read', async () => {
    const body = JSON.stringify({ email: 'alice@example.com', password: 'correct horse', pad: 'x'.repeat(60 * 1024) });
    expect((await post(url, body)).status).toBe(200);
  });

  test('405 with Allow for other methods', async () => {
    const res = await fetch(`${url}/api/v1/auth`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    expect(await res.json()).toEqual({ error: 'method not allowed' });
  });
});
