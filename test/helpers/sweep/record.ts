import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { expect } from 'vitest';
import { reportName, ZERO, type Counts, type FileReport } from './report.js';
import { fingerprint, Scanner, SecretRegistry, type Allowance, type Candidate, type Hit, type SecretKind } from './scan.js';

/**
 * The secrets sweep's recorder for one test file: helpers register the secrets they make
 * and hand over what the product outputs; everything is scanned as it comes and only
 * counts and hits (fingerprints, never values) are kept, written to the directory the
 * global setup shares (see global-setup.ts). State lives on globalThis so a test that
 * resets modules (vi.resetModules) still records into the same report.
 */

interface State {
  readonly file: string;
  readonly dir: string | null;
  readonly registry: SecretRegistry;
  readonly scanner: Scanner;
  readonly counts: Counts;
  readonly allowed: Record<string, number>;
  readonly hits: (Hit & { test: string | null })[];
  /** Origins of servers the suite runs as child processes (their responses reach the tests by fetch). */
  readonly childOrigins: Set<string>;
  /** Ports of in-process servers that are not the product (the fake GitHub). */
  readonly notProduct: Set<number>;
}

const KEY = Symbol.for('updateforge.secrets-sweep');
type Global = { [KEY]?: State };

function currentTest(): string | null {
  try {
    return expect.getState().currentTestName ?? null;
  } catch {
    return null;
  }
}

function newState(file: string, dir: string | null): State {
  const registry = new SecretRegistry();
  const counts: Counts = { ...ZERO };
  const allowed: Record<string, number> = {};
  const hits: State['hits'] = [];
  const scanner = new Scanner(registry, {
    hit: (hit) => hits.push({ ...hit, test: currentTest() }),
    allowed: (reason) => void (allowed[reason] = (allowed[reason] ?? 0) + 1),
  });
  return { file, dir, registry, scanner, counts, allowed, hits, childOrigins: new Set(), notProduct: new Set() };
}

/** Called by the setup file before each test file: a fresh report. */
export function startSweep(file: string, dir: string | null): void {
  (globalThis as Global)[KEY] = newState(file, dir);
}

function state(): State {
  // Outside a sweep (a helper imported by a script), record into a throwaway state.
  return ((globalThis as Global)[KEY] ??= newState('(no test file)', null));
}

export function report(): FileReport {
  const s = state();
  return {
    file: s.file,
    counts: { ...s.counts, scanMs: Math.round(s.scanner.busyMs) },
    secrets: Object.fromEntries([...s.registry.known.values()].map((k) => [k.fingerprint, k.kind])),
    tooShort: Object.fromEntries(s.registry.tooShort),
    allowed: { ...s.allowed },
    hits: [...s.hits],
  };
}

/** Writes this file's report (synchronously, so it also works from the last hook of all). */
export function flushReport(): void {
  const s = state();
  if (s.dir === null) return;
  mkdirSync(s.dir, { recursive: true });
  writeFileSync(path.join(s.dir, reportName(s.file)), JSON.stringify(report()));
}

// ---------------------------------------------------------------- registering

export function registerSecret(kind: SecretKind, value: string | undefined, label: string): void {
  state().registry.add(kind, value, label);
}

export function registerPrivateKey(pem: string, label: string): void {
  state().registry.addPrivateKey(pem, label);
}

export function registerPasswordHash(hash: string, label: string): void {
  state().registry.addPasswordHash(hash, label);
}

// ---------------------------------------------------------------- where a secret may be

/** The text right before a match, within its window. */
const before = (c: Candidate, length: number) => c.text.slice(Math.max(0, c.start - length), c.start);

/** A link's token, right after `/api/v1/versions/{id}/download?token=` (or `manifest.plist?token=` where `manifest` is true). */
const linkToken = (c: Candidate, manifest: boolean) =>
  c.kind === 'token' &&
  (manifest ? /\/api\/v1\/versions\/[^/?"<]+\/(?:download|manifest\.plist)\?token=$/ : /\/api\/v1\/versions\/[^/?"<]+\/download\?token=$/).test(before(c, 200));

/** A delta update's file link token, right after `/api/v1/bundles/{id}/files/{path}?token=`. */
const fileLinkToken = (c: Candidate) => c.kind === 'token' && /\/api\/v1\/bundles\/[^/?"<]+\/files\/[^/?"<]+\?token=$/.test(before(c, 600));

/**
 * A token may appear in the response that issued it, in the place it is issued: the
 * `token` of a 200 from POST /api/v1/auth, the `?token=` of the bundle link (and of its
 * files' links) in a 200 from POST /api/v1/updates (and echoed from the request in one from
 * POST /api/v1/updates/manifest_size), of the install links in a 200 from POST
 * /api/v1/versions/{id}/link, and of the .ipa link in a 200 from GET
 * /api/v1/versions/{id}/manifest.plist. Anywhere else (another response, a header, a log) it leaks.
 */
export function responseAllowance(method: string, pathname: string, status: number): Allowance | undefined {
  if (status !== 200) return undefined;
  if (method === 'GET' && /^\/api\/v1\/versions\/[^/]+\/manifest\.plist$/.test(pathname))
    return (c) => (linkToken(c, false) ? 'a download link in the iOS manifest that issued it' : null);
  if (method !== 'POST') return undefined;
  if (pathname === '/api/v1/auth') return (c) => (c.kind === 'token' && before(c, 9) === '"token":"' ? 'a token in the login response that issued it' : null);
  if (pathname === '/api/v1/updates')
    return (c) => (linkToken(c, false) ? 'a device link in the update answer that issued it' : fileLinkToken(c) ? 'a delta file link in the update answer that issued it' : null);
  // Capgo's shape echoes each entry the device sent, its own file link included (capgo@4bc7d83f:.../utils/manifest_size.ts).
  if (pathname === '/api/v1/updates/manifest_size') return (c) => (fileLinkToken(c) ? 'a delta file link the device sent, echoed in the size answer' : null);
  if (/^\/api\/v1\/versions\/[^/]+\/link$/.test(pathname)) return (c) => (linkToken(c, true) ? 'an install link in the link answer that issued it' : null);
  return undefined;
}

const USER_EDITS = new Set(['add', 'set-password', 'set-teams', 'remove']);

/**
 * What a CLI command may print because printing it is the command's job: `hash-password`
 * prints a hash; `user add|set-password|set-teams|remove` without --users-file print the
 * new UPDATEFORGE_USERS value (hashes included) because stdout is then their only output;
 * `demo` prints the demo login. With --users-file, the file is the output and stdout is
 * a log like any other.
 */
export function cliAllowance(args: readonly string[], stream: 'stdout' | 'stderr', demoPassword: string): Allowance | undefined {
  if (stream !== 'stdout') return undefined;
  const [command, sub] = args;
  const writesUsersFile = args.some((a) => a === '--users-file' || a.startsWith('--users-file='));
  if (command === 'hash-password' || (command === 'user' && USER_EDITS.has(sub ?? '') && !writesUsersFile)) {
    return (c) => (c.kind === 'password-hash' ? `password hashes on \`${command}${command === 'user' ? ` ${sub}` : ''}\` stdout, its only output` : null);
  }
  if (command === 'demo') {
    const demo = fingerprint(demoPassword);
    return (c) => (c.kind === 'password' && c.fingerprint === demo ? 'the demo login the demo prints' : null);
  }
  return undefined;
}

/**
 * The action registers its secrets with the runner as `::add-mask::<value>` workflow
 * commands, which the runner consumes and never shows: a secret that is the whole value
 * of such a line is where it must be.
 */
export const actionStdoutAllowance: Allowance = (c) => {
  const lineStart = c.text.lastIndexOf('\n', c.start - 1) + 1;
  const next = c.text[c.end];
  const ends = next === '\n' || next === '\r' || (next === undefined && c.atEnd);
  return c.registered && c.text.slice(lineStart, c.start) === '::add-mask::' && ends ? 'a secret masked with ::add-mask::' : null;
};

// ---------------------------------------------------------------- recording

/**
 * The path a request target routes to, parsed as the server parses it (`/api/v1/../v1/updates`,
 * `/api\v1\updates`, `http://host/api/v1/updates` and `/api/v1/updates#x` all route to
 * `/api/v1/updates`), with anything shaped like a token blanked: it names the output in a report.
 */
export function routePath(target: string): string {
  let pathname: string;
  try {
    pathname = new URL(target.startsWith('/') ? `http://h${target}` : target).pathname;
  } catch {
    pathname = target.split(/[?#]/)[0] ?? '/';
  }
  return pathname.replace(/eyJ[\w-]*\.[\w.-]*/g, '<token>');
}

/** A product server's response, as it is written: status line and headers, then every body chunk. */
export function recordResponse(request: IncomingMessage, response: ServerResponse, port: number | undefined): void {
  const s = state();
  if (port !== undefined && s.notProduct.has(port)) return;
  const method = request.method ?? 'GET';
  const pathname = routePath(request.url ?? '/');
  let body: ReturnType<Scanner['stream']> | null = null;
  const bodyStream = () => {
    body ??= s.scanner.stream({ where: `response ${method} ${pathname} → ${response.statusCode} body`, allow: responseAllowance(method, pathname, response.statusCode) });
    return body;
  };
  const tee = (chunk: unknown, encoding: unknown) => {
    if (typeof chunk === 'string') bodyStream().write(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
    else if (chunk instanceof Uint8Array) bodyStream().write(chunk);
  };
  const write = response.write;
  const end = response.end;
  response.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    tee(chunk, rest[0]);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as ServerResponse['write'];
  response.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (chunk !== undefined && typeof chunk !== 'function') tee(chunk, rest[0]);
    return (end as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as ServerResponse['end'];
  response.once('close', () => {
    s.counts.responses++;
    // `_header` is the status line and headers exactly as sent, however they were set.
    const head = (response as unknown as { _header?: string | null })._header;
    if (head) s.counts.responseBytes += s.scanner.scan(head, { where: `response ${method} ${pathname} → ${response.statusCode} headers` });
    if (body) s.counts.responseBytes += body.end();
  });
}

/** A response of a child-process server, as the test's fetch received it. */
export async function recordFetchedResponse(method: string, url: URL, response: Response): Promise<void> {
  const s = state();
  const pathname = routePath(url.pathname);
  const where = `response ${method} ${pathname} → ${response.status}`;
  const head = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\r\n');
  s.counts.responses++;
  s.counts.responseBytes += s.scanner.scan(head, { where: `${where} headers` });
  if (!response.body) return;
  const body = s.scanner.stream({ where: `${where} body`, allow: responseAllowance(method, pathname, response.status) });
  try {
    for await (const chunk of response.body) body.write(chunk);
  } catch {
    // The test cancelled or the server cut it: what arrived was scanned.
  }
  s.counts.responseBytes += body.end();
}

export function isChildServer(origin: string): boolean {
  return state().childOrigins.has(origin);
}

export function markNotProduct(port: number): void {
  state().notProduct.add(port);
}

export function unmarkNotProduct(port: number): void {
  state().notProduct.delete(port);
}

/** One log event, serialised as jsonLogger writes it (less the time), then scanned. */
export function recordLogLine(level: string, event: string, fields: Record<string, unknown> = {}): void {
  const s = state();
  s.counts.logLines++;
  let line: string;
  try {
    line = JSON.stringify({ level, event, ...fields });
  } catch {
    // A field JSON cannot hold: the silent logger must not start throwing because of the sweep.
    line = `${level} ${event} ${Object.entries(fields)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ')}`;
  }
  s.counts.outputBytes += s.scanner.scan(line, { where: `log line '${event}'` });
}

/** Tees a logger's events into the sweep; the inner logger still gets them all. */
export function recordingLogger<L extends { info(e: string, f?: object): void; warn(e: string, f?: object): void; error(e: string, f?: object): void }>(inner: L): L {
  const tee = (level: 'info' | 'warn' | 'error') => (event: string, fields?: object) => {
    recordLogLine(level, event, fields as Record<string, unknown>);
    inner[level](event, fields);
  };
  return { ...inner, info: tee('info'), warn: tee('warn'), error: tee('error') };
}

const ANNOUNCED_URL = /(?:listening on|running at) (https?:\/\/[^\s/]+)/;

/**
 * Scans a child's output stream as the child writes it, without reading it: the stream
 * stays paused for the test to read when it wants. Also notes the URL a server child
 * announces, so fetches to it are recorded.
 */
export function recordChildStream(stream: Readable, what: { args: readonly string[]; name: 'stdout' | 'stderr'; demoPassword: string; watch?: (head: string) => void }): void {
  const s = state();
  const [command, sub] = what.args;
  const label = ['updateforge', command, sub && !sub.startsWith('-') ? sub : null].filter(Boolean).join(' ');
  const scan = s.scanner.stream({ where: `${label} ${what.name}`, allow: cliAllowance(what.args, what.name, what.demoPassword) });
  s.counts.cliStreams++;
  let head = '';
  const push = stream.push;
  stream.push = function (this: Readable, chunk: unknown, encoding?: BufferEncoding) {
    if (chunk === null) s.counts.outputBytes += scan.end();
    else if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
      // Watched first: a secret the child announces is registered before its own output is scanned.
      if (head.length < 4096) {
        head += Buffer.from(chunk as Uint8Array).toString('utf8');
        const url = ANNOUNCED_URL.exec(head)?.[1];
        if (url) s.childOrigins.add(new URL(url).origin);
        what.watch?.(head);
      }
      scan.write(chunk);
    }
    return push.call(this, chunk, encoding);
  };
}

/** Everything a run of the action gives the runner: its streams, outputs and job summary. */
export function recordActionRun(run: { stdout: string; stderr: string; outputsFile: string; summary: string }): void {
  const s = state();
  s.counts.actionRuns++;
  s.counts.outputBytes += s.scanner.scan(run.stdout, { where: 'action stdout', allow: actionStdoutAllowance });
  s.counts.outputBytes += s.scanner.scan(run.stderr, { where: 'action stderr' });
  s.counts.outputBytes += s.scanner.scan(run.outputsFile, { where: 'action outputs (GITHUB_OUTPUT)' });
  s.counts.outputBytes += s.scanner.scan(run.summary, { where: 'action job summary' });
}

// ---------------------------------------------------------------- what stays behind

const STORE_MARKER = 'updateforge-store.json';

export async function scanFile(scanner: Scanner, file: string, where: string): Promise<number> {
  const scan = scanner.stream({ where });
  try {
    for await (const chunk of createReadStream(file)) scan.write(chunk as Buffer);
  } catch {
    // Removed while we read it (a temp file renamed into place): its final form is scanned where it landed.
  }
  return scan.end();
}

async function storeFolders(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  if (entries.some((e) => e.name === STORE_MARKER && e.isFile())) {
    out.push(dir);
    return;
  }
  for (const e of entries) if (e.isDirectory() && e.name !== 'node_modules') await storeFolders(path.join(dir, e.name), out);
}

async function filesUnder(dir: string, out: string[]): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, e.name);
    // Not followed: the product never writes a link, so one here was planted by a test and
    // points at something that is not the store's (the server's refusal to follow it is tested on its own).
    if (e.isDirectory()) await filesUnder(full, out);
    else if (!e.isSymbolicLink()) out.push(full);
  }
}

/** The local stores under these folders (found by their marker file) and every file in each. */
export async function storeFiles(dirs: readonly string[]): Promise<{ store: string; files: string[] }[]> {
  const stores: string[] = [];
  for (const dir of dirs) await storeFolders(dir, stores);
  const out: { store: string; files: string[] }[] = [];
  for (const store of stores) {
    const files: string[] = [];
    await filesUnder(store, files);
    out.push({ store, files });
  }
  return out;
}

/** Every file of every local store under these folders (temp folders about to be removed). */
export async function sweepStores(dirs: readonly string[]): Promise<void> {
  const s = state();
  for (const { store, files } of await storeFiles(dirs)) {
    s.counts.storeFolders++;
    for (const file of files) {
      s.counts.storeFiles++;
      s.counts.storeBytes += await scanFile(s.scanner, file, `store file ${path.relative(store, file)}`);
    }
  }
  flushReport();
}

/** The parts of the fake GitHub's state the product writes (kept structural so this does not depend on the fake's classes). */
export interface GitHubState {
  readonly repos: ReadonlyMap<
    string,
    {
      releases: ReadonlyMap<number, { tagName: string; name: string | null; body: string | null; targetCommitish: string }>;
      assets: ReadonlyMap<number, { name: string; label: string; bytes: Buffer }>;
      blobs: ReadonlyMap<string, Buffer>;
      commits: ReadonlyMap<string, { message: string; files: ReadonlyMap<string, string> }>;
    }
  >;
}

/** Every release (name, body, tag), asset (name, label, bytes), branch file and commit message on the fake GitHub. */
export function sweepGitHub(github: GitHubState): void {
  const s = state();
  for (const [name, repo] of github.repos) {
    s.counts.githubRepos++;
    const scan = (data: string | Buffer, where: string) => void (s.counts.githubBytes += s.scanner.scan(data, { where: `GitHub ${where}` }));
    for (const r of repo.releases.values()) {
      s.counts.releases++;
      scan([r.tagName, r.name ?? '', r.targetCommitish].join('\n'), `release ${r.tagName} name/tag`);
      scan(r.body ?? '', `release ${r.tagName} body`);
    }
    for (const a of repo.assets.values()) {
      s.counts.assets++;
      scan(`${a.name}\n${a.label}`, `asset ${a.name} name/label`);
      scan(a.bytes, `asset ${a.name}`);
    }
    const paths = new Map<string, string>();
    for (const c of repo.commits.values()) {
      scan(c.message, `commit message in ${name}`);
      for (const [file, sha] of c.files) paths.set(sha, file);
    }
    for (const [sha, bytes] of repo.blobs) {
      s.counts.branchFiles++;
      scan(bytes, `branch file ${paths.get(sha) ?? sha}`);
    }
  }
  flushReport();
}
