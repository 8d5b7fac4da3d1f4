import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/feed/config.js';
import { publish } from '../src/publish/publish.js';
import { TokenService } from '../src/server/tokens.js';
import { LocalStore } from '../src/store/local/store.js';
import type { User } from '../src/users/users.js';
import { writeBigFile } from './fixtures.js';
import { floodSection, mixedSection, type FloodRun, type MixedRun } from './mixed-load-report.js';
import { countStatus, type ClientReport, type Credentials, type MixedKind, type Plan, type ProbePlan, type Target } from './mixed-load-plan.js';
import { BENCH, CLI, ROOT, run, startServer, type Started } from './processes.js';
import type { BenchContext, BenchSection } from './run.js';

const WORKERS = 16;
/** Wider than the password-hashing queue's waiting room (32), so a spread-out flood meets its limit too. */
const WIDE_FLOOD = 64;
/** Between a control tester's requests: enough samples for a p99, too few to be load. */
const PROBE_PAUSE_MS = 10;
/** Time for a client process to start, read the asset and warm up, on a busy 2-core machine. */
const PROCESS_START_MS = 800;
/** A flood is under way this long before the control starts measuring, and goes on this long after it stops. */
const FLOOD_LEAD_MS = 500;
const FLOOD_TAIL_MS = 300;
const ASSET_SIZE = 8 * 1024 * 1024;
/** The shares of issue 11's mix: logins (half with a wrong password), apps, ranged downloads, update checks, icons. */
const WEIGHTS: Record<MixedKind, number> = { login: 2.5, 'wrong login': 2.5, apps: 35, 'ranged download': 30, 'update check': 25, icon: 5 };

/** A feed with a multi-MiB release asset, a live-update bundle and icons, made by the real publish pipeline. */
export async function seedFeed(dir: string): Promise<{ store: string; target: Omit<Target, 'url'> }> {
  const configDir = path.join(dir, 'config');
  await mkdir(path.join(configDir, 'icons'), { recursive: true });
  await copyFile(path.join(ROOT, 'demo', 'icons', 'rocket.png'), path.join(configDir, 'icons', 'rocket.png'));
  await copyFile(path.join(ROOT, 'demo', 'icons', 'gadget.png'), path.join(configDir, 'icons', 'gadget.png'));
  await writeFile(
    path.join(configDir, 'updateforge.json'),
    JSON.stringify({
      teams: [{ id: 'bench', name: 'Bench' }],
      apps: [
        { id: 'rocket', team: 'bench', title: 'Rocket', packageName: 'com.bench.rocket', icon: 'icons/rocket.png' },
        { id: 'live', team: 'bench', title: 'Live', packageName: 'com.bench.live', icon: 'icons/gadget.png' },
      ],
    }),
  );
  const config = await loadConfig(path.join(configDir, 'updateforge.json'));
  const storeDir = path.join(dir, 'store');
  const store = await LocalStore.openOrCreate(storeDir);
  const file = path.join(dir, 'rocket-1.0.0.apk');
  await writeBigFile(file, ASSET_SIZE);
  const binary = await publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: file, public: true } });
  await publish({ store, config, request: { app: 'live', buildType: 'release', version: '1.0.0', path: path.join(ROOT, 'demo', 'web'), public: true } });
  return {
    store: storeDir,
    target: {
      download: { versionId: binary.version.id, file, size: ASSET_SIZE },
      iconPath: '/api/files/apps/rocket/rocket.png',
      iconSize: (await stat(path.join(configDir, 'icons', 'rocket.png'))).size,
      updates: { appId: 'com.bench.live', bundleVersion: '1.0.0' },
    },
  };
}

/** The server's resident memory now (VmRSS) and at its highest so far (VmHWM), from /proc (Linux). */
async function memory(pid: number): Promise<{ rssMiB: number; peakMiB: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
  return { rssMiB: field('VmRSS'), peakMiB: field('VmHWM') };
}

/** The highest VmRSS seen while a phase runs; VmHWM alone would include startup. */
function sampleRss(pid: number): { stop(): number } {
  let peak = 0;
  const timer = setInterval(
    () =>
      void memory(pid).then(
        (m) => (peak = Math.max(peak, m.rssMiB)),
        () => undefined,
      ),
    200,
  );
  // A phase that throws never calls stop(): the timer must not keep the bench alive after it.
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

const client = (plan: Plan): Promise<ClientReport> =>
  run(process.execPath, [path.join(BENCH, 'mixed-load-client.js'), JSON.stringify(plan)]).then((out) => JSON.parse(out) as ClientReport);

/**
 * Waits until the hashes a flood left queued on the server are done, so they do not land in
 * the next measurement: a right password waits its turn in the same queue, so once it is
 * answered 200 the backlog ahead of it is gone. A 429 means the queue was still full.
 */
async function drained(url: string, user: Credentials): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 60_000; await sleep(200)) {
    const answer = await fetch(`${url}/api/v1/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) });
    await answer.arrayBuffer();
    if (answer.ok) return;
    if (answer.status !== 429) throw new Error(`draining the login queue: ${user.email} got ${answer.status}`);
  }
  throw new Error('the server still had a full login queue 60 s after a flood');
}

/** Any 5xx anywhere fails the bench; so does anything but the expected answer (or a 429) in the mixed load. */
function check(label: string, report: ClientReport, options: { strict: boolean }): void {
  const serverErrors = countStatus(report.all, (s) => s >= 500);
  const problems = [
    serverErrors > 0 ? `${serverErrors} 5xx` : '',
    options.strict && report.all.transportErrors > 0 ? `${report.all.transportErrors} transport errors` : '',
    options.strict && report.all.unexpected > 0 ? `${report.all.unexpected} unexpected answers` : '',
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`${label}: ${problems.join(', ')}; e.g. ${report.samples.join(' | ')}`);
}

/**
 * Issue 11: a sustained mixed load (logins, apps, ranged downloads, update checks, icons)
 * from a second process, against the same mix one request at a time; and F1's login flood:
 * a control tester's requests idle vs during floods of wrong passwords.
 */
export async function benchMixedLoad(ctx: BenchContext): Promise<BenchSection> {
  const { store, target: seeded } = await seedFeed(path.join(ctx.dir, 'mixed-load'));
  const credentials = (name: string): Credentials => ({ email: `${name}@bench.example`, password: ctx.password });
  const testers = Array.from({ length: WORKERS }, (_, i) => credentials(`tester-${i}`));
  const control = credentials('control');
  const victim = credentials('victim');
  const users: User[] = [...testers, control, victim].map((u) => ({ id: u.email.split('@')[0]!, email: u.email, passwordHash: ctx.passwordHash, teams: ['bench'] }));
  // Issued here with the server's own secret, so no login (and no hash) is spent before the measurements.
  const tokenService = new TokenService(ctx.secret);
  const tokens = await Promise.all(users.map((u) => tokenService.issueTesterToken(u)));
  const controlToken = tokens[testers.length]!;
  // A fresh server per scenario: login throttles and peak memory start from nothing each time.
  const serve = () => startServer([CLI, 'serve', '--store', store, '--port', '0'], { UPDATEFORGE_USERS: JSON.stringify(users), UPDATEFORGE_JWT_SECRET: ctx.secret });

  let mixed: MixedRun;
  let server: Started = await serve();
  try {
    const pid = server.child.pid!;
    const target = { ...seeded, url: server.url };
    const plan = { mode: 'mixed', target, users: testers, tokens: tokens.slice(0, testers.length), weights: WEIGHTS } as const;
    const before = await memory(pid);
    // Half as long: one worker's latencies settle sooner, and the bench stays within a minute.
    const baselineSeconds = Math.max(3, ctx.seconds / 2);
    const baseline = await client({ ...plan, seconds: baselineSeconds, workers: 1 });
    check('mixed load, one worker', baseline, { strict: true });
    const sampler = sampleRss(pid);
    const loaded = await client({ ...plan, seconds: ctx.seconds, workers: WORKERS });
    const peakMiB = sampler.stop();
    await sleep(1000);
    const after = await memory(pid);
    check(`mixed load, ${WORKERS} workers`, loaded, { strict: true });
    mixed = {
      workers: WORKERS,
      seconds: ctx.seconds,
      baselineSeconds,
      weights: WEIGHTS,
      assetMiB: ASSET_SIZE / 2 ** 20,
      baseline,
      loaded,
      rss: { beforeMiB: before.rssMiB, peakMiB, hwmMiB: after.peakMiB, afterMiB: after.rssMiB },
    };
  } finally {
    await server.stop();
  }

  const floodSeconds = Math.max(3, Math.round(ctx.seconds * 0.3));
  const floods: FloodRun[] = [];
  let idle: ClientReport;
  server = await serve();
  try {
    const pid = server.child.pid!;
    const probe = (startAt: number): ProbePlan => ({
      mode: 'probe',
      target: { ...seeded, url: server.url },
      startAt,
      seconds: floodSeconds,
      pauseMs: PROBE_PAUSE_MS,
      address: '127.0.9.1',
      user: control,
      token: controlToken,
      victim,
    });
    idle = await client(probe(Date.now() + PROCESS_START_MS));
    check('control probe, idle', idle, { strict: true });
    // The one-account flood goes last: the lock-out it earns that account would otherwise spill into the next.
    const variants = [
      { label: `${WORKERS} at a time, a new email each time, one address`, workers: WORKERS, email: null, address: '127.0.21.1' },
      { label: `${WIDE_FLOOD} at a time, a new email and address each time`, workers: WIDE_FLOOD, email: null, address: null },
      { label: `${WORKERS} at a time at one account, one address`, workers: WORKERS, email: victim.email, address: '127.0.20.1' },
    ];
    for (const variant of variants) {
      const sampler = sampleRss(pid);
      // The probe warms up before the flood starts and measures only once it is under way; the flood outlasts it.
      const floodAt = Date.now() + PROCESS_START_MS;
      const flood = client({
        mode: 'flood',
        url: server.url,
        startAt: floodAt,
        seconds: floodSeconds + (FLOOD_LEAD_MS + FLOOD_TAIL_MS) / 1000,
        workers: variant.workers,
        email: variant.email,
        address: variant.address,
      });
      const during = await client(probe(floodAt + FLOOD_LEAD_MS));
      const attempts = await flood;
      floods.push({ label: variant.label, flood: attempts, control: during, peakMiB: sampler.stop() });
      check(`flood (${variant.label})`, attempts, { strict: false });
      check(`control probe during flood (${variant.label})`, during, { strict: false });
      await drained(server.url, control);
    }
  } finally {
    await server.stop();
  }

  return {
    title: 'Sustained mixed load and login flood',
    body: [
      mixedSection(mixed),
      '',
      floodSection({ seconds: floodSeconds, floodSeconds: floodSeconds + (FLOOD_LEAD_MS + FLOOD_TAIL_MS) / 1000, pauseMs: PROBE_PAUSE_MS, idle, floods }),
    ].join('\n'),
  };
}
