import { createHash } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { publish } from '../../src/publish/publish.js';
import { createServerContext } from '../../src/server/create-context.js';
import { startServer, type RunningServer } from '../../src/server/node-server.js';
import { LocalStore } from '../../src/store/local/store.js';
import { silentLogger } from '../../src/util/logger.js';
import { bytes } from '../helpers/feed-server.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';
import { login, makeUser } from '../helpers/server.js';

/**
 * Readers that stop reading (security-findings.md F4): a download that makes no progress
 * for the stall timeout is cut and its file closed, while slow readers that keep reading
 * are left alone, and a cut download resumes with a Range.
 */

const STALL_MS = 1000;
// Larger than the socket buffers of both ends, so a reader that stops really stalls the server.
const SIZE = 24 * 1024 * 1024;

let server: RunningServer;
let storeDir: string;
let token: string;
let versionId: string;
const content = bytes(SIZE, 11);

beforeAll(async () => {
  storeDir = path.join(await tempDir(), 'store');
  const store = await LocalStore.openOrCreate(storeDir);
  const config = await writeConfig();
  const { version } = await publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await writeBuild(content, 'rocket.apk') } });
  versionId = version.id;
  const context = createServerContext({ store, users: [await makeUser('alice', 'alice@example.com', ['acme'])], jwtSecret: 'x'.repeat(40), log: silentLogger });
  server = await startServer({ context, stallTimeoutMs: STALL_MS });
  token = await login(server.url, 'alice@example.com');
});
afterAll(() => server.close());

/** File descriptors of this process open on a file of the store: the server's open downloads. */
const openStoreFiles = () =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(storeDir);
    } catch {
      return false;
    }
  }).length;

const connections = () => new Promise<number>((resolve, reject) => server.server.getConnections((error, n) => (error ? reject(error) : resolve(n))));

async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/** Opens a download on a raw socket, reads `readFirst` bytes of body (or all of it), then stops reading. */
function startDownload(range?: string, readFirst = Infinity): Promise<{ socket: Socket; received: () => Buffer; readRest: () => void; closed: Promise<void>; head: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    socket.write(
      `GET /api/v1/versions/${versionId}/download HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n${range ? `Range: ${range}\r\n` : ''}Connection: close\r\n\r\n`,
    );
    let raw = Buffer.alloc(0);
    let head: string | null = null;
    const body: Buffer[] = [];
    let bodyBytes = 0;
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      if (head === null) {
        raw = Buffer.concat([raw, chunk]);
        const end = raw.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = raw.subarray(0, end).toString('latin1');
        chunk = raw.subarray(end + 4);
        resolve({
          socket,
          received: () => Buffer.concat(body),
          readRest: () => {
            readFirst = Infinity;
            socket.resume();
          },
          closed,
          head,
        });
      }
      body.push(chunk);
      bodyBytes += chunk.length;
      if (bodyBytes >= readFirst && !socket.isPaused()) socket.pause();
    });
    socket.once('close', () => reject(new Error('closed before the headers')));
  });
}

describe('stalled downloads', () => {
  test('readers that stop reading are cut after the stall timeout, and their files closed', async () => {
    const before = openStoreFiles();
    const connectedBefore = await connections();
    const stalled = await Promise.all(Array.from({ length: 5 }, () => startDownload(undefined, 0)));
    expect(stalled.every((d) => d.head.startsWith('HTTP/1.1 200'))).toBe(true);
    expect(openStoreFiles()).toBe(before + 5);
    // A paused client cannot see the server hang up (its buffers are full); the server's side is what must end.
    expect(await eventually(async () => openStoreFiles() === before && (await connections()) <= connectedBefore, STALL_MS * 6)).toBe(true);
    for (const d of stalled) d.socket.destroy();
    // The server goes on serving.
    expect((await fetch(`${server.url}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  test('a slow reader that keeps reading is not cut', async () => {
    const download = await startDownload(undefined, 0);
    let open = true;
    // Only watched, never awaited: the test reads `open` while it keeps reading.
    void download.closed.then(() => (open = false));
    // Half a MiB at a time, well under the stall timeout apart, for three times the timeout. (Reading
    // less at a time moves nothing on loopback: the sender's kernel wakes it only once half its
    // multi-MiB buffer is free, which is the granularity at which any server can see progress.)
    for (let i = 0; i < 12; i++) {
      await new Promise((r) => setTimeout(r, STALL_MS / 4));
      for (let got = 0; got < 512 * 1024;) {
        const chunk = download.socket.read() as Buffer | null;
        if (!chunk) {
          if (!open) break;
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        got += chunk.length;
      }
    }
    expect(open).toBe(true);
    expect(download.received().length).toBeLessThan(SIZE);
    download.readRest();
    await download.closed;
    expect(createHash('sha256').update(download.received()).digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));
  });

  test('a download cut by the timeout resumes with a Range to the same bytes', async () => {
    const before = openStoreFiles();
    const first = await startDownload(undefined, 1024 * 1024);
    expect(await eventually(async () => openStoreFiles() === before, STALL_MS * 6)).toBe(true);
    // What the kernel still holds for the client arrives, then the end of the cut connection.
    first.readRest();
    await first.closed;
    const part = first.received();
    expect(part.length).toBeGreaterThanOrEqual(1024 * 1024);
    expect(part.length).toBeLessThan(SIZE);
    const rest = await fetch(`${server.url}/api/v1/versions/${versionId}/download`, { headers: { authorization: `Bearer ${token}`, range: `bytes=${part.length}-` } });
    expect(rest.status).toBe(206);
    const whole = Buffer.concat([part, Buffer.from(await rest.arrayBuffer())]);
    expect(createHash('sha256').update(whole).digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));
  });
});
