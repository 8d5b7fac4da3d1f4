import path from 'node:path';
import { TokenService } from '../src/server/tokens.js';
import type { User } from '../src/users/users.js';
import { deviceBody } from './fixtures.js';
import { seedFeed } from './mixed-load.js';
import { BENCH, CLI, cpuSeconds, run, startServer } from './processes.js';
import { measuredLoad, type LoadOptions } from './route-load.js';
import type { BenchContext, BenchSection } from './run.js';

const USERS = 16;

interface RouteLoad {
  readonly label: string;
  readonly path: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Its share of the realistic mix, in requests per 100. */
  readonly share: number;
}

/**
 * Issue 16: what each route costs the server in CPU time (what a Vercel deployment is billed
 * for), and what one `updateforge serve` process sustains for a realistic mix of them.
 */
export async function benchRouteCosts(ctx: BenchContext): Promise<BenchSection> {
  const { store, target } = await seedFeed(path.join(ctx.dir, 'route-costs'));
  const credentials = Array.from({ length: USERS }, (_, i) => ({ email: `tester-${i}@bench.example`, password: ctx.password }));
  const users: User[] = credentials.map((c, i) => ({ id: `tester-${i}`, email: c.email, passwordHash: ctx.passwordHash, teams: ['bench'] }));
  const token = await new TokenService(ctx.secret).issueTesterToken(users[0]!);
  const server = await startServer([CLI, 'serve', '--store', store, '--port', '0'], { UPDATEFORGE_USERS: JSON.stringify(users), UPDATEFORGE_JWT_SECRET: ctx.secret });
  try {
    const pid = server.child.pid!;
    const device = (versionName: string) => deviceBody(target.updates.appId, versionName);
    const offer = (await (await fetch(`${server.url}/api/v1/updates`, { method: 'POST', body: device('builtin').replace('[<id>]', 'sample') })).json()) as { url: string };
    const bundleLink = new URL(offer.url);
    const tester = { authorization: `Bearer ${token}` };
    const json = { 'content-type': 'application/json' };
    const routes: RouteLoad[] = [
      { label: '`POST /api/v1/updates`, up to date', path: '/api/v1/updates', method: 'POST', headers: json, body: device(target.updates.bundleVersion), share: 60 },
      { label: '`POST /api/v1/updates`, gets an update', path: '/api/v1/updates', method: 'POST', headers: json, body: device('builtin'), share: 5 },
      {
        label: '`POST /api/v1/stats`, one event',
        path: '/api/v1/stats',
        method: 'POST',
        headers: json,
        body: device(target.updates.bundleVersion).replace(/}$/, ',"action":"set","old_version_name":"builtin"}'),
        share: 15,
      },
      {
        label: "`PUT /api/v1/channel_self` (the device's channel)",
        path: '/api/v1/channel_self',
        method: 'PUT',
        headers: json,
        body: device(target.updates.bundleVersion),
        share: 2,
      },
      { label: '`GET /api/v1/apps`', path: '/api/v1/apps', headers: tester, share: 8 },
      { label: '`GET /api/v1/apps/{app}/versions`', path: '/api/v1/apps/rocket/versions', headers: tester, share: 4 },
      { label: 'an icon', path: target.iconPath, headers: tester, share: 3 },
      { label: 'a 256 KiB range of an 8 MiB download', path: `/api/v1/versions/${target.download.versionId}/download`, headers: { ...tester, range: 'bytes=0-262143' }, share: 2 },
      { label: 'a bundle download by its signed link (the demo bundle)', path: `${bundleLink.pathname}${bundleLink.search}`, share: 1 },
    ];
    const seconds = Math.max(3, Math.round(ctx.seconds / 3));
    const rows: string[] = [];
    let mixMicros = 0;
    for (const route of routes) {
      const options: LoadOptions = {
        connections: 16,
        seconds,
        ...(route.method ? { method: route.method } : {}),
        ...(route.headers ? { headers: route.headers } : {}),
        ...(route.body ? { body: route.body, uniqueIds: true } : {}),
      };
      const result = await measuredLoad(server, `${server.url}${route.path}`, options);
      if (result.non2xx > 0) throw new Error(`${route.label}: ${result.non2xx} answers that were not 2xx`);
      mixMicros += (route.share / 100) * result.cpuMicrosPerRequest;
      rows.push(`| ${route.label} | ${route.share} | ${Math.round(result.requestsPerSecond)} | ${result.p99Ms} ms | ${Math.round(result.cpuMicrosPerRequest)} µs |`);
    }

    // Logins are a password hash each (scrypt, on libuv's threads): a few, each its own tester, so no throttle is met.
    const before = await cpuSeconds(pid);
    const started = process.hrtime.bigint();
    for (const c of credentials) {
      const answer = await fetch(`${server.url}/api/v1/auth`, { method: 'POST', headers: json, body: JSON.stringify(c) });
      if (!answer.ok) throw new Error(`login: ${answer.status}`);
      await answer.arrayBuffer();
    }
    const loginMs = Number(process.hrtime.bigint() - started) / 1e6 / credentials.length;
    const loginMicros = (((await cpuSeconds(pid)) - before) * 1e6) / credentials.length;

    const requests = routes.flatMap((r) =>
      Array.from({ length: r.share }, () => ({ method: r.method ?? 'GET', path: r.path, ...(r.headers ? { headers: r.headers } : {}), ...(r.body ? { body: r.body } : {}) })),
    );
    // Shuffled once, the same way every run, so no connection sends a run of one kind.
    for (let i = requests.length - 1, seed = 7; i > 0; i--) {
      seed = (seed * 48271) % 2147483647;
      const j = seed % (i + 1);
      [requests[i], requests[j]] = [requests[j]!, requests[i]!];
    }
    const mixBefore = await cpuSeconds(pid);
    const mix = JSON.parse(
      await run(process.execPath, [path.join(BENCH, 'mix-client.js'), JSON.stringify({ url: server.url, connections: 32, seconds: ctx.seconds, requests })]),
    ) as {
      requestsPerSecond: number;
      p99Ms: number;
      non2xx: number;
      errors: number;
      answered: number;
    };
    const mixCpu = (((await cpuSeconds(pid)) - mixBefore) * 1e6) / Math.max(mix.answered, 1);
    if (mix.non2xx > 0 || mix.errors > 0) throw new Error(`the mix got ${mix.non2xx} non-2xx answers and ${mix.errors} errors`);

    return {
      title: 'CPU time per request, route by route, and a realistic mix',
      body: [
        `\`updateforge serve\` on the mixed-load feed (an 8 MiB release asset, the demo's live-update bundle, two icons). Each route alone: autocannon in a second process, 16 connections, ${seconds} s after a 2 s warm-up;`,
        "CPU is the server process's user + system time over the run divided by the requests it answered: what a serverless deployment is billed for (a Vercel function adds its own runtime's share).",
        'Update checks and stats come from a new device id at every request.',
        '',
        '| route | share of the mix | requests/s alone | p99 | CPU per request |',
        '| --- | ---: | ---: | ---: | ---: |',
        ...rows,
        `| a login (\`POST /api/v1/auth\`, right password; ${credentials.length} in a row) | – | – | ${loginMs.toFixed(0)} ms each | ${Math.round(loginMicros)} µs (the hash runs on libuv's threads) |`,
        '',
        `The mix: every connection cycles through ${requests.length} requests in the shares above (a fleet's polls and stats with testers browsing), 32 connections, ${ctx.seconds} s.`,
        `Predicted from the rows: ${Math.round(mixMicros)} µs of CPU per request, so ${Math.round(1e6 / mixMicros)} requests/s on one core.`,
        '',
        `**One \`updateforge serve\` process (one core for its JavaScript) sustained ${Math.round(mix.requestsPerSecond)} requests/s of the mix (p99 ${mix.p99Ms} ms, ${Math.round(mixCpu)} µs of CPU per request, 0 errors); the load generator had the other core.**`,
      ].join('\n'),
    };
  } finally {
    await server.stop();
  }
}
