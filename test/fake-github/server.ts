import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { handlers, type Reply, type Route } from './handlers.js';
import { createRepo, type FakeRepo } from './model.js';
import { openApiChecker, type OpenApiChecker } from './openapi-check.js';

/** A fault to inject: the next `times` requests to `operationId` get it instead of the real answer. */
export interface Fault {
  readonly operationId: string;
  readonly times?: number;
  /** Answer with this status (and body/headers), e.g. 502, or 403 for a secondary rate limit. */
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Uploads only: keep this many bytes, leave the asset half-made (state "open") and cut the connection. */
  readonly abortUploadAfter?: number;
  /** Answer only once this settles: a GitHub that accepts the request and then says nothing. */
  readonly holdUntil?: Promise<unknown>;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly operationId: string | null;
  readonly status: number;
}

/**
 * Statuses any GitHub endpoint may give whatever its description lists: caching, auth,
 * validation ("Validation failed, or the endpoint has been spammed"), limits, outages.
 * When an operation documents one of them, its schema is checked as for any other.
 */
const GENERIC_STATUSES = new Set([304, 401, 403, 422, 429, 500, 502, 503]);

/**
 * An in-memory GitHub on a loopback port: releases, assets (with the redirect to a signed
 * download URL), git refs and commits, the contents API with sha compare-and-swap,
 * ETags, pagination and rate-limit headers. Every request and response is checked
 * against GitHub's OpenAPI description; `violations` lists what did not match.
 */
export class FakeGitHub {
  readonly repos = new Map<string, FakeRepo>();
  readonly tokens = new Map<string, 'write' | 'read'>([['ghs_write_token', 'write'], ['ghs_read_token', 'read']]);
  readonly requests: LoggedRequest[] = [];
  readonly violations: string[] = [];
  readonly faults: (Fault & { left: number })[] = [];
  /** Downloads (signed URLs, or asset bytes served directly) whose client went away before the last byte. */
  abortedDownloads = 0;
  /** Answer asset downloads with the bytes (200) instead of a redirect to a signed URL. */
  assetsServedDirectly = false;
  /** Send this many bytes of a download, then nothing more, keeping the connection open: a stalled CDN. */
  stallDownloadsAfter: number | null = null;
  private rateRemaining = 5000;
  private server: Server | null = null;
  private readonly signingKey = createHash('sha256').update(String(Math.random())).digest();
  url = '';

  private constructor(private readonly openapi: OpenApiChecker) {}

  static async start(): Promise<FakeGitHub> {
    const fake = new FakeGitHub(await openApiChecker());
    fake.server = createServer((req, res) => {
      fake.handle(req, res).catch((error: unknown) => {
        fake.violations.push(`fake crashed on ${req.method} ${req.url}: ${error instanceof Error ? error.stack : String(error)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  addRepo(fullName: string, options: Parameters<typeof createRepo>[2] = {}): FakeRepo {
    const [owner, name] = fullName.split('/') as [string, string];
    const repo = createRepo(owner, name, options);
    this.repos.set(fullName.toLowerCase(), repo);
    return repo;
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** API requests answered since `since` (an index into `requests`), by operation. */
  countRequests(since = 0): { total: number; byOperation: Record<string, number> } {
    const byOperation: Record<string, number> = {};
    for (const r of this.requests.slice(since)) byOperation[r.operationId ?? r.path] = (byOperation[r.operationId ?? r.path] ?? 0) + 1;
    return { total: this.requests.length - since, byOperation };
  }

  /** A short-lived signed URL for an asset's bytes, as GitHub's redirect gives (objects.githubusercontent.com). */
  signedAssetUrl(repo: FakeRepo, assetId: number): string {
    const expires = Date.now() + 5 * 60_000;
    const payload = `${repo.owner}/${repo.name}/${assetId}/${expires}`;
    const signature = createHmac('sha256', this.signingKey).update(payload).digest('hex');
    return `${this.url}/_signed/${payload}?sig=${signature}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (url.pathname.startsWith('/_signed/')) return this.serveSigned(req, res, url);

    // GitHub takes the contents path with its slashes; the description has it as one parameter.
    const contents = /^(\/repos\/[^/]+\/[^/]+\/contents\/)(.+)$/.exec(url.pathname);
    const routedPath = contents ? `${contents[1]}${encodeURIComponent(decodeURIComponent(contents[2] ?? ''))}` : url.pathname;
    const matched = this.openapi.match(req.method ?? 'GET', routedPath);
    const operationId = matched?.operation.operationId ?? null;
    const log = (status: number) => this.requests.push({ method: req.method ?? 'GET', path: url.pathname, operationId, status });

    const fault = operationId ? this.faults.find((f) => f.operationId === operationId && f.left > 0) : undefined;
    if (fault) fault.left--;
    await fault?.holdUntil?.catch(() => {});
    if (req.destroyed) {
      log(0);
      return;
    }
    const isUpload = operationId === 'repos/upload-release-asset';
    const raw = await readBody(req, isUpload && fault?.abortUploadAfter !== undefined ? fault.abortUploadAfter : undefined);
    if (!matched) {
      this.violations.push(`no GitHub endpoint ${req.method} ${url.pathname}`);
      return this.send(res, { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } }, null, log);
    }

    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    let body: unknown = raw;
    if (!isUpload && raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        this.violations.push(`${operationId}: request body is not JSON`);
        return this.send(res, { status: 400, body: { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest' } }, null, log);
      }
    } else if (!isUpload) body = undefined;
    const query = Object.fromEntries(url.searchParams);
    const problems = this.openapi.checkRequest(matched.operation, { method: req.method ?? 'GET', path: routedPath, query, headers, body: isUpload ? '' : body });
    if (problems.length > 0) {
      this.violations.push(`request ${operationId}: ${problems.join('; ')}`);
      return this.send(res, { status: 422, body: { message: 'Invalid request.', documentation_url: 'https://docs.github.com/rest' } }, null, log);
    }

    const route: Route = { fake: this, params: matched.params, query, headers, body, raw, method: req.method ?? 'GET' };
    let reply: Reply;
    const access = this.authorize(route);
    if (access) reply = access;
    else if (fault?.abortUploadAfter !== undefined && isUpload) {
      handlers['repos/upload-release-asset']!({ ...route, raw, unfinished: true });
      log(0);
      req.socket.destroy();
      return;
    } else if (fault?.status !== undefined) {
      reply = { status: fault.status, body: fault.body ?? { message: 'Server Error', documentation_url: 'https://docs.github.com/rest' }, headers: fault.headers ?? {} };
    } else {
      const handler = handlers[operationId ?? ''];
      if (!handler) {
        this.violations.push(`the fake does not implement ${operationId}`);
        reply = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
      } else reply = handler(route);
    }
    this.send(res, reply, matched.operation, log, headers['if-none-match']);
  }

  /** Private repos are invisible without a token; writes need a write token. */
  private authorize(route: Route): Reply | null {
    const repo = this.repos.get(`${route.params['owner']}/${route.params['repo']}`.toLowerCase());
    const token = /^(?:token|bearer) (.+)$/i.exec(route.headers['authorization'] ?? '')?.[1];
    const access = token ? this.tokens.get(token) : undefined;
    if (token && !access) return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } };
    if (!repo || (repo.private && !access)) return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } };
    if (route.method !== 'GET' && access !== 'write') {
      return { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' } };
    }
    route.repo = repo;
    return null;
  }

  private send(res: ServerResponse, reply: Reply, operation: Parameters<OpenApiChecker['checkResponse']>[0] | null, log: (status: number) => void, ifNoneMatch?: string): void {
    const json = reply.body === undefined ? '' : JSON.stringify(reply.body);
    const etag = reply.status === 200 && json ? `"${createHash('sha1').update(json).digest('hex')}"` : undefined;
    // A conditional request whose ETag still matches: GitHub answers 304 and does not count it against the rate limit.
    const notModified = etag !== undefined && ifNoneMatch === etag;
    if (!notModified) this.rateRemaining = Math.max(0, this.rateRemaining - 1);
    const status = notModified ? 304 : reply.status;
    if (operation && !reply.bytes) {
      if (GENERIC_STATUSES.has(status) && !operation.responses?.[String(status)]) {
        if (status !== 304 && typeof (reply.body as { message?: unknown } | undefined)?.message !== 'string') this.violations.push(`response ${operation.operationId} ${status}: an error without a message`);
      } else {
        const problems = this.openapi.checkResponse(operation, status, reply.body ?? null);
        if (problems.length > 0) this.violations.push(`response ${operation.operationId} ${status}: ${problems.join('; ')}`);
      }
    }
    const headers: Record<string, string> = {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(this.rateRemaining),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-used': String(5000 - this.rateRemaining),
      'x-ratelimit-resource': 'core',
      'x-github-request-id': createHash('sha1').update(String(Math.random())).digest('hex').slice(0, 16).toUpperCase(),
      ...(etag ? { etag } : {}),
      ...(json && !notModified ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      ...reply.headers,
    };
    log(status);
    if (reply.bytes) {
      this.watchForAbort(res);
      return void streamBytes(res.writeHead(status, headers), reply.bytes, this.stallDownloadsAfter);
    }
    res.writeHead(status, headers).end(notModified ? undefined : json || undefined);
  }

  private watchForAbort(res: ServerResponse): void {
    res.on('close', () => {
      if (!res.writableFinished) this.abortedDownloads++;
    });
  }

  /** The signed download URL: no Authorization allowed (S3 refuses a second credential), Range honoured. */
  private serveSigned(req: IncomingMessage, res: ServerResponse, url: URL): void {
    this.watchForAbort(res);
    const [, , owner, name, id, expires] = url.pathname.split('/');
    const payload = `${owner}/${name}/${id}/${expires}`;
    const expected = createHmac('sha256', this.signingKey).update(payload).digest('hex');
    const asset = this.repos.get(`${owner}/${name}`.toLowerCase())?.assets.get(Number(id));
    if (req.headers.authorization) return void res.writeHead(400, { 'content-type': 'application/xml' }).end('<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>');
    if (url.searchParams.get('sig') !== expected || Number(expires) < Date.now() || !asset) return void res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code></Error>');
    const size = asset.bytes.length;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
      const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start >= size || start > end) return void res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      res.writeHead(206, { 'content-type': 'application/octet-stream', 'content-length': String(end - start + 1), 'content-range': `bytes ${start}-${end}/${size}`, 'accept-ranges': 'bytes' });
      return streamBytes(res, asset.bytes.subarray(start, end + 1), this.stallDownloadsAfter);
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size), 'accept-ranges': 'bytes' });
    streamBytes(res, asset.bytes, this.stallDownloadsAfter);
  }
}

/**
 * Sends in chunks, as a real CDN does, so a reader who hangs up stops the transfer (and is seen to).
 * With `stallAfter`, sends that many bytes and then nothing until the reader hangs up.
 */
function streamBytes(res: ServerResponse, bytes: Buffer, stallAfter: number | null = null): void {
  const sent = stallAfter === null ? bytes : bytes.subarray(0, stallAfter);
  const chunks = async function* () {
    for (let at = 0; at < sent.length; at += 64 * 1024) yield sent.subarray(at, at + 64 * 1024);
    if (stallAfter !== null) await new Promise((resolve) => res.once('close', resolve));
  };
  pipeline(Readable.from(chunks()), res).catch(() => undefined);
}

/** Reads a request body; with `keep`, stops after that many bytes (an upload cut short). */
function readBody(req: IncomingMessage, keep?: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (keep !== undefined && size >= keep) {
        req.pause();
        resolve(Buffer.concat(chunks).subarray(0, keep));
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
