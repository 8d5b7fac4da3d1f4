import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { describe, expect, test } from 'vitest';
import { publish } from '../../src/publish/publish.js';
import { LocalStore } from '../../src/store/local/store.js';
import { hashPassword } from '../../src/users/password.js';
import { silentLogger } from '../../src/util/logger.js';
import { runCli } from '../helpers/cli.js';
import { writeBuild, writeConfig } from '../helpers/fixtures.js';
import { capgoKeyPair } from '../helpers/live-feed.js';
import { serve } from '../helpers/server.js';
import { actionStdoutAllowance, cliAllowance, report, responseAllowance, routePath, scanFile, storeFiles } from '../helpers/sweep/record.js';
import { judge, WHOLE_SUITE_MINIMUM, ZERO, type FileReport } from '../helpers/sweep/report.js';
import { fingerprint, Scanner, SecretRegistry, type Hit, type Output } from '../helpers/sweep/scan.js';

/**
 * The sweep must be able to fail: secrets are planted here in a registry and scanner of
 * this test's own, never in the recorder the whole run is judged by.
 */
function sweep() {
  const registry = new SecretRegistry();
  const hits: Hit[] = [];
  const allowed: string[] = [];
  const scanner = new Scanner(registry, { hit: (h) => hits.push(h), allowed: (r) => allowed.push(r) });
  return { registry, scanner, hits, allowed };
}

const JWT_SECRET = 'planted-jwt-secret-that-is-long-enough-42';
const token = (sub: string) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().sign(new TextEncoder().encode(JWT_SECRET));

describe('the scanner', () => {
  test('finds a registered secret in an output and reports where, by fingerprint only', () => {
    const { registry, scanner, hits } = sweep();
    registry.add('jwt-secret', JWT_SECRET, 'planted');
    const output = `{"error":"bad config","detail":"${JWT_SECRET}"}`;
    expect(scanner.scan(output, { where: 'response GET /x → 500 body' })).toBe(output.length);
    expect(hits).toEqual([{ where: 'response GET /x → 500 body', kind: 'jwt-secret', label: 'planted', fingerprint: fingerprint(JWT_SECRET), offset: output.indexOf(JWT_SECRET) }]);
    expect(JSON.stringify(hits)).not.toContain(JWT_SECRET);
  });

  test('finds a secret across chunk and window boundaries of a streamed body, once', () => {
    const { registry, scanner, hits } = sweep();
    registry.add('github-token', 'ghs_planted_token_0123', 'planted');
    const body = Buffer.alloc(3 * 1024 * 1024, 0x41);
    // Across the first 256 KiB window's edge, and at the very end.
    const offsets = [256 * 1024 - 7, body.length - 22];
    for (const at of offsets) body.write('ghs_planted_token_0123', at, 'latin1');
    const stream = scanner.stream({ where: 'download' });
    for (let i = 0; i < body.length; i += 1000) stream.write(body.subarray(i, i + 1000));
    expect(stream.end()).toBe(body.length);
    expect(hits.map((h) => h.offset)).toEqual(offsets);
  });

  test('finds what it was never told by its shape: a JWT, a scrypt hash, a PEM private key', async () => {
    const { scanner, hits } = sweep();
    const hash = await hashPassword('never registered');
    scanner.scan(`a ${await token('x')} b ${hash} c -----BEGIN PRIVATE KEY-----\nMII...`, { where: 'log line' });
    expect(hits.map((h) => h.label)).toEqual(['JWT', 'scrypt hash', 'PEM private key']);
  });

  test('finds one line of a registered private key however it is wrapped, and a hash by its derived key alone', async () => {
    const { registry, scanner, hits } = sweep();
    const { privateKey } = capgoKeyPair();
    registry.addPrivateKey(privateKey, 'planted key');
    const hash = await hashPassword('planted');
    registry.addPasswordHash(hash, 'planted hash');
    scanner.scan(JSON.stringify({ key: privateKey.split('\n').slice(4, 7).join('') }), { where: 'json' });
    scanner.scan(`derived ${hash.split('$').at(-1)} only`, { where: 'text' });
    // The whole hash is one hit, not one for it and one for its derived key inside it.
    scanner.scan(hash, { where: 'whole' });
    expect(hits.map((h) => [h.where, h.label])).toEqual([
      ['json', 'planted key'],
      ['json', 'planted key'],
      ['json', 'planted key'],
      ['text', 'planted hash (derived key)'],
      ['whole', 'planted hash'],
    ]);
  });

  test('counts values too short to search instead of matching them by chance', () => {
    const { registry, scanner, hits } = sweep();
    registry.add('password', 'pw', 'short');
    scanner.scan('pw pw pw', { where: 'x' });
    expect(hits).toEqual([]);
    expect([...registry.tooShort.values()]).toEqual(['password']);
  });
});

describe('where a secret may be', () => {
  const scanWith = (output: Output, text: string) => {
    const s = sweep();
    s.scanner.scan(text, output);
    return { hits: s.hits.map((h) => h.kind), allowed: s.allowed };
  };

  test('a token only in the login response that issued it, and in the place it is issued', async () => {
    const t = await token('alice');
    const login = { where: 'login', allow: responseAllowance('POST', '/api/v1/auth', 200) };
    expect(scanWith(login, `{"token":"${t}","userId":"alice"}`)).toEqual({ hits: [], allowed: ['a token in the login response that issued it'] });
    expect(scanWith(login, `{"token":"x","echo":"${t}"}`).hits).toEqual(['token']);
    expect(scanWith({ where: 'apps', allow: responseAllowance('GET', '/api/v1/apps', 200) }, `{"token":"${t}"}`).hits).toEqual(['token']);
    expect(scanWith({ where: 'failed login', allow: responseAllowance('POST', '/api/v1/auth', 401) }, `{"token":"${t}"}`).hits).toEqual(['token']);
  });

  test('a request is judged by the route the server gives it, however its target is spelled; a report never names a token', async () => {
    for (const target of [
      '/api/v1/updates',
      '/api/v1/../v1/updates',
      '/api\\v1\\updates',
      '/api/v1/./updates',
      'http://evil.example/api/v1/updates',
      '/api/v1/updates#x',
      '/api/v1/updates?token=x',
    ]) {
      expect(routePath(target), target).toBe('/api/v1/updates');
    }
    expect(routePath('//x/api/v1/updates')).toBe('//x/api/v1/updates');
    expect(routePath(`/api/v1/versions/${await token('v')}/download`)).toBe('/api/v1/versions/<token>/download');
  });

  test('a device link token only in the bundle URL of an update answer', async () => {
    const t = await token('v1');
    const update = { where: 'update', allow: responseAllowance('POST', '/api/v1/updates', 200) };
    expect(scanWith(update, `{"url":"http://h/api/v1/versions/abc/download?token=${t}"}`).hits).toEqual([]);
    expect(scanWith(update, `{"url":"http://h/x","message":"${t}"}`).hits).toEqual(['token']);
  });

  test('an install link token only in the links of the link answer and the iOS manifest that issued it', async () => {
    const t = await token('v1');
    const link = { where: 'link', allow: responseAllowance('POST', '/api/v1/versions/abc/link', 200) };
    const answer = `{"url":"http://h/api/v1/versions/abc/download?token=${t}","manifestUrl":"http://h/api/v1/versions/abc/manifest.plist?token=${t}"}`;
    expect(scanWith(link, answer)).toEqual({ hits: [], allowed: ['an install link in the link answer that issued it', 'an install link in the link answer that issued it'] });
    expect(scanWith(link, `{"url":"http://h/x","fileName":"${t}"}`).hits).toEqual(['token']);
    expect(scanWith({ where: 'failed link', allow: responseAllowance('POST', '/api/v1/versions/abc/link', 403) }, answer).hits).toEqual(['token', 'token']);
    const plist = { where: 'manifest', allow: responseAllowance('GET', '/api/v1/versions/abc/manifest.plist', 200) };
    expect(scanWith(plist, `<key>url</key><string>http://h/api/v1/versions/abc/download?token=${t}</string>`).hits).toEqual([]);
    expect(scanWith(plist, `<key>title</key><string>${t}</string>`).hits).toEqual(['token']);
    expect(scanWith({ where: 'apps', allow: responseAllowance('GET', '/api/v1/apps', 200) }, `{"url":"http://h/api/v1/versions/abc/download?token=${t}"}`).hits).toEqual(['token']);
  });

  test('hashes on `user` stdout only when no users file is written; the demo password only on the demo banner', async () => {
    const hash = await hashPassword('x');
    expect(scanWith({ where: 'a', allow: cliAllowance(['user', 'add', '--email', 'a@b.c'], 'stdout', 'demo-pass') }, `[{"passwordHash":"${hash}"}]`).hits).toEqual([]);
    expect(scanWith({ where: 'b', allow: cliAllowance(['hash-password'], 'stdout', 'demo-pass') }, hash).hits).toEqual([]);
    expect(scanWith({ where: 'c', allow: cliAllowance(['user', 'add', '--users-file', 'u.json'], 'stdout', 'demo-pass') }, hash).hits).toEqual(['password-hash']);
    expect(scanWith({ where: 'd', allow: cliAllowance(['user', 'add', '--users-file=u.json'], 'stdout', 'demo-pass') }, hash).hits).toEqual(['password-hash']);
    expect(scanWith({ where: 'e', allow: cliAllowance(['user', 'add'], 'stderr', 'demo-pass') }, hash).hits).toEqual(['password-hash']);
    expect(scanWith({ where: 'f', allow: cliAllowance(['user', 'list'], 'stdout', 'demo-pass') }, hash).hits).toEqual(['password-hash']);

    const demo = sweep();
    demo.registry.add('password', 'demo-password-1', 'demo');
    demo.scanner.scan('Demo login: a@b.c / demo-password-1', { where: 'demo', allow: cliAllowance(['demo'], 'stdout', 'demo-password-1') });
    demo.scanner.scan('{"event":"login","password":"demo-password-1"}', { where: 'demo log', allow: cliAllowance(['demo'], 'stderr', 'demo-password-1') });
    expect(demo.hits.map((h) => h.where)).toEqual(['demo log']);
  });

  test('an action secret only as the whole value of an ::add-mask:: command', () => {
    const s = sweep();
    s.registry.add('github-token', 'ghs_planted_token_0123', 'token');
    s.scanner.scan('::add-mask::ghs_planted_token_0123\nPublished\n', { where: 'ok', allow: actionStdoutAllowance });
    s.scanner.scan('::add-mask::ghs_planted_token_0123', { where: 'ok at end', allow: actionStdoutAllowance });
    s.scanner.scan('::debug::token ghs_planted_token_0123\n', { where: 'debug', allow: actionStdoutAllowance });
    s.scanner.scan('::add-mask::x ghs_planted_token_0123\n', { where: 'after another value', allow: actionStdoutAllowance });
    expect(s.hits.map((h) => h.where)).toEqual(['debug', 'after another value']);
    expect(s.allowed).toHaveLength(2);
  });
});

describe('what stays behind', () => {
  test('every file of a store is found, however deep, and nothing beside it', async () => {
    // A folder of this test's own, removed here: the run's own sweep must never see the plant.
    const dir = await mkdtemp(path.join(tmpdir(), 'uf-sweep-test-'));
    try {
      const store = await LocalStore.openOrCreate(path.join(dir, 'deep', 'store'));
      await publish({ store, config: await writeConfig(), request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await writeBuild('bytes') } });
      await writeFile(path.join(dir, 'users.json'), '[]');
      const [found, ...others] = await storeFiles([dir]);
      expect(others).toEqual([]);
      expect(found!.store).toBe(path.join(dir, 'deep', 'store'));
      const names = found!.files.map((f) => path.relative(found!.store, f));
      expect(names).toEqual(expect.arrayContaining(['updateforge-store.json', 'branches/updateforge/manifest.json']));
      expect(names.some((n) => n.startsWith('releases/'))).toBe(true);
      expect(names.some((n) => n.startsWith('assets/'))).toBe(true);

      const s = sweep();
      s.registry.add('jwt-secret', JWT_SECRET, 'planted');
      await writeFile(path.join(found!.store, 'branches', 'updateforge', 'leak.txt'), `x${JWT_SECRET}`);
      for (const file of (await storeFiles([dir]))[0]!.files) await scanFile(s.scanner, file, path.basename(file));
      expect(s.hits.map((h) => [h.where, h.offset])).toEqual([['leak.txt', 1]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the recorders are live in this run', () => {
  test('a product response, a silent-logger event and a CLI run are counted in this file’s report', async () => {
    const before = report().counts;
    const store = await LocalStore.openOrCreate(path.join(await mkdtemp(path.join(tmpdir(), 'uf-sweep-live-')), 'store'));
    const server = await serve({ store, users: [] });
    expect((await fetch(`${server.url}/api/v1/apps`)).status).toBe(401);
    silentLogger.info('sweep_test', { note: 'counted' });
    expect((await runCli(['--version'])).code).toBe(0);
    await rm(path.dirname(store.location), { recursive: true, force: true });
    const after = report().counts;
    expect(after.responses - before.responses).toBe(1);
    expect(after.logLines).toBeGreaterThan(before.logLines);
    expect(after.cliStreams - before.cliStreams).toBe(2);
  });
});

describe('the verdict', () => {
  const file = (over: Partial<FileReport> = {}): FileReport => ({
    file: 'test/a.test.ts',
    counts: { ...ZERO, responses: 1 },
    secrets: { abc: 'token' },
    tooShort: {},
    allowed: {},
    hits: [],
    ...over,
  });

  test('any hit fails the run, named by file, test and fingerprint', () => {
    const hit = { where: 'log line', kind: 'token' as const, label: 'JWT', fingerprint: '0123456789', offset: 3, test: 'a test' };
    const verdict = judge([file({ hits: [hit] })], [{ file: 'test/a.test.ts', passed: true }], false);
    expect(verdict.failures).toEqual(['token (JWT, sha256:0123456789) in log line at byte 3 — test/a.test.ts > a test']);
    expect(verdict.summary).toMatch(/; 1 hits$/);
  });

  test('a passed file without a report fails the run: its recorder did not run', () => {
    expect(
      judge(
        [file()],
        [
          { file: 'test/a.test.ts', passed: true },
          { file: 'test/b.test.ts', passed: true },
        ],
        false,
      ).failures,
    ).toEqual(['no sweep report from test/b.test.ts: its recorder did not run']);
  });

  test('a whole-suite run that scanned implausibly little fails; part of the suite is judged by its hits alone', () => {
    const quiet = [file({ counts: { ...ZERO } })];
    const ran = [{ file: 'test/a.test.ts', passed: true }];
    expect(judge(quiet, ran, false).failures).toEqual([]);
    const failures = judge(quiet, ran, true).failures;
    expect(failures).toHaveLength(Object.keys(WHOLE_SUITE_MINIMUM).length);
    expect(failures[0]).toBe('only 0 responses scanned on a whole-suite run (at least 1,300 expected): a recorder is broken');
  });
});
