import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { answerGraphQL } from './graphql.js';
import { handlers, type Reply, type Route } from './handlers.js';
import { createRepo, type FakeRepo } from './model.js';
import { openApiChecker, type OpenApiChecker } from './openapi-check.js';
import { RateLimits } from './rate-limit.js';

/** A fault to inject: the next `times` requests to `operationId` get it instead of the real answer. */
export interface Fault {
  readonly operationId: string;
  /** Only requests whose path matches, e.g. /manifest\.json$/ among the contents writes. */
  readonly path?: RegExp;
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
  readonly tokens = new Map<string, 'write' | 'read'>([
    ['ghs_write_token', 'write'],
    ['ghs_read_token', 'read'],
  ]);
  readonly requests: LoggedRequest[] = [];
  readonly violations: string[] = [];
  readonly faults: (Fault & { left: number })[] = [];
  /** Downloads (signed URLs, or asset bytes served directly) whose client went away before the last byte. */
  abortedDownloads = 0;
  /** Answer asset downloads with the bytes (200) instead of a redirect to a signed URL. */
  assetsServedDirectly = false;
  /** Send this many bytes of a download, then nothing more, keeping the connection open: a stalled CDN. */
  stallDownloadsAfter: number | null = null;
  /** GitHub's primary rate limit, per token (rate-limit.ts): budgets, headers, refusals, and what each token spent. */
  readonly rateLimit = new RateLimits();
  /**
   * How long a signed download link lasts. GitHub's Azure links carry their expiry in `se`, about
   * 50 minutes out: one handed out at 18:53:10 had `se=…T19:44:55Z` (plengauer/Thoth#3748).
   */
  signedUrlLifetimeMs = 50 * 60_000;
  /**
   * Make the signed host misbehave: `html` answers 200 with an HTML error page in place of the bytes,
   * as GitHub has been seen to (microsoft/git#934, tracing microsoft/homebrew-git#102); `wrong-range`
   * answers a Range with 206 and the whole file instead of the part asked for.
   */
  signedHostFault: 'html' | 'wrong-range' | null = null;
  /** Requests the signed download host answered: downloads, not API calls, so they cost no rate limit. */
  signedDownloads = 0;
  /** Of those, the ones it refused (a link expired, revoked or forged). */
  refusedSignedDownloads = 0;
  /** Bytes of release assets sent, by the signed host or directly: what a reader of the store downloaded (a test's meter, not GitHub's behaviour). */
  assetBytesSent = 0;
  private server: Server | null = null;
  private signingKey = createHash('sha256').update(String(Math.random())).digest();
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

  /** A short-lived signed URL for an asset's bytes, as GitHub's redirect gives (release-assets.githubusercontent.com), good for `signedUrlLifetimeMs`. */
  signedAssetUrl(repo: FakeRepo, assetId: number): string {
    // The query of GitHub's Azure SAS links (release-assets.githubusercontent.com since mid-2025, PyGithub/PyGithub#3315),
    // as captured in plengauer/Thoth#3748: `se` is the expiry, `sig` the signature over the rest.
    const se = new Date(Date.now() + this.signedUrlLifetimeMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const path = `${repo.owner}/${repo.name}/${assetId}`;
    const query = new URLSearchParams({ sp: 'r', sv: '2018-11-09', sr: 'b', spr: 'https', se, rsct: 'application/octet-stream' });
    query.set('sig', this.sign(path, se));
    return `${this.url}/_signed/${path}?${query}`;
  }

  /**
   * Every signed link handed out so far stops working before its `se`. GitHub's links are user delegation
   * SAS (their `skoid`, `ske` fields), and revoking the delegation key revokes every SAS made with it
   * (https://learn.microsoft.com/powershell/module/az.storage/revoke-azstorageaccountuserdelegationkeys).
   */
  revokeSignedUrls(): void {
    this.signingKey = createHash('sha256').update(String(Math.random())).digest();
  }

  private sign(path: string, expiry: string): string {
    return createHmac('sha256', this.signingKey).update(`${path}\n${expiry}`).digest('base64');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (url.pathname.startsWith('/_signed/')) return this.serveSigned(req, res, url);
    if (url.pathname === '/graphql' && req.method === 'POST') return this.serveGraphQL(req, res);

    // GitHub takes the contents path with its slashes; the description has it as one parameter.
    const contents = /^(\/repos\/[^/]+\/[^/]+\/contents\/)(.+)$/.exec(url.pathname);
    const routedPath = contents ? `${contents[1]}${encodeURIComponent(decodeURIComponent(contents[2] ?? ''))}` : url.pathname;
    const matched = this.openapi.match(req.method ?? 'GET', routedPath);
    const operationId = matched?.operation.operationId ?? null;
    const log = (status: number) => this.requests.push({ method: req.method ?? 'GET', path: url.pathname, operationId, status });
    const token = tokenOf(req.headers.authorization);

    const fault = operationId ? this.faults.find((f) => f.operationId === operationId && f.left > 0 && (!f.path || f.path.test(url.pathname))) : undefined;
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
      return this.send(res, { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } }, null, log, { token });
    }

    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    let body: unknown = raw;
    if (!isUpload && raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        this.violations.push(`${operationId}: request body is not JSON`);
        return this.send(res, { status: 400, body: { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest' } }, null, log, { token });
      }
    } else if (!isUpload) body = undefined;
    const query = Object.fromEntries(url.searchParams);
    const problems = this.openapi.checkRequest(matched.operation, { method: req.method ?? 'GET', path: routedPath, query, headers, body: isUpload ? '' : body });
    if (problems.length > 0) {
      this.violations.push(`request ${operationId}: ${problems.join('; ')}`);
      return this.send(res, { status: 422, body: { message: 'Invalid request.', documentation_url: 'https://docs.github.com/rest' } }, null, log, { token });
    }

    const route: Route = { fake: this, params: matched.params, query, headers, body, raw, method: req.method ?? 'GET' };
    let reply: Reply;
    const access = this.authorize(route);
    // A bad token is refused before it has a budget; past its budget, a token gets GitHub's refusal whatever it asks.
    const overBudget = access?.status === 401 ? null : this.rateLimit.refusal(token, '127.0.0.1');
    if (overBudget) reply = overBudget;
    else if (access) reply = access;
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
    this.send(res, reply, matched.operation, log, { token, ifNoneMatch: headers['if-none-match'], charge: !overBudget && access?.status !== 401 });
  }

  /** GitHub's GraphQL API: only with a token ("you must authenticate", https://docs.github.com/graphql/guides/forming-calls-with-graphql). */
  private async serveGraphQL(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const log = (status: number) => this.requests.push({ method: 'POST', path: '/graphql', operationId: 'graphql', status });
    const token = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const json = (status: number, body: unknown) => {
      log(status);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-resource': 'graphql' }).end(JSON.stringify(body));
    };
    if (!token || !this.tokens.has(token))
      return json(401, {
        message: 'This endpoint requires you to be authenticated.',
        documentation_url: 'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql',
      });
    let request: unknown;
    try {
      request = JSON.parse(raw.toString('utf8'));
    } catch {
      this.violations.push('graphql: request body is not JSON');
      return json(400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql' });
    }
    // A private repository the token cannot read is simply absent (`repository: null`), as on GitHub.
    const answer = answerGraphQL(this.repos, request);
    if (answer.violation) this.violations.push(answer.violation);
    json(answer.status, answer.body);
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

  private send(
    res: ServerResponse,
    reply: Reply,
    operation: Parameters<OpenApiChecker['checkResponse']>[0] | null,
    log: (status: number) => void,
    options: { token: string | null; ifNoneMatch?: string | undefined; charge?: boolean },
  ): void {
    const json = reply.body === undefined ? '' : JSON.stringify(reply.body);
    // The fake's ETag hashes the answer's JSON, so it changes whenever any field does: a private file's, whose
    // download token is new on every read, never matches again, as users saw (KnpLabs/php-github-api#273).
    // Some answers have a validator of their own (a commit's sha, see `repos/get-commit`).
    const etag = reply.status !== 200 ? undefined : (reply.etag ?? (json ? `"${createHash('sha1').update(json).digest('hex')}"` : undefined));
    const notModified = etag !== undefined && options.ifNoneMatch === etag;
    // A 304 costs nothing, but only when the request was authorised (rate-limit.ts).
    if (options.charge !== false && !(notModified && options.token !== null)) this.rateLimit.charge(options.token);
    const status = notModified ? 304 : reply.status;
    if (operation && !reply.bytes) this.checkResponse(operation, status, reply);
    const headers: Record<string, string> = {
      ...this.rateLimit.headers(options.token),
      'x-github-request-id': createHash('sha1').update(String(Math.random())).digest('hex').slice(0, 16).toUpperCase(),
      ...(etag ? { etag } : {}),
      ...(notModified ? {} : reply.text ? { 'content-type': reply.text.contentType } : json ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      ...reply.headers,
    };
    log(status);
    if (reply.bytes) {
      this.watchForAbort(res);
      this.assetBytesSent += reply.bytes.length;
      return void streamBytes(res.writeHead(status, headers), reply.bytes, this.stallDownloadsAfter);
    }
    res.writeHead(status, headers).end(notModified ? undefined : (reply.text?.body ?? (json || undefined)));
  }

  /** Holds an answer to GitHub's description: its JSON to the schema, another media type to the ones the operation lists. */
  private checkResponse(operation: Parameters<OpenApiChecker['checkResponse']>[0], status: number, reply: Reply): void {
    const documented = operation.responses?.[String(status)] as { content?: Record<string, unknown> } | undefined;
    if (reply.text && status !== 304) {
      const media = reply.text.contentType.split(';')[0]?.trim() ?? '';
      if (!documented?.content?.[media]) this.violations.push(`response ${operation.operationId} ${status}: ${media} is not a media type it documents`);
    } else if (GENERIC_STATUSES.has(status) && !documented) {
      if (status !== 304 && typeof (reply.body as { message?: unknown } | undefined)?.message !== 'string')
        this.violations.push(`response ${operation.operationId} ${status}: an error without a message`);
    } else {
      const problems = this.openapi.checkResponse(operation, status, reply.body ?? null);
      if (problems.length > 0) this.violations.push(`response ${operation.operationId} ${status}: ${problems.join('; ')}`);
    }
  }

  private watchForAbort(res: ServerResponse): void {
    res.on('close', () => {
      if (!res.writableFinished) this.abortedDownloads++;
    });
  }

  /** The signed download URL: no Authorization allowed (S3 refuses a second credential), Range honoured. */
  private serveSigned(req: IncomingMessage, res: ServerResponse, url: URL): void {
    this.watchForAbort(res);
    this.signedDownloads++;
    const [, , owner, name, id] = url.pathname.split('/');
    const expiry = url.searchParams.get('se') ?? '';
    const asset = this.repos.get(`${owner}/${name}`.toLowerCase())?.assets.get(Number(id));
    if (req.headers.authorization)
      return void res.writeHead(400, { 'content-type': 'application/xml' }).end('<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>');
    // Azure's refusal of a SAS past its `se` (microsoft/AzureStorageExplorer#3219) or with a bad signature.
    const refuse = (detail: string): void => {
      this.refusedSignedDownloads++;
      res
        .writeHead(403, { 'content-type': 'application/xml', 'x-ms-error-code': 'AuthenticationFailed' })
        .end(
          `<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.</Message><AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail></Error>`,
        );
    };
    if (url.searchParams.get('sig') !== this.sign(`${owner}/${name}/${id}`, expiry) || !asset) return refuse('Signature did not match.');
    if (!(Date.parse(expiry) > Date.now()))
      return refuse(`Signature not valid in the specified time frame: Expiry [${new Date(expiry).toUTCString()}] - Current [${new Date().toUTCString()}]`);
    if (this.signedHostFault === 'html') {
      const page = '<!DOCTYPE html><html><head><title>Unicorn! · GitHub</title></head><body>No server is currently available to service your request.</body></html>';
      return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(page)) }).end(page);
    }
    const size = asset.bytes.length;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
      const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start >= size || start > end) return void res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      // Azure honours Range with 206 (https://learn.microsoft.com/rest/api/storageservices/specifying-the-range-header-for-blob-service-operations).
      const [from, to] = this.signedHostFault === 'wrong-range' ? [0, size - 1] : [start, end];
      res.writeHead(206, {
        'content-type': 'application/octet-stream',
        'content-length': String(to - from + 1),
        'content-range': `bytes ${from}-${to}/${size}`,
        'accept-ranges': 'bytes',
      });
      this.assetBytesSent += to - from + 1;
      return streamBytes(res, asset.bytes.subarray(from, to + 1), this.stallDownloadsAfter);
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size), 'accept-ranges': 'bytes' });
    this.assetBytesSent += size;
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

/** The token a request carries in its Authorization header, or null when it has none. */
function tokenOf(authorization: string | undefined): string | null {
  return /^(?:token|bearer) (.+)$/i.exec(authorization ?? '')?.[1] ?? null;
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
