// The load side of the mixed-load bench, in its own process: runs one plan (mixed load,
// control probe or login flood) for a bounded time and prints a ClientReport as JSON.
// node:http rather than fetch: it can pick each connection's source address.
import { randomInt, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  quantile,
  type ClientReport,
  type Credentials,
  type FloodPlan,
  type KindStats,
  type MixedKind,
  type MixedPlan,
  type Plan,
  type ProbePlan,
  type Target,
} from './mixed-load-plan.js';

const TIMEOUT_MS = 30_000;

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * A tester's connection. Loopback answers on all of 127.0.0.0/8, so each tester gets
 * its own source address and the server's per-address limits see separate clients.
 * Null address: a fresh connection from a fresh random address per request.
 */
class Client {
  private readonly agent: Agent | false;

  constructor(
    private readonly base: string,
    private readonly address: string | null,
  ) {
    this.agent = address === null ? false : new Agent({ keepAlive: true, maxSockets: 1 });
  }

  send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
    const localAddress = this.address ?? randomAddress();
    return new Promise((resolve, reject) => {
      const req = request(`${this.base}${path}`, { method, headers, agent: this.agent, localAddress, timeout: TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}

// 127.100.0.0 and up: never one of the fixed addresses the plans name (127.0.x.y).
const randomAddress = () => `127.${randomInt(100, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;

interface Entry {
  latencies: number[];
  statuses: Record<string, number>;
  transportErrors: number;
  unexpected: number;
  stale: number;
  retryAfter: number;
  bytes: number;
}

/** One kind's entry, or several added up. */
function stats(entries: readonly Entry[]): KindStats {
  const sorted = entries.flatMap((e) => e.latencies).sort((a, b) => a - b);
  const sum = (key: 'transportErrors' | 'unexpected' | 'stale' | 'retryAfter' | 'bytes') => entries.reduce((n, e) => n + e[key], 0);
  const statuses: Record<string, number> = {};
  for (const e of entries) for (const [status, n] of Object.entries(e.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  return {
    requests: sorted.length + sum('transportErrors'),
    statuses,
    transportErrors: sum('transportErrors'),
    unexpected: sum('unexpected'),
    stale: sum('stale'),
    retryAfter: sum('retryAfter'),
    bytes: sum('bytes'),
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? NaN,
  };
}

class Recorder {
  private readonly kinds = new Map<string, Entry>();
  readonly samples: string[] = [];
  private startedAt = performance.now();

  /** The measured window starts here, after any logging in. */
  start(): void {
    this.startedAt = performance.now();
  }

  private entry(kind: string) {
    let entry = this.kinds.get(kind);
    if (!entry) this.kinds.set(kind, (entry = { latencies: [], statuses: {}, transportErrors: 0, unexpected: 0, stale: 0, retryAfter: 0, bytes: 0 }));
    return entry;
  }

  /** Times one request; `expected` says whether a non-429 answer is the right one. */
  async time(kind: string, send: () => Promise<Reply>, expected: (reply: Reply) => boolean): Promise<Reply | null> {
    const entry = this.entry(kind);
    const started = performance.now();
    let reply: Reply;
    try {
      reply = await send();
    } catch (error) {
      entry.transportErrors++;
      this.sample(`${kind}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
    entry.latencies.push(performance.now() - started);
    entry.statuses[reply.status] = (entry.statuses[reply.status] ?? 0) + 1;
    entry.bytes += reply.body.length;
    if (reply.headers['x-updateforge-stale']) entry.stale++;
    if (reply.status === 429 && reply.headers['retry-after']) entry.retryAfter++;
    if (reply.status !== 429 && !expected(reply)) {
      entry.unexpected++;
      this.sample(`${kind}: ${reply.status} ${reply.body.subarray(0, 200).toString()}`);
    }
    return reply;
  }

  private sample(text: string): void {
    if (this.samples.length < 5) this.samples.push(text);
  }

  report(): ClientReport {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const entries = [...this.kinds];
    const kinds = Object.fromEntries(entries.map(([kind, entry]) => [kind, stats([entry])]));
    return {
      seconds,
      kinds,
      all: stats(entries.map(([, entry]) => entry)),
      withoutLogins: stats(entries.filter(([kind]) => !kind.includes('login')).map(([, entry]) => entry)),
      samples: this.samples,
    };
  }
}

const json = (reply: Reply): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(reply.body.toString());
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

/** The requests a tester or device makes, each timed and checked. */
class Tester {
  token = '';

  constructor(
    readonly client: Client,
    private readonly target: Target,
    private readonly asset: Buffer,
    private readonly recorder: Recorder,
  ) {}

  async login(kind: string, credentials: Credentials, client = this.client): Promise<void> {
    const wrong = kind === 'wrong login';
    const reply = await this.recorder.time(
      kind,
      () => client.send('POST', '/api/v1/auth', { 'content-type': 'application/json' }, JSON.stringify(credentials)),
      (r) => (wrong ? r.status === 401 : r.status === 200 && typeof json(r)?.['token'] === 'string'),
    );
    const token = reply?.status === 200 ? json(reply)?.['token'] : undefined;
    if (!wrong && typeof token === 'string') this.token = token;
  }

  async apps(): Promise<void> {
    await this.recorder.time(
      'apps',
      () => this.client.send('GET', '/api/v1/apps', { authorization: `Bearer ${this.token}` }),
      (r) => r.status === 200 && Array.isArray(json(r)?.['teams']),
    );
  }

  /** A random slice of up to 256 KiB, as a resuming or seeking client asks for. */
  async rangedDownload(): Promise<void> {
    const { versionId, size } = this.target.download;
    const start = randomInt(0, size);
    const end = Math.min(size - 1, start + randomInt(1024, 256 * 1024));
    await this.recorder.time(
      'ranged download',
      () => this.client.send('GET', `/api/v1/versions/${encodeURIComponent(versionId)}/download`, { authorization: `Bearer ${this.token}`, range: `bytes=${start}-${end}` }),
      (r) => r.status === 206 && r.headers['content-range'] === `bytes ${start}-${end}/${size}` && r.body.equals(this.asset.subarray(start, end + 1)),
    );
  }

  /** A new device every time, so the per-device poll limit is never what is measured; half are offered the bundle. */
  async updateCheck(): Promise<void> {
    const offered = randomInt(2) === 0;
    const body = {
      app_id: this.target.updates.appId,
      device_id: randomUUID(),
      version_name: offered ? 'builtin' : this.target.updates.bundleVersion,
      version_build: '1.0.0',
      plugin_version: '8.51.14',
      platform: 'android',
      is_emulator: false,
      is_prod: true,
    };
    await this.recorder.time(
      'update check',
      () => this.client.send('POST', '/api/v1/updates', { 'content-type': 'application/json' }, JSON.stringify(body)),
      (r) =>
        r.status === 200 && (offered ? json(r)?.['version'] === this.target.updates.bundleVersion && typeof json(r)?.['url'] === 'string' : json(r)?.['kind'] === 'up_to_date'),
    );
  }

  async icon(): Promise<void> {
    await this.recorder.time(
      'icon',
      () => this.client.send('GET', this.target.iconPath),
      (r) => r.status === 200 && r.body.length === this.target.iconSize,
    );
  }
}

async function runMixed(plan: MixedPlan, asset: Buffer, recorder: Recorder): Promise<void> {
  const kinds = Object.entries(plan.weights) as [MixedKind, number][];
  const total = kinds.reduce((sum, [, w]) => sum + w, 0);
  const pick = (): MixedKind => {
    let r = Math.random() * total;
    for (const [kind, w] of kinds) if ((r -= w) < 0) return kind;
    return kinds[0]![0];
  };
  // Wrong passwords come from many people, not from this tester: a fresh email and address each
  // time, so the per-email and per-address throttles never decide what the mix measures.
  const strangers = new Client(plan.target.url, null);
  const testers = Array.from({ length: plan.workers }, (_, i) => {
    const tester = new Tester(new Client(plan.target.url, `127.0.1.${i + 1}`), plan.target, asset, recorder);
    tester.token = plan.tokens[i % plan.tokens.length]!;
    return { user: plan.users[i % plan.users.length]!, tester };
  });
  recorder.start();
  const deadline = performance.now() + plan.seconds * 1000;
  await Promise.all(
    testers.map(async ({ user, tester }) => {
      while (performance.now() < deadline) {
        const kind = pick();
        if (kind === 'login') await tester.login('login', user);
        else if (kind === 'wrong login') await tester.login('wrong login', { email: `${randomUUID()}@typo.example`, password: 'not-the-password' }, strangers);
        else if (kind === 'apps') await tester.apps();
        else if (kind === 'ranged download') await tester.rangedDownload();
        else if (kind === 'update check') await tester.updateCheck();
        else await tester.icon();
      }
    }),
  );
}

async function runProbe(plan: ProbePlan, asset: Buffer, recorder: Recorder): Promise<void> {
  // One loop per kind, each on its own connection: a slow login must not hold up the download probe.
  const loops: Array<{ warm: boolean; step: (t: Tester) => Promise<void> }> = [
    { warm: true, step: (t) => t.rangedDownload() },
    { warm: true, step: (t) => t.apps() },
    { warm: true, step: (t) => t.icon() },
    { warm: false, step: (t) => t.login('login', plan.user) },
    { warm: false, step: (t) => t.login('victim login', plan.victim) },
  ];
  const testers = loops.map(() => {
    const t = new Tester(new Client(plan.target.url, plan.address), plan.target, asset, recorder);
    t.token = plan.token;
    return t;
  });
  // Connecting and the process's first requests are not what the probe measures; a login would be (and may be refused).
  await Promise.all(
    loops.map(async ({ warm, step }, i) => {
      const scratch = new Tester(testers[i]!.client, plan.target, asset, new Recorder());
      scratch.token = plan.token;
      if (warm) await step(scratch);
    }),
  );
  await sleep(plan.startAt - Date.now());
  recorder.start();
  const deadline = performance.now() + plan.seconds * 1000 - Math.max(0, Date.now() - plan.startAt);
  await Promise.all(
    loops.map(async ({ step }, i) => {
      while (performance.now() < deadline) {
        await step(testers[i]!);
        await sleep(plan.pauseMs);
      }
    }),
  );
}

async function runFlood(plan: FloodPlan, recorder: Recorder): Promise<void> {
  await sleep(plan.startAt - Date.now());
  recorder.start();
  const deadline = performance.now() + plan.seconds * 1000 - Math.max(0, Date.now() - plan.startAt);
  const workers = Promise.all(
    Array.from({ length: plan.workers }, async () => {
      const client = new Client(plan.url, plan.address);
      while (performance.now() < deadline) {
        const email = plan.email ?? `${randomUUID()}@spray.example`;
        await recorder.time(
          'flood',
          () => client.send('POST', '/api/v1/auth', { 'content-type': 'application/json' }, JSON.stringify({ email, password: randomUUID() })),
          (r) => r.status === 401,
        );
      }
    }),
  );
  // A flood ends on time: attempts still waiting for a hash are dropped (the process exits), not waited for.
  await Promise.race([workers, sleep(deadline - performance.now())]);
}

const plan = JSON.parse(process.argv[2] ?? '') as Plan;
const recorder = new Recorder();
if (plan.mode === 'flood') await runFlood(plan, recorder);
else {
  const asset = await readFile(plan.target.download.file);
  await (plan.mode === 'mixed' ? runMixed(plan, asset, recorder) : runProbe(plan, asset, recorder));
}
// Exit at once: a flood leaves requests in flight, and their sockets would keep the process alive.
process.stdout.write(`${JSON.stringify(recorder.report())}\n`, () => process.exit(0));
