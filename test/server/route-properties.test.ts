import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Agent, METHODS as NODE_METHODS, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { VersionRecord } from '../../src/feed/version-record.js';
import { publish } from '../../src/publish/publish.js';
import { loadRouteTable } from '../../src/server/route-table.js';
import { TokenService } from '../../src/server/tokens.js';
import { passwordFingerprint, type User } from '../../src/users/users.js';
import { jsonLogger } from '../../src/util/logger.js';
import { projectRoot } from '../../src/util/project-root.js';
import { bytes, startFeedServer } from '../helpers/feed-server.js';
import { PNG, writeBuild } from '../helpers/fixtures.js';
import { parsePlist } from '../helpers/plist.js';
import { startLiveFeed, webBuild } from '../helpers/live-feed.js';
import { login, SECRET } from '../helpers/server.js';

/**
 * Issue 11, "prove it stays fixed": generated requests against every route of a real
 * server on loopback. Whatever arrives, the answer is a correct one or a documented JSON
 * error; never a 5xx, a stack trace, a path on disk or a hang, and the server keeps
 * serving. Where the right answer is cheap to know (OPTIONS, 405, 401, downloads and
 * their ranges, device bodies), it is checked exactly, not just its shape.
 *
 * Not generated, because they never reach a route: an HTTP/1.1 request without Host,
 * the CONNECT method and an Expect other than 100-continue (node-server.ts answers each
 * in JSON; hostile-clients.test.ts checks them). A client that half-closes its side after
 * the request is not generated either: Node aborts the request then, by design.
 */

const REQUEST_TIMEOUT_MS = 5_000;
/** Runs per block; the first block sends 2 to 4 requests a run, so together they make over 10,000 generated requests. */
const RUNS = { anything: 1_600, authorization: 1_500, ranges: 1_500, device: 2_000, host: 500, bodies: 600, login: 120, raw: 600 } as const;
const BLOCK_TIMEOUT_MS = 120_000;

// ---------------------------------------------------------------------------------------------
// The contract, restated here rather than imported, so the server cannot agree with itself.

type RouteKey = 'auth' | 'apps' | 'updates' | 'stats' | 'channel_self' | 'download' | 'icon' | 'link' | 'manifest' | 'appVersions' | 'bundleFile' | 'manifestSize';

/** Every route file's URL pattern and the methods it answers (DESIGN.md's API table). */
const ROUTES: Record<RouteKey, { pattern: string; allow: readonly string[] }> = {
  auth: { pattern: '/api/v1/auth', allow: ['POST', 'OPTIONS'] },
  apps: { pattern: '/api/v1/apps', allow: ['GET', 'HEAD', 'OPTIONS'] },
  updates: { pattern: '/api/v1/updates', allow: ['POST', 'OPTIONS'] },
  stats: { pattern: '/api/v1/stats', allow: ['POST', 'OPTIONS'] },
  channel_self: { pattern: '/api/v1/channel_self', allow: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'OPTIONS'] },
  download: { pattern: '/api/v1/versions/[id]/download', allow: ['GET', 'HEAD', 'OPTIONS'] },
  icon: { pattern: '/api/files/apps/[app]/[file]', allow: ['GET', 'HEAD', 'OPTIONS'] },
  // The tester page's additions beyond WEB_API.md (README, "The tester API").
  link: { pattern: '/api/v1/versions/[id]/link', allow: ['POST', 'OPTIONS'] },
  manifest: { pattern: '/api/v1/versions/[id]/manifest.plist', allow: ['GET', 'HEAD', 'OPTIONS'] },
  appVersions: { pattern: '/api/v1/apps/[app]/versions', allow: ['GET', 'HEAD', 'OPTIONS'] },
  // Delta updates: one file of a bundle, by the bundle's device link (README, "Delta updates").
  bundleFile: { pattern: '/api/v1/bundles/[id]/files/[path]', allow: ['GET', 'HEAD', 'OPTIONS'] },
  // 8.51's getLatest({includeBundleSize: true}): `{updateUrl}/manifest_size` (README, "Delta updates").
  manifestSize: { pattern: '/api/v1/updates/manifest_size', allow: ['POST', 'OPTIONS'] },
};

/** The apps of the tester feed and their teams (test/helpers/feed-server.ts). */
const APP_TEAMS: Readonly<Record<string, string>> = { rocket: 'acme', anvil: 'acme', gadget: 'globex' };
/** The tester feed's app details an iOS manifest names. */
const APP_DETAILS: Readonly<Record<string, { title: string; packageName: string }>> = {
  rocket: { title: 'Rocket', packageName: 'com.acme.rocket' },
  gadget: { title: 'Gadget', packageName: 'com.globex.gadget' },
};

/** Every `error` string WEB_API.md, DESIGN.md and the Capgo routes document for a 4xx. */
const DOCUMENTED_ERRORS = new Set([
  'email and password are required',
  'invalid credentials',
  'too many attempts',
  'unauthorized',
  'forbidden',
  'version not found',
  'no file attached',
  'not found',
  'method not allowed',
  'invalid JSON body',
  'request body too large',
  'request body incomplete',
  'range not satisfiable',
  'icon not found',
  'file not in bundle',
  'bad request',
  'request headers too large',
  'request timeout',
  'invalid_request',
  'unknown_app',
  'too_many_requests',
]);

const ROOT = projectRoot();
/** What a leaked stack trace, module path or file position looks like. */
const LEAK = /\n\s+at |node:internal|\/src\/|\/node_modules\/|file:\/\/|\.(?:ts|js|mjs):\d+:\d+/;

// ---------------------------------------------------------------------------------------------
// Transport: node:http (it sends any Host, method and path as given), and raw sockets.

interface Req {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer | undefined;
  /** Sent chunked, without a Content-Length: the server only learns the size by reading. */
  readonly chunked?: boolean;
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Node's parser refused the request (400, 408, 431) before reading its method: the answer has a body even to a HEAD. */
  readonly refused?: boolean;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function send(base: string, r: Req, retried = false): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...r.headers };
    if (r.body !== undefined && !r.chunked) headers['content-length'] = String(r.body.length);
    // Said explicitly: for GET, HEAD, DELETE and OPTIONS Node would otherwise send the bytes unframed.
    if (r.body !== undefined && r.chunked) headers['transfer-encoding'] = 'chunked';
    const req = httpRequest({ host: hostname, port, method: r.method, path: r.path, headers, agent, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }) => {
      // A kept-alive socket the server closed just as we reused it: Node's documented retry case, not an answer.
      if (!retried && req.reusedSocket && error.code === 'ECONNRESET') send(base, r, true).then(resolve, reject);
      // A refused HEAD is answered like any refused request, JSON body included, which Node's
      // client, expecting no body after a HEAD, reports as data after `Connection: close`.
      else if (r.method === 'HEAD' && error.code === 'HPE_CLOSED_CONNECTION' && error.rawPacket) resolve({ ...parseRaw(error.rawPacket), refused: true });
      else reject(error);
    });
    if (r.chunked && r.body !== undefined) {
      // Several writes, so the server sees a stream arriving, not one buffer.
      for (let at = 0; at < r.body.length; at += 16 * 1024) req.write(r.body.subarray(at, at + 16 * 1024));
      req.end();
    } else req.end(r.body);
  });
}

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly head: string;
}

/** Writes `bytes` on a fresh connection (never half-closing it) and parses the first final answer. */
function rawExchange(base: string, bytes: Buffer | string): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`));
    }, REQUEST_TIMEOUT_MS);
    const finish = () => {
      clearTimeout(timer);
      try {
        resolve(parseRaw(Buffer.concat(chunks)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      // Keep-alive answers leave the socket open: stop once the first final answer is complete.
      if (rawComplete(Buffer.concat(chunks))) {
        socket.destroy();
        finish();
      }
    });
    socket.on('close', finish);
    socket.on('error', () => {});
  });
}

function splitRaw(all: Buffer): { head: string; rest: Buffer } | null {
  let data = all;
  for (;;) {
    const end = data.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const head = data.subarray(0, end).toString('latin1');
    data = data.subarray(end + 4);
    if (!/^HTTP\/1\.1 1\d\d /.test(head)) return { head, rest: data };
  }
}

function rawComplete(all: Buffer): boolean {
  const parts = splitRaw(all);
  if (!parts) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(parts.head);
  if (length) return parts.rest.length >= Number(length[1]);
  if (/\r\ntransfer-encoding: *chunked/i.test(parts.head)) return parts.rest.includes('0\r\n\r\n');
  return false;
}

function parseRaw(all: Buffer): RawAnswer {
  const parts = splitRaw(all);
  if (!parts) throw new Error(`the connection closed without a complete answer: ${JSON.stringify(all.toString('latin1').slice(0, 200))}`);
  const [statusLine = '', ...lines] = parts.head.split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3}) /.exec(statusLine);
  if (!status) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = parts.rest;
  const length = headers['content-length'];
  if (length !== undefined) body = body.subarray(0, Number(length));
  else if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  return { status: Number(status[1]), headers, body, head: parts.head };
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) return Buffer.concat(out);
    const size = parseInt(data.subarray(at, eol).toString('latin1'), 16);
    if (!(size > 0)) return Buffer.concat(out);
    out.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

// ---------------------------------------------------------------------------------------------
// The servers and what is known about them.

type TesterFeed = Awaited<ReturnType<typeof startFeedServer>>;
type LiveFeed = Awaited<ReturnType<typeof startLiveFeed>>;

interface KnownVersion {
  readonly id: string;
  readonly app: string;
  readonly version: string;
  readonly team: string;
  /** The file's name (null for a pending version): an `.apk` fetched by link is labelled as one, an `.ipa` has a manifest. */
  readonly fileName: string | null;
  /** Null for a pending version (no file). */
  readonly file: Buffer | null;
  readonly etag: string | null;
  /** A live-update bundle: downloadable by testers, but not in the tester page's list of installable versions. */
  readonly bundle: boolean;
  /** A bundle's files by path, each servable alone (delta updates); empty for anything else. */
  readonly bundleFiles: ReadonlyMap<string, Buffer>;
}

let tester: TesterFeed;
let live: LiveFeed;
const errorLogs: string[] = [];
const versions = new Map<string, KnownVersion>();
const tokens = { alice: '', bob: '', carol: '', dave: '' };
/** Valid device links, by version id. */
const links = new Map<string, string>();
let iconEtag = '';
let inputs = 0;
const generated = new Map<keyof typeof RUNS, number>();

const key = (secret: string) => new TextEncoder().encode(secret);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function testerJwt(user: User, edit: (jwt: SignJWT) => SignJWT = (j) => j, alg = 'HS256') {
  return edit(
    new SignJWT({ pwd: passwordFingerprint(user) })
      .setProtectedHeader({ alg, typ: 'JWT' })
      .setIssuer('updateforge')
      .setAudience('updateforge:tester')
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime('1h'),
  );
}

beforeAll(async () => {
  const collect = (line: string) => {
    if (line.includes('"level":"error"')) errorLogs.push(line);
  };
  tester = await startFeedServer({ log: jsonLogger(collect) });
  live = await startLiveFeed({ log: jsonLogger(collect) });
  // A live-update bundle beside the binaries, so device checks on this feed can get a real link too.
  const bundle = (await publish({ store: tester.store, config: tester.config, request: { app: 'rocket', buildType: 'release', version: '2.0.0', path: await webBuild('fuzzed') } }))
    .version;
  // An iOS build, so install manifests are answered too.
  const ipaBytes = bytes(800, 11);
  const ipa = (
    await publish({
      store: tester.store,
      config: tester.config,
      request: { app: 'rocket', buildType: 'profile', version: '3.0.0', path: await writeBuild(ipaBytes, 'Rocket.ipa') },
    })
  ).version;
  await live.publishBundle({ version: '1.0.0' });
  await live.publishBundle({ version: '1.1.0', buildType: 'debug' });

  // Logged in before any wrong password is sent: failed logins are throttled.
  tokens.alice = await login(tester.url, 'alice@example.com');
  // The others' tokens are signed here: a login each would cost a password hash apiece.
  const [alice, bob, carol, dave] = tester.users as [User, User, User, User];
  tokens.bob = await testerJwt(bob).sign(key(SECRET));
  tokens.carol = await testerJwt(carol).sign(key(SECRET));
  tokens.dave = await testerJwt(dave).sign(key(SECRET));

  // What each version's download must be, from the bytes the feed helper published.
  const v = tester.versions;
  const known: [VersionRecord, Buffer | null][] = [
    [v.rocket100, bytes(1000, 1)],
    [v.rocket110, tester.rocketBytes],
    [v.rocket120, null],
    [v.rocketDebug, bytes(500, 3)],
    [v.gadget, bytes(2000, 4)],
    [ipa, ipaBytes],
  ];
  const knownVersion = (record: VersionRecord, file: Buffer | null): KnownVersion => ({
    id: record.id,
    app: record.app,
    version: record.version,
    team: APP_TEAMS[record.app] ?? '',
    fileName: record.file?.name ?? null,
    file,
    etag: record.file ? `"${record.file.sha256}"` : null,
    bundle: record.file?.kind === 'bundle',
    bundleFiles: new Map(),
  });
  for (const [record, file] of known) versions.set(record.id, knownVersion(record, file));
  const whole = await send(tester.url, { method: 'GET', path: `/api/v1/versions/${bundle.id}/download`, headers: { authorization: `Bearer ${tokens.alice}` } });
  expect(whole.status).toBe(200);
  expect(createHash('sha256').update(whole.body).digest('hex')).toBe(bundle.file?.sha256);
  // The files of webBuild('fuzzed') (test/helpers/live-feed.ts), written here again so the server cannot agree with itself.
  const fuzzedFiles = new Map([
    ['index.html', Buffer.from('<!doctype html><title>fuzzed</title><h1>fuzzed</h1>')],
    ['app.js', Buffer.from('console.log("fuzzed");')],
  ]);
  versions.set(bundle.id, { ...knownVersion(bundle, whole.body), bundleFiles: fuzzedFiles });

  const icon = await send(tester.url, { method: 'GET', path: '/api/files/apps/rocket/rocket.png', headers: {} });
  expect(icon.status).toBe(200);
  iconEtag = String(icon.headers['etag']);

  const service = new TokenService(SECRET);
  for (const id of versions.keys()) links.set(id, await service.issueDownloadToken(id));
  EXPIRED_LINK = await service.issueDownloadToken(v.rocket110.id, -10);
  await forgeAuthorizations(alice);
}, 60_000);

afterAll(() => {
  agent.destroy();
});

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const STANDARD_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const ODD_METHODS = NODE_METHODS.filter((m) => !(STANDARD_METHODS as readonly string[]).includes(m) && m !== 'CONNECT');

const methodArb = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...STANDARD_METHODS) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_METHODS) },
  // Tokens Node's parser does not know: refused before any route.
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z][A-Z_-]{0,11}$/).filter((m) => m !== 'CONNECT') },
);

/**
 * Any code point, lone surrogates included. One shared instance: fast-check's own 'binary'
 * unit builds a table of every code point for each string arbitrary made with it.
 */
const binaryUnit = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
const binaryText = (constraints: { minLength?: number; maxLength: number }) => fc.string({ ...constraints, unit: binaryUnit });

/** Characters Node lets a client put in a header value. */
const headerText = (maxLength: number) =>
  fc.string({ maxLength, unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff })).map((c) => String.fromCharCode(c)) });
/** Characters Node lets a client put in a path. */
const pathText = (maxLength: number) => fc.string({ maxLength, unit: fc.integer({ min: 0x21, max: 0xff }).map((c) => String.fromCharCode(c)) });

/** Authorization headers of every shape, with whose token it validly is (if anyone's). */
interface AuthCase {
  readonly header: string | undefined;
  readonly user: 'alice' | 'bob' | 'carol' | 'dave' | null;
  readonly label: string;
}

const TEAMS = { alice: ['acme'], bob: ['globex'], carol: ['globex', 'acme'], dave: [] } as const;

function authArb(): fc.Arbitrary<AuthCase> {
  const valid = fc.constantFrom<AuthCase>(
    { header: `Bearer ${tokens.alice}`, user: 'alice', label: 'alice' },
    { header: `bearer   ${tokens.alice}`, user: 'alice', label: 'lowercase scheme' },
    { header: `BEARER ${tokens.alice} `, user: 'alice', label: 'uppercase scheme, trailing space' },
    { header: `Bearer ${tokens.bob}`, user: 'bob', label: 'bob' },
    { header: `Bearer ${tokens.carol}`, user: 'carol', label: 'carol' },
    { header: `Bearer ${tokens.dave}`, user: 'dave', label: 'dave' },
  );
  const invalid = (label: string, header: string | undefined): AuthCase => ({ header, user: null, label });
  const forged = fc.constantFrom(
    'none',
    'other secret',
    'expired',
    'alg none',
    'HS512',
    'other audience',
    'other issuer',
    'unknown user',
    'stale password',
    'no exp',
    'link as bearer',
    'no scheme',
    'basic',
    'scheme only',
  );
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 4, arbitrary: forged.map((label) => invalid(label, FORGED.get(label))) },
    // Tampered: one character of the payload changed (a middle one, whose bits all count).
    {
      weight: 2,
      arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')).map(([at, c]) => {
        const [h = '', p = '', s = ''] = tokens.alice.split('.');
        const i = 1 + (at % (p.length - 2));
        const q = p[i] === c ? `${p.slice(0, i)}${c === 'A' ? 'B' : 'A'}${p.slice(i + 1)}` : `${p.slice(0, i)}${c}${p.slice(i + 1)}`;
        return invalid('tampered', `Bearer ${h}.${q}.${s}`);
      }),
    },
    { weight: 1, arbitrary: fc.nat({ max: tokens.alice.length - 1 }).map((n) => invalid('truncated', `Bearer ${tokens.alice.slice(0, n)}`)) },
    { weight: 1, arbitrary: headerText(60).map((s) => invalid('garbage', s)) },
    { weight: 1, arbitrary: headerText(60).map((s) => invalid('garbage bearer', `Bearer ${s}`)) },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 8_000 }).map((n) => invalid('very long', `Bearer ${'a'.repeat(n)}`)) },
    { weight: 1, arbitrary: fc.constant(invalid('two tokens', `Bearer ${tokens.alice}, Bearer ${tokens.bob}`)) },
    { weight: 1, arbitrary: fc.constant(invalid('token twice', `Bearer ${tokens.alice} ${tokens.alice}`)) },
  );
}

/** Authorization headers that must all be refused, by label; made once the servers run. */
const FORGED = new Map<string, string | undefined>();
async function forgeAuthorizations(alice: User): Promise<void> {
  FORGED.set('none', undefined);
  FORGED.set('other secret', `Bearer ${await testerJwt(alice).sign(key('another-secret-that-is-long-enough-000000'))}`);
  FORGED.set('expired', `Bearer ${await testerJwt(alice, (j) => j.setExpirationTime(Math.floor(Date.now() / 1000) - 60)).sign(key(SECRET))}`);
  FORGED.set(
    'alg none',
    `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: alice.id, pwd: passwordFingerprint(alice), iss: 'updateforge', aud: 'updateforge:tester', exp: Math.floor(Date.now() / 1000) + 3600 })}.`,
  );
  FORGED.set('HS512', `Bearer ${await testerJwt(alice, (j) => j, 'HS512').sign(key(SECRET))}`);
  FORGED.set('other audience', `Bearer ${await testerJwt(alice, (j) => j.setAudience('updateforge:download')).sign(key(SECRET))}`);
  FORGED.set('other issuer', `Bearer ${await testerJwt(alice, (j) => j.setIssuer('someone-else')).sign(key(SECRET))}`);
  FORGED.set('unknown user', `Bearer ${await testerJwt({ ...alice, id: 'mallory' }).sign(key(SECRET))}`);
  FORGED.set('stale password', `Bearer ${await testerJwt({ ...alice, passwordHash: 'old' }).sign(key(SECRET))}`);
  FORGED.set(
    'no exp',
    `Bearer ${await new SignJWT({ pwd: passwordFingerprint(alice) }).setProtectedHeader({ alg: 'HS256' }).setIssuer('updateforge').setAudience('updateforge:tester').setSubject(alice.id).sign(key(SECRET))}`,
  );
  FORGED.set('link as bearer', `Bearer ${links.get(tester.versions.rocket110.id) ?? ''}`);
  FORGED.set('no scheme', tokens.alice);
  FORGED.set('basic', `Basic ${Buffer.from('alice@example.com:correct horse').toString('base64')}`);
  FORGED.set('scheme only', 'Bearer ');
}

/** A `?token=` for a download: none, the valid link of some version, or a bad one. */
interface LinkCase {
  readonly query: string;
  /** The version this is a valid link for; null when the token param is there but valid for nothing. */
  readonly validFor: string | null;
  readonly present: boolean;
}

function linkArb(): fc.Arbitrary<LinkCase> {
  const none: LinkCase = { query: '', validFor: null, present: false };
  const ids = [...links.keys()];
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(none) },
    { weight: 3, arbitrary: fc.constantFrom(...ids).map((id): LinkCase => ({ query: `token=${links.get(id)}`, validFor: id, present: true })) },
    {
      weight: 3,
      arbitrary: fc.constantFrom('', 'garbage', tokens.alice, 'expired', 'tampered', '%zz', 'a'.repeat(3000)).map((t): LinkCase => {
        const link = links.get(tester.versions.rocket110.id) ?? '';
        const token = t === 'expired' ? EXPIRED_LINK : t === 'tampered' ? `${link.slice(0, 40)}x${link.slice(41)}` : t;
        return { query: `token=${token}`, validFor: null, present: true };
      }),
    },
  );
}
let EXPIRED_LINK = '';

/** A Range header with what the server must do with it for a file of a given size. */
interface RangeCase {
  readonly header: string | undefined;
  readonly expect: (size: number) => RangeModel;
}
type RangeModel = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' } | { kind: 'any' };

const position = fc.oneof(fc.nat(120_000), fc.nat(2_100), fc.constantFrom(0, 1, 499, 500, 501, 999, 1000, 1999, 2000, 99_999, 100_000, 100_001));
const hugeDigits = fc.integer({ min: 16, max: 400 }).map((n) => '9'.repeat(n));

const rangeArb: fc.Arbitrary<RangeCase> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<RangeCase>({ header: undefined, expect: () => ({ kind: 'full' }) }) },
  {
    weight: 4,
    arbitrary: fc.tuple(position, position).map(([a, b]): RangeCase => ({
      header: `bytes=${a}-${b}`,
      expect: (size) => (a > b ? { kind: 'any' } : a >= size ? { kind: 'unsatisfiable' } : { kind: 'partial', start: a, end: Math.min(b, size - 1) }),
    })),
  },
  {
    weight: 2,
    arbitrary: position.map((a): RangeCase => ({
      header: `bytes=${a}-`,
      expect: (size) => (a >= size ? { kind: 'unsatisfiable' } : { kind: 'partial', start: a, end: size - 1 }),
    })),
  },
  {
    weight: 2,
    arbitrary: position.map((n): RangeCase => ({
      header: `bytes=-${n}`,
      // RFC 9110 §14.1.2: a suffix longer than the file selects all of it; a zero suffix selects nothing.
      expect: (size) => (n === 0 ? { kind: 'unsatisfiable' } : { kind: 'partial', start: Math.max(0, size - n), end: size - 1 }),
    })),
  },
  { weight: 1, arbitrary: hugeDigits.map((d): RangeCase => ({ header: `bytes=0-${d}`, expect: (size) => ({ kind: 'partial', start: 0, end: size - 1 }) })) },
  { weight: 1, arbitrary: hugeDigits.map((d): RangeCase => ({ header: `bytes=${d}-`, expect: () => ({ kind: 'unsatisfiable' }) })) },
  { weight: 1, arbitrary: hugeDigits.map((d): RangeCase => ({ header: `bytes=-${d}`, expect: (size) => ({ kind: 'partial', start: 0, end: size - 1 }) })) },
  // Several ranges: only one (after merging) is served, else the whole file; either way consistent with Content-Range.
  {
    weight: 2,
    arbitrary: fc
      .array(
        fc.tuple(position, position).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
        { minLength: 2, maxLength: 40 },
      )
      .map((specs): RangeCase => ({ header: `bytes=${specs.join(',')}`, expect: () => ({ kind: 'any' }) })),
  },
  // A unit the server does not know, or no valid range-spec at all: the Range is ignored (RFC 9110 §14.2).
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('BYTES=0-1', 'items=0-1', 'bytes 0-1', 'bytes0-1', 'bytes=a-b', 'bytes=1-2-3', 'bytes=1.5-2', 'bytes=0x10-0x20', 'bytes=-', 'bytes=', 'bytes=1e3-2e3')
      .map((header): RangeCase => ({ header, expect: () => ({ kind: 'full' }) })),
  },
  { weight: 1, arbitrary: headerText(40).map((header): RangeCase => ({ header, expect: () => ({ kind: 'any' }) })) },
);

const ifRangeArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant<'none' | 'etag' | 'weak' | 'other' | 'date'>('none') },
  { weight: 1, arbitrary: fc.constantFrom<'etag' | 'weak' | 'other' | 'date'>('etag', 'weak', 'other', 'date') },
);

function ifRangeHeader(kind: 'none' | 'etag' | 'weak' | 'other' | 'date', etag: string | null): string | undefined {
  if (kind === 'none') return undefined;
  if (kind === 'etag') return etag ?? '"nothing"';
  if (kind === 'weak') return `W/${etag ?? '"nothing"'}`;
  if (kind === 'other') return '"0123"';
  return 'Wed, 21 Oct 2015 07:28:00 GMT';
}

/** Percent-encodes any string, lone surrogates included (as U+FFFD, which is what a client could send). */
const pct = (s: string) => encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));

const versionIdArb = () =>
  fc
    .oneof(
      { weight: 6, arbitrary: fc.constantFrom(...versions.keys()) },
      { weight: 1, arbitrary: fc.constantFrom('nope', '0', '[id]', '...', 'a'.repeat(300), 'ffffffffffffffff') },
      { weight: 1, arbitrary: binaryText({ minLength: 1, maxLength: 20 }).map((s) => Buffer.from(s, 'utf8').toString('utf8')) },
    )
    // `.` and `..` (even percent-encoded) are dot segments the URL resolves away, so no id reaches the route: junk paths cover them.
    .filter((id) => id !== '.' && id !== '..');

/** Where a request goes: a known route (whose answer can be predicted) or anywhere. */
interface Target {
  readonly path: string;
  readonly route: RouteKey | null;
  /** For downloads: the id the path names. */
  readonly id?: string;
  /** The id sits in the query, the path keeping the route's `[id]` placeholder (as Vercel may pass it). */
  readonly placeholder?: boolean;
  readonly link?: LinkCase;
  /** For icons. */
  readonly app?: string;
  readonly file?: string;
}

function knownTargetArb(): fc.Arbitrary<Target> {
  const extraQuery = fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('x=1', 'x', '=', '&&', '%zz', 'a=%ff', 'id=other') });
  const withQuery = (path: string, parts: string[]) => {
    const query = parts.filter((p) => p !== '').join('&');
    return query === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${query}`;
  };
  const simple = (route: RouteKey) => extraQuery.map((q): Target => ({ path: withQuery(ROUTES[route].pattern, [q]), route }));
  const download = fc.tuple(versionIdArb(), linkArb(), extraQuery, fc.boolean()).map(([id, link, q, placeholder]): Target => {
    // Vercel may hand a route its own pattern with the parameter in the query (route.ts, resolveParams).
    const path = placeholder ? `/api/v1/versions/[id]/download?id=${pct(id)}` : `/api/v1/versions/${pct(id)}/download`;
    return { path: withQuery(path, [link.query, q === 'id=other' ? '' : q]), route: 'download', id, placeholder, link };
  });
  const link = fc.tuple(versionIdArb(), extraQuery, fc.boolean()).map(([id, q, placeholder]): Target => {
    const path = placeholder ? `/api/v1/versions/[id]/link?id=${pct(id)}` : `/api/v1/versions/${pct(id)}/link`;
    return { path: withQuery(path, [q === 'id=other' ? '' : q]), route: 'link', id, placeholder };
  });
  const manifest = fc.tuple(versionIdArb(), linkArb(), extraQuery, fc.boolean()).map(([id, link, q, placeholder]): Target => {
    const path = placeholder ? `/api/v1/versions/[id]/manifest.plist?id=${pct(id)}` : `/api/v1/versions/${pct(id)}/manifest.plist`;
    return { path: withQuery(path, [link.query, q === 'id=other' ? '' : q]), route: 'manifest', id, placeholder, link };
  });
  const appVersions = fc
    .tuple(fc.constantFrom('rocket', 'anvil', 'gadget', 'ghost', '%72ocket', 'ROCKET', '[app]', 'rocket%2F..'), extraQuery)
    .map(([app, q]): Target => ({ path: withQuery(`/api/v1/apps/${app}/versions`, [q]), route: 'appVersions', app: decodeURIComponent(app) }));
  const icon = fc
    .tuple(
      fc.constantFrom('rocket', 'anvil', 'gadget', 'ghost', 'rocket%2F..', '%72ocket'),
      fc.constantFrom('rocket.png', 'rocket.PNG', 'icon.png', '..%2F..%2Fmanifest.json', 'manifest.json', 'rocket.png%00'),
      extraQuery,
    )
    .map(([app, file, q]): Target => ({ path: withQuery(`/api/files/apps/${app}/${file}`, [q]), route: 'icon', app: decodeURIComponent(app), file: decodeURIComponent(file) }));
  const bundleFile = fc
    .tuple(
      versionIdArb(),
      linkArb(),
      fc.constantFrom('index.html', 'app.js', 'app.js.br', 'index.html.br', 'nope.js', 'app.js.br.br', '..%2Fapp.js', 'APP.JS', '%61pp.js'),
      extraQuery,
    )
    .map(([id, link, file, q]): Target => ({
      // No `id=` in the query: a path whose id decodes to the placeholder `[id]` takes it from there (route.ts, resolveParams).
      path: withQuery(`/api/v1/bundles/${pct(id)}/files/${file}`, [link.query, q === 'id=other' ? '' : q]),
      route: 'bundleFile',
      id,
      link,
      file: decodeURIComponent(file),
    }));
  return fc.oneof(
    simple('auth'),
    simple('apps'),
    simple('updates'),
    simple('stats'),
    simple('channel_self'),
    simple('manifestSize'),
    download,
    download,
    icon,
    link,
    manifest,
    appVersions,
    bundleFile,
  );
}

const JUNK_SEGMENTS = [
  'api',
  'v1',
  'apps',
  'auth',
  'versions',
  'download',
  'link',
  'manifest.plist',
  'files',
  'updates',
  'stats',
  'channel_self',
  'rocket',
  'rocket.png',
  '[id]',
  '[app]',
  '..',
  '.',
  '%2e%2e',
  '%2E%2E%2F',
  '%2F',
  '%5C',
  '\\',
  '%00',
  '%ff',
  '%E0%A4%A',
  '%',
  '~',
  'API',
  'V1',
  ';x',
  'x'.repeat(300),
  '\xff\xfe',
  'index.html',
  '',
];

function anyTargetArb(): fc.Arbitrary<Target> {
  const segment = fc.oneof(
    fc.constantFrom(...JUNK_SEGMENTS),
    pathText(12).map((s) => s.replace(/[/?#]/g, '')),
    binaryText({ maxLength: 12 }).map(pct),
  );
  const mangle = fc.constantFrom(
    (p: string) => p.replace('/v1/', '/v1/../v1/'),
    (p: string) => p.replace('/v1/', '/v1/./'),
    (p: string) => p.replace('/v1/', '//v1//'),
    (p: string) => `${p}/`,
    // The leading slash stays: a request target without one is refused by Node's parser, which the raw block covers.
    (p: string) => p.replace(/(?!^)\//g, '%2F'),
    (p: string) => p.replace(/(?!^)\//g, '\\'),
    (p: string) => p.toUpperCase(),
    (p: string) => `http://evil.example${p}`,
    (p: string) => `${p}#fragment`,
    (p: string) => `${p}%00`,
    (p: string) => p.replace('api', '%61pi'),
  );
  return fc.oneof(
    { weight: 3, arbitrary: knownTargetArb() },
    { weight: 2, arbitrary: fc.array(segment, { maxLength: 7 }).map((s): Target => ({ path: `/${s.join('/')}`, route: null })) },
    { weight: 2, arbitrary: fc.tuple(knownTargetArb(), mangle).map(([t, f]): Target => ({ path: f(t.path), route: null })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('/', '/index.html', '*', '/api', '/api/v1', '/api/v1/versions//download', '/api/files/apps/rocket/', '/api/files/apps//rocket.png')
        .map((path): Target => ({ path, route: null })),
    },
  );
}

const contentTypeArb = fc.option(
  fc.oneof(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=----x',
      'application/octet-stream',
      '*/*',
      ';;;',
      '',
    ),
    headerText(80),
  ),
  { nil: undefined },
);

/** Plugin builds in the field (and a few no build reports), which decide the shape of update answers. */
const PLUGIN_VERSIONS = [
  '5.10.0',
  '5.35.0',
  '6.14.28',
  '6.51.15',
  '7.30.0',
  '7.34.0',
  '7.51.13',
  '8.0.0',
  '8.2.0',
  '8.42.6',
  '8.47.9',
  '8.51.4',
  '8.51.14',
  '9.0.0',
  '0.0.1',
  '4.0.0',
  '8.51',
  'v8',
  'latest',
];
const USER_AGENTS = ['CapacitorUpdater/8.51.14', 'CapacitorUpdater/7.30.0', 'CapacitorUpdater/', 'Mozilla/5.0', 'okhttp/4.12.0', 'Dalvik/2.1.0', 'CapacitorUpdater/9.9.9 (ios)'];

/** Other headers the server reads (User-Agent, If-None-Match, If-Range, X-Forwarded-*) or should ignore. */
const extraHeadersArb = () =>
  fc.array(
    fc.oneof(
      fc
        .constantFrom(
          'user-agent',
          'if-none-match',
          'if-range',
          'x-forwarded-host',
          'x-forwarded-proto',
          'x-forwarded-for',
          'accept-encoding',
          'cookie',
          'origin',
          'accept',
          'te',
          'forwarded',
        )
        .chain((name) =>
          fc
            .oneof(fc.constantFrom(...USER_AGENTS, '*', iconEtag, `W/${iconEtag}`, 'https', 'evil.example', 'gzip, br', 'trailers'), headerText(60))
            .map((value): [string, string] => [name, value]),
        ),
      fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), headerText(60)),
    ),
    { maxLength: 4 },
  );

// --- Bodies.

type FieldRule =
  | { readonly type: 'string'; readonly min: number; readonly max: number; readonly required?: boolean; readonly nullable?: boolean }
  | { readonly type: 'boolean' | 'number'; readonly required?: boolean };
const text = (min: number, max: number, extra: { required?: boolean; nullable?: boolean } = {}): FieldRule => ({ type: 'string', min, max, ...extra });

/** The Capgo info object (capgo-update-endpoint.md's AppInfos, as the plugins send it) and its limits. */
const INFO_FIELDS: Record<string, FieldRule> = {
  app_id: text(1, 255, { required: true }),
  device_id: text(1, 255, { required: true }),
  version_name: text(1, 255, { required: true }),
  version_build: text(0, 255),
  version_code: text(0, 255),
  version_os: text(0, 255),
  plugin_version: text(0, 64),
  platform: text(0, 32),
  custom_id: text(0, 255, { nullable: true }),
  is_emulator: { type: 'boolean' },
  is_prod: { type: 'boolean' },
  defaultChannel: text(0, 64, { nullable: true }),
  key_id: text(0, 64),
};
const SET_CHANNEL_FIELDS: Record<string, FieldRule> = { ...INFO_FIELDS, channel: text(1, 64, { required: true }) };
const STATS_FIELDS: Record<string, FieldRule> = {
  ...INFO_FIELDS,
  action: text(1, 64, { required: true }),
  version_name: text(0, 255, { required: true }),
  old_version_name: text(0, 255, { nullable: true }),
  timestamp: { type: 'number' },
};

const REALISTIC: Record<string, readonly string[]> = {
  app_id: ['com.acme.rocket', 'com.acme.rocket', 'com.acme.anvil', 'com.globex.gadget', 'com.unknown.app'],
  version_name: ['builtin', '1.0.0', '0.9.0', '1.1.0', '2.0.0', '2.0.0-rc.1', 'not semver'],
  version_build: ['1.0.0', '1', '2.0.0'],
  version_code: ['1', '42'],
  version_os: ['14', '17.4'],
  plugin_version: PLUGIN_VERSIONS,
  platform: ['android', 'ios', 'electron', 'web'],
  custom_id: ['user-1'],
  defaultChannel: ['production', 'beta', 'nope', ''],
  channel: ['production', 'beta', 'nope', 'x'],
  key_id: ['MIIBCgKCAQEA0123', 'k'],
  action: ['download_complete', 'set', 'install', 'delete', 'get', 'update_fail'],
  old_version_name: ['1.0.0', 'builtin'],
};

const ABSENT = Symbol('absent');
type FieldValue = unknown;

const deepJson = (depth: number, kind: 'array' | 'object') => (kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

/** A field's right values (or its absence, when optional), and its wrong ones. */
function fieldValueArbs(name: string, rule: FieldRule): { right: fc.Arbitrary<FieldValue>; wrong: fc.Arbitrary<FieldValue> } {
  const good: fc.Arbitrary<FieldValue> =
    rule.type === 'string'
      ? fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...(REALISTIC[name] ?? ['x'])) },
          { weight: 1, arbitrary: name === 'device_id' ? fc.uuid() : binaryText({ minLength: rule.min, maxLength: Math.min(rule.max, 40) }) },
        )
      : rule.type === 'boolean'
        ? fc.boolean()
        : fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
  const wrong: fc.Arbitrary<FieldValue> = fc.oneof(
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constant([]),
    fc.constant({}),
    fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
    fc.constant('1'),
    fc.constant(''),
    fc.integer({ min: 1, max: 3 }).map((extra) => 'x'.repeat((rule.type === 'string' ? rule.max : 10) + extra)),
    fc.constant('x'.repeat(20_000)),
    fc.constant(JSON.parse(deepJson(200, 'object')) as unknown),
  );
  const boundary: fc.Arbitrary<FieldValue> = rule.type === 'string' ? fc.constantFrom('x'.repeat(rule.max), 'é'.repeat(rule.max), rule.min > 0 ? 'x'.repeat(rule.min) : '') : good;
  const right = rule.required
    ? fc.oneof({ weight: 8, arbitrary: good }, { weight: 1, arbitrary: boundary })
    : fc.oneof({ weight: 8, arbitrary: good }, { weight: 1, arbitrary: boundary }, { weight: 3, arbitrary: fc.constant(ABSENT) });
  return { right, wrong: rule.required ? fc.oneof({ weight: 6, arbitrary: wrong }, { weight: 1, arbitrary: fc.constant(ABSENT) }) : wrong };
}

/** Whether a value (as the server will see it, after JSON) meets a field's rule. */
function fieldOk(rule: FieldRule, value: unknown): boolean {
  if (value === undefined) return rule.required !== true;
  if (value === null) return rule.type === 'string' && rule.nullable === true;
  if (rule.type === 'string') return typeof value === 'string' && value.length >= rule.min && value.length <= rule.max;
  return typeof value === rule.type;
}

interface DeviceBody {
  readonly json: unknown;
  /** The fields a correct server must complain about (the first it names must be one of them). */
  readonly badFields: readonly string[];
}

function deviceBodyArb(fields: Record<string, FieldRule>): fc.Arbitrary<DeviceBody> {
  const names = Object.keys(fields);
  // Half the bodies are right in every field, the others wrong in one to three: the answers to both are checked.
  const spoiled = fc.oneof(fc.constant<string[]>([]), fc.subarray(names, { minLength: 1, maxLength: 3 }));
  const entries = Object.entries(fields).map(([name, rule]) => {
    const { right, wrong } = fieldValueArbs(name, rule);
    return fc.tuple(right, wrong).map(([r, w]) => [name, r, w] as const);
  });
  const extra = fc.dictionary(
    fc
      .oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'))
      .filter((k) => !Object.prototype.hasOwnProperty.call(fields, k)),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 3 },
  );
  return fc.tuple(fc.tuple(...entries), spoiled, extra).map(([values, wrongOnes, extras]) => {
    const body: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(extras)) Object.defineProperty(body, k, { value: v, enumerable: true, writable: true, configurable: true });
    for (const [name, right, wrong] of values) {
      const value = wrongOnes.includes(name) ? wrong : right;
      if (value !== ABSENT) body[name] = value;
    }
    // Judged on what the server receives: JSON drops -0's sign, and a key set twice is seen once.
    const seen = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
    const badFields = Object.entries(fields)
      .filter(([name, rule]) => !fieldOk(rule, Object.prototype.hasOwnProperty.call(seen, name) ? seen[name] : undefined))
      .map(([name]) => name);
    return { json: body, badFields };
  });
}

/** A body that is not an object at all: the server names no field, and says so. */
const notAnObjectArb = fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 20 }), fc.boolean(), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }));

const invalidUtf8 = [
  Buffer.from([0xff, 0xfe, 0xfd]),
  Buffer.from([0xc0, 0xaf]), // overlong '/'
  Buffer.from([0xed, 0xa0, 0x80]), // a UTF-16 surrogate, in UTF-8
  Buffer.from([0xf4, 0x90, 0x80, 0x80]), // above U+10FFFF
  Buffer.from([0xe2, 0x82]), // truncated
  Buffer.from([0x80]),
];

/** Bodies of every kind the requirement names: none, JSON, device bodies, random bytes, invalid UTF-8, deep, huge. */
const bodyArb: fc.Arbitrary<Buffer | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
  { weight: 4, arbitrary: deviceBodyArb(SET_CHANNEL_FIELDS).map((b) => Buffer.from(JSON.stringify(b.json))) },
  { weight: 2, arbitrary: deviceBodyArb(STATS_FIELDS).map((b) => Buffer.from(JSON.stringify([b.json, b.json]))) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) },
  { weight: 2, arbitrary: binaryText({ maxLength: 200 }).map((s) => Buffer.from(s)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...invalidUtf8), fc.constantFrom('app_id', 'email', 'device_id', 'x'))
      .map(([bad, field]) => Buffer.concat([Buffer.from(`{"${field}":"`), bad, Buffer.from('","version_name":"1.0.0","device_id":"d","password":"p"}')])),
  },
  { weight: 1, arbitrary: fc.constant(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"app_id":"com.acme.rocket","device_id":"bom","version_name":"builtin"}')])) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1_000, max: 200_000 }), fc.constantFrom<'array' | 'object'>('array', 'object'))
      .map(([depth, kind]) => Buffer.from(deepJson(depth, kind))),
  },
  { weight: 1, arbitrary: fc.constantFrom(64 * 1024, 64 * 1024 + 1, 100_000, 512 * 1024 + 1, 700_000).map((size) => Buffer.from(`"${'x'.repeat(size - 2)}"`)) },
);

// ---------------------------------------------------------------------------------------------
// The properties' checks.

type AnyAnswer = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; refused?: boolean };

/** What every answer must be, whatever was asked; returns its JSON, if it has some. */
function expectDocumented(r: Req, a: AnyAnswer): Record<string, unknown> | unknown[] | null {
  const problems = documentedProblems(r, a);
  // One expect per answer, naming every problem at once: the checks run over 10,000 times.
  if (problems.length > 0) expect({ request: `${r.method} ${r.path}`, status: a.status, body: a.body.toString('latin1').slice(0, 300), problems }).toEqual({ problems: [] });
  if ((r.method === 'HEAD' && !a.refused) || !String(a.headers['content-type'] ?? '').startsWith('application/json')) return null;
  return JSON.parse(a.body.toString('utf8')) as Record<string, unknown> | unknown[];
}

function documentedProblems(r: Req, a: AnyAnswer): string[] {
  const problems: string[] = [];
  if (a.refused && ![400, 408, 431].includes(a.status)) problems.push(`a refused request answered ${a.status}`);
  if (a.status < 100 || a.status >= 500) problems.push(`status ${a.status}`);
  const headerText = Object.entries(a.headers)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join('\n');
  for (const [where, text] of [
    ['headers', headerText],
    ['body', a.body.toString('latin1')],
  ] as const) {
    if (LEAK.test(text) || text.includes(ROOT)) problems.push(`a stack trace or file path in the ${where}`);
  }
  const type = String(a.headers['content-type'] ?? '');
  if (a.status >= 400 && type !== 'application/json; charset=utf-8') problems.push(`content-type ${type} on a ${a.status}`);
  if (a.status === 429 && !(Number(a.headers['retry-after']) > 0)) problems.push('a 429 without Retry-After');
  if (a.status === 405 && typeof a.headers['allow'] !== 'string') problems.push('a 405 without Allow');
  if (r.method === 'HEAD' && !a.refused) {
    if (a.body.length > 0) problems.push('a body in the answer to HEAD');
    return problems;
  }
  if (!type.startsWith('application/json')) return problems;
  let parsed: unknown;
  try {
    parsed = JSON.parse(a.body.toString('utf8'));
  } catch {
    return [...problems, 'a JSON content-type on a body that is not JSON'];
  }
  if (a.status < 400) return problems;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [...problems, 'an error that is not a JSON object'];
  const body = parsed as Record<string, unknown>;
  // Tester routes answer {error}; the Capgo plugin's routes may add the message and kind it reads.
  const extra = Object.keys(body).filter((k) => !['error', 'message', 'kind'].includes(k));
  if (extra.length > 0) problems.push(`undocumented keys ${extra.join(', ')}`);
  if (!DOCUMENTED_ERRORS.has(String(body['error']))) problems.push(`undocumented error ${JSON.stringify(body['error'])}`);
  for (const k of ['message', 'kind']) if (k in body && typeof body[k] !== 'string') problems.push(`${k} is not a string`);
  return problems;
}

/** The answer a known route must give, when it can be told from the request alone; null when only the invariants apply. */
function expectedStatus(target: Target, method: string, auth: AuthCase, ifNoneMatch: string | undefined): { status: number; error?: string } | null {
  if (!target.route) return null;
  const allow = ROUTES[target.route].allow;
  if (!NODE_METHODS.includes(method)) return { status: 400, error: 'bad request' };
  // A method no route file exports never reaches the route's function (as on Vercel, which routes by export).
  if (!(STANDARD_METHODS as readonly string[]).includes(method)) return { status: 405, error: 'method not allowed' };
  // A path still holding the `[id]` placeholder takes the id from the query; without one there, no route matches.
  if (target.id === '[id]' && !target.placeholder) return { status: 404, error: 'not found' };
  if (target.route === 'appVersions' && target.app === '[app]') return { status: 404, error: 'not found' };
  if (method === 'OPTIONS') return { status: 204 };
  if (!allow.includes(method)) return { status: 405, error: 'method not allowed' };
  if (target.route === 'apps') return auth.user ? { status: 200 } : { status: 401, error: 'unauthorized' };
  if (target.route === 'icon') {
    if (target.app !== 'rocket' || target.file !== 'rocket.png') return { status: 404, error: 'icon not found' };
    return ifNoneMatch?.split(/\s*,\s*/).includes(iconEtag) ? { status: 304 } : { status: 200 };
  }
  if (target.route === 'link') return linkStatus(target.id ?? '', auth);
  if (target.route === 'manifest') return manifestStatus(target);
  if (target.route === 'bundleFile') return bundleFileStatus(target);
  if (target.route === 'appVersions') {
    const team = APP_TEAMS[target.app ?? ''];
    if (!auth.user) return { status: 401, error: 'unauthorized' };
    if (team === undefined) return { status: 404, error: 'not found' };
    return (TEAMS[auth.user] as readonly string[]).includes(team) ? { status: 200 } : { status: 403, error: 'forbidden' };
  }
  // Downloads are told by expectDownload; device routes by their own block.
  return null;
}

/** An install link: the download's checks, in its order. */
function linkStatus(id: string, auth: AuthCase): { status: number; error?: string } {
  const version = versions.get(id);
  if (!auth.user) return { status: 401, error: 'unauthorized' };
  if (!version) return { status: 404, error: 'version not found' };
  if (!(TEAMS[auth.user] as readonly string[]).includes(version.team)) return { status: 403, error: 'forbidden' };
  if (!version.fileName) return { status: 404, error: 'no file attached' };
  return { status: 200 };
}

/** An iOS manifest: the version's own link token, then the version, then an .ipa. */
function manifestStatus(target: Target): { status: number; error?: string } {
  const id = target.id ?? '';
  const version = versions.get(id);
  if (!target.link?.present || target.link.validFor !== id) return { status: 401, error: 'unauthorized' };
  if (!version) return { status: 404, error: 'version not found' };
  if (!version.fileName?.endsWith('.ipa')) return { status: 404, error: 'no file attached' };
  return { status: 200 };
}

/** One file of a bundle: the version's own link token, then the version, then the file in its bundle; null (a file it serves) is told by expectBundleFile. */
function bundleFileStatus(target: Target): { status: number; error?: string } | null {
  const id = target.id ?? '';
  const version = versions.get(id);
  if (id === '[id]') return { status: 404, error: 'not found' };
  if (!target.link?.present || target.link.validFor !== id) return { status: 401, error: 'unauthorized' };
  if (!version) return { status: 404, error: 'version not found' };
  if (!version.fileName) return { status: 404, error: 'no file attached' };
  const name = target.file ?? '';
  if (version.bundleFiles.has(name) || (name.endsWith('.br') && version.bundleFiles.has(name.slice(0, -3)))) return null;
  return { status: 404, error: 'file not in bundle' };
}

/** A file the route serves: all of it (as sent: plain, gzip, or brotli for `.br`), a range of it, or a documented 416. */
function expectBundleFile(target: Target, method: string, a: Answer): void {
  const name = target.file ?? '';
  const files = versions.get(target.id ?? '')?.bundleFiles;
  const brotli = !files?.has(name);
  const file = files?.get(brotli ? name.slice(0, -3) : name);
  if (!file) throw new Error(`no file ${name}`);
  expect([200, 206, 416]).toContain(a.status);
  if (a.status === 416) {
    expect(a.headers['content-range']).toBe(`bytes */${file.length}`);
    if (method !== 'HEAD') expect(JSON.parse(a.body.toString('utf8'))).toEqual({ error: 'range not satisfiable' });
    return;
  }
  if (method === 'HEAD') return;
  const encoding = a.headers['content-encoding'];
  const body = brotli ? brotliDecompressSync(a.body) : encoding === 'gzip' ? gunzipSync(a.body) : a.body;
  if (a.status === 200) return void expect(body.equals(file)).toBe(true);
  const [, start, end] = /^bytes (\d+)-(\d+)\/\d+$/.exec(String(a.headers['content-range'])) ?? [];
  expect(body.equals(file.subarray(Number(start), Number(end) + 1))).toBe(true);
}

/** The body of a 200 from the tester page's routes: what the version or app is, exactly. */
function expectTesterPageAnswer(target: Target, method: string, a: Answer): void {
  if (a.status !== 200 || method === 'HEAD') return;
  if (target.route === 'link') {
    const version = versions.get(target.id ?? '');
    const body = JSON.parse(a.body.toString('utf8')) as Record<string, unknown>;
    const platform = version?.fileName?.endsWith('.apk') ? 'android' : version?.fileName?.endsWith('.ipa') ? 'ios' : 'other';
    const path = `/api/v1/versions/${encodeURIComponent(target.id ?? '')}`;
    expect(body).toEqual({
      url: expect.stringMatching(new RegExp(`^https?://[^/]+${escapeRegExp(path)}/download\\?token=[\\w-]+\\.[\\w-]+\\.[\\w-]+$`)),
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      fileName: version?.fileName,
      size: version?.file?.length,
      platform,
      ...(platform === 'ios' ? { manifestUrl: expect.stringMatching(new RegExp(`^https?://[^/]+${escapeRegExp(path)}/manifest\\.plist\\?token=`)) } : {}),
    });
  } else if (target.route === 'manifest') {
    const version = versions.get(target.id ?? '');
    expect(a.headers['content-type']).toBe('text/xml; charset=utf-8');
    const details = APP_DETAILS[version?.app ?? ''];
    expect(parsePlist(a.body.toString('utf8'))).toEqual({
      items: [
        {
          assets: [
            { kind: 'software-package', url: expect.stringMatching(new RegExp(`${escapeRegExp(`/api/v1/versions/${encodeURIComponent(version?.id ?? '')}/download?token=`)}`)) },
          ],
          metadata: { 'bundle-identifier': details?.packageName, 'bundle-version': version?.version, kind: 'software', title: details?.title },
        },
      ],
    });
  } else if (target.route === 'appVersions') {
    const body = JSON.parse(a.body.toString('utf8')) as Record<string, { id: string }[]>;
    expect(Object.keys(body).sort()).toEqual(['debug', 'profile', 'release']);
    const listed = Object.values(body)
      .flat()
      .map((v) => v.id)
      .sort();
    expect(listed).toEqual(
      [...versions.values()]
        .filter((v) => v.app === target.app && !v.bundle)
        .map((v) => v.id)
        .sort(),
    );
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The download a known version must give: who may have it, then which bytes. */
function expectDownload(target: Target, method: string, auth: AuthCase, range: RangeCase, ifRange: string | undefined, a: Answer): void {
  const id = target.id ?? '';
  const version = versions.get(id);
  const link = target.link;
  const fail = (status: number, error: string) => {
    expect({ status: a.status }).toEqual({ status });
    if (method !== 'HEAD') expect(JSON.parse(a.body.toString('utf8'))).toEqual({ error });
  };
  if (id === '[id]' && !target.placeholder) return fail(404, 'not found');
  if (link?.present) {
    if (link.validFor !== id) return fail(401, 'unauthorized');
  } else {
    if (!auth.user) return fail(401, 'unauthorized');
    if (!version) return fail(404, 'version not found');
    if (!(TEAMS[auth.user] as readonly string[]).includes(version.team)) return fail(403, 'forbidden');
  }
  if (!version) return fail(404, 'version not found');
  if (!version.file) return fail(404, 'no file attached');
  const size = version.file.length;
  let model = range.expect(size);
  if (range.header === undefined || (ifRange !== undefined && ifRange !== version.etag)) model = { kind: 'full' };
  if (model.kind === 'full') expect(a.status).toBe(200);
  if (model.kind === 'unsatisfiable') expect(a.status).toBe(416);
  if (model.kind === 'partial') {
    expect(a.status).toBe(206);
    expect(a.headers['content-range']).toBe(`bytes ${model.start}-${model.end}/${size}`);
  }
  expectConsistentDownload(method, version, a, link?.present === true);
}

/** Whatever a download answers, its bytes are the file's and its headers say which. */
function expectConsistentDownload(method: string, version: KnownVersion, a: Answer, viaLink: boolean): void {
  const file = version.file;
  if (!file) return;
  const problems: string[] = [];
  const range = String(a.headers['content-range'] ?? '');
  if (a.status === 416) {
    if (range !== `bytes */${file.length}`) problems.push(`a 416 with content-range ${range}`);
  } else if (a.status === 200 || a.status === 206) {
    // An APK fetched by link is labelled as one, so a phone offers to install it; anything else is WEB_API.md's octet-stream.
    const type = viaLink && version.fileName?.endsWith('.apk') ? 'application/vnd.android.package-archive' : 'application/octet-stream';
    if (a.headers['content-type'] !== type) problems.push(`content-type ${a.headers['content-type']}`);
    if (a.headers['etag'] !== version.etag) problems.push(`etag ${a.headers['etag']}`);
    if (a.headers['accept-ranges'] !== 'bytes') problems.push('no accept-ranges: bytes');
    let [start, end] = [0, file.length - 1];
    if (a.status === 206) {
      const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range);
      [start, end] = [Number(match?.[1]), Number(match?.[2])];
      if (!match || Number(match[3]) !== file.length || !(start <= end) || !(end < file.length)) problems.push(`a 206 with content-range ${range}`);
    }
    if (Number(a.headers['content-length']) !== end - start + 1) problems.push(`content-length ${a.headers['content-length']} for bytes ${start}-${end}`);
    if (method !== 'HEAD' && !a.body.equals(file.subarray(start, end + 1))) problems.push(`not the file's bytes ${start}-${end}`);
  } else problems.push(`status ${a.status} for a version with a file`);
  if (problems.length > 0) expect({ version: version.id, status: a.status, problems }).toEqual({ version: version.id, status: a.status, problems: [] });
}

function expectAllowHeader(route: RouteKey, a: Answer): void {
  expect(
    String(a.headers['allow'] ?? '')
      .split(/\s*,\s*/)
      .sort(),
  ).toEqual([...ROUTES[route].allow].sort());
}

/** The server still serves a tester and a device after a block of hostile input. */
async function expectStillServing(): Promise<void> {
  const apps = await send(tester.url, { method: 'GET', path: '/api/v1/apps', headers: { authorization: `Bearer ${tokens.alice}` } });
  expect(apps.status).toBe(200);
  expect((JSON.parse(apps.body.toString('utf8')) as { teams: { id: string }[] }).teams.map((t) => t.id)).toEqual(['acme']);
  const check = await send(live.url, {
    method: 'POST',
    path: '/api/v1/updates',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(
      JSON.stringify({ app_id: 'com.acme.rocket', device_id: `control-${inputs}`, version_name: 'builtin', plugin_version: '8.51.14', platform: 'android', defaultChannel: '' }),
    ),
  });
  expect(check.status).toBe(200);
  expect(JSON.parse(check.body.toString('utf8'))).toMatchObject({ version: '1.0.0', url: expect.any(String) });
  expect(errorLogs).toEqual([]);
}

function count(block: keyof typeof RUNS, n = 1): void {
  inputs += n;
  generated.set(block, (generated.get(block) ?? 0) + n);
}

const assertOptions = (numRuns: number) => ({ numRuns, timeout: 2 * REQUEST_TIMEOUT_MS });

function headersOf(parts: {
  auth?: AuthCase | undefined;
  range?: string | undefined;
  ifRange?: string | undefined;
  contentType?: string | undefined;
  extra?: readonly (readonly [string, string])[];
}): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of parts.extra ?? []) headers[name] = value;
  if (parts.auth?.header !== undefined) headers['authorization'] = parts.auth.header;
  if (parts.range !== undefined) headers['range'] = parts.range;
  if (parts.ifRange !== undefined) headers['if-range'] = parts.ifRange;
  if (parts.contentType !== undefined) headers['content-type'] = parts.contentType;
  return headers;
}

// ---------------------------------------------------------------------------------------------

// Concurrent: the blocks share one thread with the servers, and each waits on the loopback between requests.
describe.concurrent('every route, under generated input', () => {
  test('the route table is exactly the routes these properties cover', async () => {
    const table = await loadRouteTable();
    expect(table.map((e) => e.pattern).sort()).toEqual(
      Object.values(ROUTES)
        .map((r) => r.pattern)
        .sort(),
    );
    expect(Object.values(RUNS).reduce((a, b) => a + b, 0) + RUNS.anything).toBeGreaterThanOrEqual(10_000);
  });

  test(
    'any method, path, header and body on either feed: a correct answer or a documented JSON error',
    async () => {
      const one = fc.record({
        live: fc.boolean(),
        method: methodArb,
        target: anyTargetArb(),
        auth: authArb(),
        range: rangeArb,
        ifRange: ifRangeArb,
        contentType: contentTypeArb,
        extra: extraHeadersArb(),
        body: bodyArb,
        chunked: fc.boolean(),
      });
      // A few at once: the server must not mix up concurrent requests either.
      await fc.assert(
        fc.asyncProperty(fc.array(one, { minLength: 2, maxLength: 4 }), async (batch) => {
          count('anything', batch.length);
          await Promise.all(
            batch.map(async (g) => {
              const base = g.live ? live.url : tester.url;
              const etag = g.target.id ? (versions.get(g.target.id)?.etag ?? null) : null;
              const ifRange = ifRangeHeader(g.ifRange, etag);
              const r: Req = {
                method: g.method,
                path: g.target.path,
                headers: headersOf({ auth: g.auth, range: g.range.header, ifRange, contentType: g.contentType, extra: g.extra }),
                body: g.body,
                chunked: g.chunked,
              };
              const a = await send(base, r);
              expectDocumented(r, a);
              const route = g.target.route;
              if (!route) return;
              const ifNoneMatch = r.headers['if-none-match'];
              const sentIfRange = r.headers['if-range'];
              const expected = expectedStatus(g.target, g.method, g.live ? { ...g.auth, user: null } : g.auth, ifNoneMatch);
              // The live feed has no testers and no icon: there, only the answers made before any lookup are predicted.
              const beforeLookup = expected !== null && (expected.status === 204 || expected.status === 400 || expected.status === 405 || expected.error === 'not found');
              if (g.live && route !== 'apps' && ROUTES[route].pattern.includes('[') && !beforeLookup) return;
              if (expected) {
                expect({ status: a.status, route, method: g.method }).toEqual({ status: expected.status, route, method: g.method });
                if (expected.error && g.method !== 'HEAD') expect(JSON.parse(a.body.toString('utf8'))).toEqual({ error: expected.error });
                if (expected.status === 204 || expected.status === 405) expectAllowHeader(route, a);
                expectTesterPageAnswer(g.target, g.method, a);
                if (route === 'icon' && expected.status === 200) {
                  expect(a.headers['content-type']).toBe('image/png');
                  if (g.method === 'GET') expect(a.body.equals(PNG)).toBe(true);
                }
              } else if (route === 'download' && (g.method === 'GET' || g.method === 'HEAD')) {
                expectDownload(g.target, g.method, g.auth, g.range, sentIfRange, a);
              } else if (route === 'bundleFile' && (g.method === 'GET' || g.method === 'HEAD')) {
                expectBundleFile(g.target, g.method, a);
              }
            }),
          );
        }),
        assertOptions(RUNS.anything),
      );
      await expectStillServing();
    },
    BLOCK_TIMEOUT_MS,
  );

  test(
    'Authorization of every shape, on the routes that take one (apps, downloads, install links, version lists): exactly the documented 200/401/403/404',
    async () => {
      const target = fc.oneof(
        { weight: 1, arbitrary: fc.constant<Target>({ path: '/api/v1/apps', route: 'apps' }) },
        { weight: 3, arbitrary: knownTargetArb().filter((t) => t.route === 'download') },
        { weight: 1, arbitrary: knownTargetArb().filter((t) => t.route === 'link' || t.route === 'appVersions') },
        // iOS asks for a manifest with the link alone: whatever Authorization comes along changes nothing.
        {
          weight: 1,
          arbitrary: fc.constantFrom(...versions.keys()).map((id): Target => {
            const link: LinkCase = { query: `token=${links.get(id)}`, validFor: id, present: true };
            return { path: `/api/v1/versions/${encodeURIComponent(id)}/manifest.plist?${link.query}`, route: 'manifest', id, link };
          }),
        },
      );
      await fc.assert(
        fc.asyncProperty(target, authArb(), fc.constantFrom('GET', 'HEAD'), async (t, auth, getOrHead) => {
          count('authorization');
          const method = t.route === 'link' ? 'POST' : getOrHead;
          const r: Req = { method, path: t.path, headers: headersOf({ auth, range: 'bytes=0-99' }) };
          const a = await send(tester.url, r);
          expectDocumented(r, a);
          if (t.route === 'link' || t.route === 'appVersions' || t.route === 'manifest') {
            const expected = expectedStatus(t, method, auth, undefined);
            expect({ status: a.status, label: auth.label }).toEqual({ status: expected?.status, label: auth.label });
            if (expected?.error && method !== 'HEAD') expect(JSON.parse(a.body.toString('utf8'))).toEqual({ error: expected.error });
            expectTesterPageAnswer(t, method, a);
          } else if (t.route === 'apps') {
            expect(a.status, auth.label).toBe(auth.user ? 200 : 401);
            if (auth.user && method === 'GET') {
              const teams = (JSON.parse(a.body.toString('utf8')) as { teams: { id: string }[] }).teams.map((x) => x.id);
              expect(teams.sort()).toEqual([...TEAMS[auth.user]].sort());
            }
          } else expectDownload(t, method, auth, { header: 'bytes=0-99', expect: (size) => ({ kind: 'partial', start: 0, end: Math.min(99, size - 1) }) }, undefined, a);
        }),
        assertOptions(RUNS.authorization),
      );
      await expectStillServing();
    },
    BLOCK_TIMEOUT_MS,
  );

  test(
    'Range and If-Range on downloads: exactly the bytes asked for, the whole file, or a 416',
    async () => {
      const valid: AuthCase = { header: `Bearer ${tokens.carol}`, user: 'carol', label: 'carol' };
      const withFile = [...versions.values()].filter((v) => v.file !== null);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...withFile),
          rangeArb,
          ifRangeArb,
          fc.constantFrom('GET', 'GET', 'GET', 'HEAD'),
          fc.boolean(),
          async (version, range, ifRangeKind, method, viaLink) => {
            count('ranges');
            const ifRange = ifRangeHeader(ifRangeKind, version.etag);
            const link: LinkCase = viaLink ? { query: `token=${links.get(version.id)}`, validFor: version.id, present: true } : { query: '', validFor: null, present: false };
            const t: Target = { path: `/api/v1/versions/${version.id}/download${viaLink ? `?${link.query}` : ''}`, route: 'download', id: version.id, link };
            const r: Req = { method, path: t.path, headers: headersOf({ auth: viaLink ? undefined : valid, range: range.header, ifRange }) };
            const a = await send(tester.url, r);
            expectDocumented(r, a);
            expectDownload(t, method, valid, range, ifRange, a);
          },
        ),
        assertOptions(RUNS.ranges),
      );
      await expectStillServing();
    },
    BLOCK_TIMEOUT_MS,
  );

  test(
    'device bodies with every field right or wrong: the update, channel and stats answers the plugins read, or invalid_request naming a bad field',
    async () => {
      const packages = new Set(['com.acme.rocket', 'com.acme.anvil']);
      const call = fc.oneof(
        deviceBodyArb(INFO_FIELDS).map((b) => ({ route: 'updates' as const, method: 'POST', body: b })),
        deviceBodyArb(INFO_FIELDS).map((b) => ({ route: 'channel_self' as const, method: 'PUT', body: b })),
        deviceBodyArb(INFO_FIELDS).map((b) => ({ route: 'channel_self' as const, method: 'DELETE', body: b })),
        deviceBodyArb(SET_CHANNEL_FIELDS).map((b) => ({ route: 'channel_self' as const, method: 'POST', body: b })),
        deviceBodyArb(STATS_FIELDS).map((b) => ({ route: 'stats' as const, method: 'POST', body: b })),
        fc
          .array(deviceBodyArb(STATS_FIELDS), { maxLength: 8 })
          .map((events) => ({ route: 'stats' as const, method: 'POST', body: { json: events.map((e) => e.json), badFields: [], batch: events } })),
        fc.tuple(fc.constantFrom('updates', 'channel_self', 'stats'), notAnObjectArb).map(([route, json]) => ({
          route: route as 'updates' | 'channel_self' | 'stats',
          method: route === 'channel_self' ? 'PUT' : 'POST',
          body: { json, badFields: ['(body)'] },
        })),
      );
      await fc.assert(
        fc.asyncProperty(call, fc.option(fc.constantFrom(...USER_AGENTS), { nil: undefined }), async (c, userAgent) => {
          count('device');
          const r: Req = {
            method: c.method,
            path: ROUTES[c.route].pattern,
            headers: { 'content-type': 'application/json', ...(userAgent ? { 'user-agent': userAgent } : {}) },
            body: Buffer.from(JSON.stringify(c.body.json)),
          };
          const a = await send(live.url, r);
          const json = expectDocumented(r, a) as Record<string, unknown>;
          // Several 20,000-character values can pass the limit (plugin 8 batches get a larger one).
          if ((r.body?.length ?? 0) > (c.route === 'stats' ? 512 * 1024 : 64 * 1024)) {
            expect({ status: a.status, json }).toEqual({ status: 413, json: { error: 'request body too large' } });
            return;
          }
          const batch = 'batch' in c.body ? c.body.batch : undefined;
          const isBatch = c.route === 'stats' && Array.isArray(c.body.json);
          if (isBatch) {
            // One odd event must not cost the others (plugins drop a whole batch on a 4xx).
            const rejected = (batch ?? []).filter((e) => e.badFields.length > 0).length + (batch ? 0 : (c.body.json as unknown[]).length);
            expect(a.status).toBe(200);
            expect(json).toEqual(rejected === 0 ? { status: 'ok' } : { status: 'ok', rejected });
            return;
          }
          if (c.body.badFields.length > 0) {
            expect(a.status).toBe(400);
            expect(json).toMatchObject({ error: 'invalid_request', kind: 'failed', message: expect.any(String) });
            const message = String(json['message']);
            if (c.body.badFields[0] !== '(body)')
              expect(
                c.body.badFields.map((f) => message.startsWith(`${f}: `)),
                `${message} for ${c.body.badFields.join(', ')}`,
              ).toContain(true);
            return;
          }
          const body = c.body.json as Record<string, unknown>;
          if (c.route === 'stats') {
            expect({ status: a.status, json }).toEqual({ status: 200, json: { status: 'ok' } });
            return;
          }
          if (c.route === 'updates') {
            if (a.status === 429) expect(json).toMatchObject({ error: 'too_many_requests', kind: 'failed' });
            else {
              expect(a.status).toBe(200);
              await expectUpdateAnswer(live.url, json);
              // The plugin's shape for an app the feed does not have: HTTP 200, so every build reads the error.
              if (!packages.has(String(body['app_id']))) expect(json).toMatchObject({ error: 'unknown_app', kind: 'failed' });
            }
            return;
          }
          if (!packages.has(String(body['app_id']))) {
            expect(a.status).toBe(400);
            expect(json).toMatchObject({ error: 'unknown_app', message: expect.any(String) });
            return;
          }
          expect(a.status).toBe(200);
          if ('error' in json) expect(Object.keys(json).sort()).toEqual(['error', 'message']);
          else if (c.method === 'PUT') expect(json).toEqual({ channel: expect.any(String), status: expect.stringMatching(/^(default|override)$/), allowSet: expect.any(Boolean) });
          else expect(json).toMatchObject({ status: 'ok' });
        }),
        assertOptions(RUNS.device),
      );
      await expectStillServing();
    },
    BLOCK_TIMEOUT_MS,
  );

  test(
    'Host headers a URL cannot hold, or should not be trusted with: a documented answer, and device links stay URLs',
    async () => {
      const host = fc.oneof(
        fc.constantFrom(
          '127.0.0.1:99999',
          '127.0.0.1:65536',
          '127.0.0.1:-1',
          '127.0.0.1:0x50',
          '[::1]:99999',
          '[::1',
          '[::1]',
          '[zz::1]',
          '[::ffff:127.0.0.1]:80',
          '::1',
          'a b',
          'x?y',
          'x#y',
          'x/y',
          'x\\y',
          'user@host',
          ':80',
          'host:',
          '%41',
          'évil.example',
          'x'.repeat(300),
          'localhost',
          'evil.example',
          '127.0.0.1:80',
        ),
        headerText(40).filter((h) => h !== ''),
      );
      const device = { app_id: 'com.acme.rocket', version_name: 'builtin', plugin_version: '8.51.14', platform: 'android', defaultChannel: '' };
      const request = fc.oneof(
        fc.constant<Omit<Req, 'headers'>>({ method: 'GET', path: '/api/v1/apps' }),
        fc.constant<Omit<Req, 'headers'>>({ method: 'GET', path: '/api/files/apps/rocket/rocket.png' }),
        fc.uuid().map((d): Omit<Req, 'headers'> => ({ method: 'POST', path: '/api/v1/updates', body: Buffer.from(JSON.stringify({ ...device, device_id: d })) })),
        fc.constant<Omit<Req, 'headers'>>({ method: 'GET', path: `/api/v1/versions/${[...versions.keys()][1] ?? ''}/download` }),
        fc.constant<Omit<Req, 'headers'>>({ method: 'OPTIONS', path: '/api/v1/stats' }),
      );
      await fc.assert(
        fc.asyncProperty(host, request, fc.boolean(), async (h, partial, forwarded) => {
          count('host');
          const r: Req = {
            ...partial,
            headers: { host: h, authorization: `Bearer ${tokens.alice}`, ...(forwarded ? { 'x-forwarded-host': h, 'x-forwarded-proto': 'https' } : {}) },
          };
          const a = await send(partial.path === '/api/v1/updates' ? live.url : tester.url, r);
          const json = expectDocumented(r, a);
          if (a.status === 400) expect(json).toEqual({ error: 'bad request' });
          else if (partial.path === '/api/v1/updates') await expectUpdateAnswer(live.url, json as Record<string, unknown>);
          else expect([200, 204, 206]).toContain(a.status);
        }),
        assertOptions(RUNS.host),
      );
      await expectStillServing();
    },
    BLOCK_TIMEOUT_MS,
  );

  test(
    'huge, deeply nested, invalid UTF-8 and wrong-typed bodies, streamed or declared: 413 beyond each limit, 400 for what is not JSON',
    async () => {
      const routes = fc.constantFrom<{ route: RouteKey; method: string; limit: number }>(
        { route: 'updates', method: 'POST', limit: 64 * 1024 },
        { route: 'stats', method: 'POST', limit: 512 * 1024 },
        { route: 'channel_self', method: 'POST', limit: 64 * 1024 },
        { route: 'channel_self', method: 'PUT', limit: 64 * 1024 },
        { route: 'channel_self', method: 'DELETE', limit: 64 * 1024 },
        // Email and password are checked before any password hashing: none of these reach scrypt.
        { route: 'auth', method: 'POST', limit: 64 * 1024 },
      );
      const body = fc.oneof(
        fc.integer({ min: 1, max: 800_000 }).map((size) => ({ bytes: Buffer.from(`"${'x'.repeat(Math.max(0, size - 2))}"`), json: true })),
        fc
          .tuple(fc.integer({ min: 1, max: 300_000 }), fc.constantFrom<'array' | 'object'>('array', 'object'))
          .map(([depth, kind]) => ({ bytes: Buffer.from(deepJson(depth, kind)), json: true })),
        fc
          .tuple(fc.constantFrom(...invalidUtf8), fc.nat(70_000))
          .map(([bad, pad]) => ({ bytes: Buffer.concat([Buffer.from(`{"app_id":"${' '.repeat(pad)}`), bad, Buffer.from('"}')]), json: false })),
        fc.uint8Array({ minLength: 1, maxLength: 2_000 }).map((a) => ({ bytes: Buffer.from(a), json: isJson(Buffer.from(a)) })),
        fc
          .constantFrom(
            '{',
            '[',
            '{"a":',
            'nul',
            '"\\ud800"',
            '{"email":1,"password":2}',
            '{"email":"","password":""}',
            '{"email":["a"],"password":{}}',
            '[]',
            'null',
            '0',
            '"x"',
            '{}',
          )
          .map((s) => ({ bytes: Buffer.from(s), json: isJson(Buffer.from(s)) })),
      );
      await fc.assert(
        fc.asyncProperty(routes, body, fc.boolean(), async (route, b, chunked) => {
          count('bodies');
          const r: Req = { method: route.method, path: ROUTES[route.route].pattern, headers: { 'content-type': 'application/json' }, body: b.bytes, chunked };
          const a = await send(route.route === 'auth' ? tester.url : live.url, r);
          const json = expectDocumented(r, a) as Record<string, unknown>;
          if (route.route === 'auth' && a.status === 429) {
            expect(json).toEqual({ error: 'too many attempts' });
            return;
          }
          if (b.bytes.length > route.limit) {
            expect({ status: a.status, json }).toEqual({ status: 413, json: { error: 'request body too large' } });
            return;
          }
          if (!b.json) {
            expect(a.status).toBe(400);
            expect(json).toEqual(route.route === 'auth' ? { error: 'invalid JSON body' } : { error: 'invalid_request', message: 'the body is not JSON', kind: 'failed' });
            return;
          }
          // JSON, but never a valid login nor a valid device info object: a 400, or a stats batch taken event by event.
          // Whitespace alone counts as JSON here (the server reads it as no body), but JSON.parse refuses it.
          const text = b.bytes.toString('utf8');
          const batch = route.route === 'stats' && text.trim() !== '' && Array.isArray(JSON.parse(text));
          if (batch) expect([200, 400]).toContain(a.status);
          else expect(a.status).toBe(400);
        }),
        assertOptions(RUNS.bodies),
      );
      await expectStillServing();
    },
    BLOCK_TIMEOUT_MS,
  );

  test(
    'login bodies of every shape: a token, 400, 401 or the documented 429, never anything else',
    async () => {
      const credential = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom('alice@example.com', 'ALICE@example.com ', 'carol@example.com', 'nobody@example.com', '', ' ') },
        { weight: 1, arbitrary: binaryText({ maxLength: 40 }) },
        { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}), fc.constant(['alice@example.com'])) },
      );
      const password = fc.oneof(fc.constantFrom('correct horse', 'wrong', '', 'x'.repeat(1000)), fc.integer(), fc.constant(null), fc.string({ maxLength: 20 }));
      await fc.assert(
        fc.asyncProperty(credential, password, fc.boolean(), async (email, pwd, asText) => {
          count('login');
          const json = JSON.stringify({ email, password: pwd });
          const r: Req = { method: 'POST', path: '/api/v1/auth', headers: { 'content-type': asText ? 'text/plain' : 'application/json' }, body: Buffer.from(json) };
          const a = await send(tester.url, r);
          const body = expectDocumented(r, a) as Record<string, unknown>;
          const shaped = typeof email === 'string' && typeof pwd === 'string' && email.trim() !== '' && pwd !== '';
          if (a.status === 429) {
            // Failed logins are throttled: the documented answer, whatever the body.
            expect(body).toEqual({ error: 'too many attempts' });
            return;
          }
          if (!shaped) {
            expect({ status: a.status, body }).toEqual({ status: 400, body: { error: 'email and password are required' } });
            return;
          }
          const right = pwd === 'correct horse' && ['alice@example.com', 'carol@example.com'].includes(String(email).trim().toLowerCase());
          if (right) {
            expect(a.status).toBe(200);
            expect(body).toEqual({ token: expect.any(String), userId: expect.any(String), email: expect.any(String) });
          } else expect({ status: a.status, body }).toEqual({ status: 401, body: { error: 'invalid credentials' } });
        }),
        assertOptions(RUNS.login),
      );
      await expectStillServing();
    },
    BLOCK_TIMEOUT_MS,
  );

  test(
    'raw bytes on the socket (request lines, header lines and framing no client library would send): a JSON answer on every connection',
    async () => {
      const method = fc.oneof(methodArb, fc.constantFrom('get', 'Get', 'G ET', '', 'GET\t', '\x00GET', 'ÄGET'));
      const target = fc.oneof(
        anyTargetArb().map((t) => t.path),
        fc.constantFrom('', ' ', '/api/v1/apps HTTP/1.1 x', '/api/v1/a\tpps', 'http://evil.example/api/v1/apps', 'https://[::1]:99999/api/v1/apps', '//evil/api/v1/apps', '*'),
      );
      const version = fc.oneof(
        { weight: 6, arbitrary: fc.constant('HTTP/1.1') },
        { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1.2', 'http/1.1', 'HTTP/1.1x', '') },
      );
      const hostLine = fc.oneof(
        fc.constant('Host: x'),
        fc.constant('Host:'),
        fc.constant('Host: 127.0.0.1:99999'),
        fc.constant('Host: [::1'),
        fc.constant('Host: x\r\nHost: y'),
        headerText(30).map((h) => `Host: ${h}`),
      );
      const headerLine = fc.oneof(
        fc.constantFrom(
          'bad header',
          ': no name',
          'X Y: z',
          'X-A:\x01',
          ' folded: line',
          'X-Obs: a\r\n  folded',
          'Transfer-Encoding: gzip',
          'Transfer-Encoding: chunked, identity',
          'Content-Length: abc',
          'Content-Length: -1',
          'Content-Length: 1, 2',
          `Content-Length: ${'9'.repeat(30)}`,
          'Expect: 100-continue',
          'Authorization: Bearer',
          `Authorization: Bearer ${'a'.repeat(20_000)}`,
          `X-Big: ${'b'.repeat(17_000)}`,
          'Range: bytes=0-0',
        ),
        fc
          .tuple(fc.stringMatching(/^[A-Za-z-]{1,12}$/), headerText(40))
          // Framing and Expect headers are generated above, where what follows them is known.
          .filter(([n]) => !['expect', 'host', 'content-length', 'transfer-encoding', 'connection'].includes(n.toLowerCase()))
          .map(([n, v]) => `${n}: ${v}`),
      );
      const body = fc.oneof(
        fc.constant({ framing: '', bytes: '' }),
        fc
          .jsonValue({ maxDepth: 2 })
          .map((v) => JSON.stringify(v) ?? '')
          .map((s) => ({ framing: `Content-Length: ${Buffer.byteLength(s)}`, bytes: s })),
        // A declared length shorter than what follows: the rest is read as a next request, after our Connection: close.
        fc.string({ minLength: 2, maxLength: 40 }).map((s) => ({ framing: `Content-Length: ${Math.floor(Buffer.byteLength(s) / 2)}`, bytes: s })),
        fc.string({ maxLength: 40 }).map((s) => ({ framing: 'Transfer-Encoding: chunked', bytes: `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n0\r\n\r\n` })),
        fc
          .constantFrom('zz\r\nabc\r\n0\r\n\r\n', '-1\r\n\r\n0\r\n\r\n', `${'f'.repeat(30)}\r\n0\r\n\r\n`, '3;ext=\x01\r\nabc\r\n0\r\n\r\n')
          .map((bytes) => ({ framing: 'Transfer-Encoding: chunked', bytes })),
        fc.constant({ framing: 'Transfer-Encoding: chunked\r\nContent-Length: 3', bytes: '0\r\n\r\n' }),
      );
      // An upgrade request is answered without its body being read; one whose body never
      // parses then waits for the request timeout (Node's parser has stopped at the headers).
      const upgrade = fc.constantFrom('Upgrade: websocket\r\nConnection: Upgrade', 'Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQAAP__');
      const lines = fc.oneof(
        fc.array(headerLine, { maxLength: 3 }).map((l) => ({ lines: l, upgrade: false })),
        upgrade.map((u) => ({ lines: [u], upgrade: true })),
      );
      await fc.assert(
        fc.asyncProperty(method, target, version, hostLine, lines, body, async (m, t, v, host, extra, framed) => {
          const b = extra.upgrade ? { framing: '', bytes: '' } : framed;
          const lines = extra.lines;
          count('raw');
          const head = [`${m} ${t} ${v}`.trimEnd(), host, ...lines, ...(b.framing ? [b.framing] : []), 'Connection: close'].join('\r\n');
          const bytes = Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), Buffer.from(b.bytes, 'latin1')]);
          const a = await rawExchange(live.url, bytes);
          // A request the parser refused (request line, header size) is answered with a body, whatever its method said.
          const refused = m === 'HEAD' && [400, 408, 431].includes(a.status) && a.headers['connection'] === 'close' && a.body.length > 0;
          expectDocumented({ method: m, path: t, headers: {} }, { ...a, refused });
        }),
        assertOptions(RUNS.raw),
      );
      await expectStillServing();
    },
    BLOCK_TIMEOUT_MS,
  );
});

describe('after the generated input', () => {
  test.each([
    ['garbage instead of HTTP', 'hello there\r\n\r\n'],
    ['a bad header line', 'GET /api/v1/apps HTTP/1.1\r\nHost: x\r\nbad header\r\n\r\n'],
    ['an oversized header', `GET /api/v1/apps HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
  ])('%s gets a JSON error and the server keeps serving', async (_label, bytes) => {
    const answer = await rawExchange(tester.url, bytes);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.body.toString('latin1')).toMatch(/^\{"error":"[^"]+"\}$/);
    await expectStillServing();
  });

  test('every block ran its share: at least 10,000 generated requests in this run', () => {
    for (const [block, runs] of Object.entries(RUNS)) expect(generated.get(block as keyof typeof RUNS) ?? 0, block).toBeGreaterThanOrEqual(runs);
    expect(inputs).toBeGreaterThanOrEqual(10_000);
  });
});

/** An update check's 200: an update (whose link downloads), the builtin, or a "none" the plugins stop on. */
async function expectUpdateAnswer(base: string, json: Record<string, unknown>): Promise<void> {
  if ('url' in json) {
    expect(
      Object.keys(json).every((k) => ['version', 'url', 'checksum', 'session_key', 'manifest'].includes(k)),
      JSON.stringify(json),
    ).toBe(true);
    expect(json).toMatchObject({ version: expect.any(String), checksum: expect.any(String) });
    expect(URL.canParse(String(json['url'])), String(json['url'])).toBe(true);
    const link = new URL(String(json['url']));
    expect(link.pathname).toMatch(/^\/api\/v1\/versions\/[^/]+\/download$/);
    const part = await send(base, { method: 'GET', path: `${link.pathname}${link.search}`, headers: { range: 'bytes=0-9' } });
    expect(part.status).toBe(206);
    expect(part.body.length).toBe(10);
    if ('manifest' in json) {
      // A delta update: every file's link is a URL of this server that serves the file.
      const files = json['manifest'] as { file_name: string; file_hash: string; download_url: string }[];
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        expect(file).toEqual({ file_name: expect.any(String), file_hash: expect.stringMatching(/^[0-9a-f]{64}$/), download_url: expect.any(String) });
        expect(new URL(file.download_url).pathname).toMatch(/^\/api\/v1\/bundles\/[^/]+\/files\/[^/]+$/);
      }
      const first = new URL(files[0]!.download_url);
      expect((await send(base, { method: 'GET', path: `${first.pathname}${first.search}`, headers: {} })).status).toBe(200);
    }
    return;
  }
  if (json['version'] === 'builtin' && !('error' in json)) {
    expect(json).toEqual({ version: 'builtin' });
    return;
  }
  expect(json).toMatchObject({ error: expect.any(String), kind: expect.stringMatching(/^(up_to_date|blocked|failed)$/), message: expect.any(String) });
}

function isJson(bytes: Buffer): boolean {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.trim() === '') return true;
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
