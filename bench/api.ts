import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeLargeFeed } from './fixtures.js';
import { profileLines } from './cpu-profile.js';
import { BENCH, CLI, startServer } from './processes.js';
import { compareInTurns, profiledLoad, ratioWithSpread } from './route-load.js';
import type { BenchContext, BenchSection } from './run.js';

const APPS = 20;
const VERSIONS = 50;

/** `/api/v1/apps` against a bare node:http server returning the same bytes. */
export async function benchApps(ctx: BenchContext): Promise<BenchSection> {
  const store = path.join(ctx.dir, 'apps-store');
  await writeLargeFeed(store, { apps: APPS, versions: VERSIONS });
  const users = JSON.stringify([{ id: 'bench', email: 'bench@example.com', passwordHash: ctx.passwordHash, teams: ['bench'] }]);
  const serveArgs = [CLI, 'serve', '--store', store, '--port', '0'];
  const env = { UPDATEFORGE_USERS: users, UPDATEFORGE_JWT_SECRET: ctx.secret };
  const server = await startServer(serveArgs, env);
  try {
    const auth = await fetch(`${server.url}/api/v1/auth`, { method: 'POST', body: JSON.stringify({ email: 'bench@example.com', password: ctx.password }) });
    const { token } = (await auth.json()) as { token: string };
    const target = `${server.url}/api/v1/apps`;
    const body = Buffer.from(await (await fetch(target, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer());
    const bodyFile = path.join(ctx.dir, 'apps-body.json');
    await writeFile(bodyFile, body);

    const bare = await startServer([path.join(BENCH, 'bare-server.js'), bodyFile]);
    const options = { connections: 32, seconds: ctx.seconds * 1.5, headers: { authorization: `Bearer ${token}` } };
    let compared;
    try {
      compared = await compareInTurns({ server: bare, url: bare.url, options: { connections: 32, seconds: options.seconds } }, { server, url: target, options });
    } finally {
      await bare.stop();
    }
    const { baseline, ours } = compared;
    if (ours.non2xx > 0) throw new Error(`/api/v1/apps answered ${ours.non2xx} non-2xx responses under load`);
    const profile = await profiledLoad(ctx.dir, serveArgs, env, (url) => `${url}/api/v1/apps`, { ...options, seconds: Math.min(ctx.seconds, 5) });

    const rows = [
      ['bare node:http, same bytes (baseline)', baseline],
      ['UpdateForge `/api/v1/apps`', ours],
    ] as const;
    return {
      title: '`GET /api/v1/apps` throughput',
      body: [
        `${APPS} apps × 3 build types × ${VERSIONS} versions (${APPS * 3 * VERSIONS} version records), one authenticated user; the response is ${(body.length / 1024).toFixed(1)} KiB.`,
        `Load: autocannon in a second process, 32 connections, after a 2 s warm-up; the bare server and ours in turns, 3 rounds of ${Math.max(2, Math.round((ctx.seconds * 1.5) / 3))} s each, the median round of each side shown.`,
        "CPU per request is the server process's user + system time over the round divided by the requests it answered.",
        '',
        '| server | requests/s | p99 latency | CPU per request |',
        '| --- | ---: | ---: | ---: |',
        ...rows.map(([name, r]) => `| ${name} | ${Math.round(r.requestsPerSecond)} | ${r.p99Ms} ms | ${Math.round(r.cpuMicrosPerRequest)} µs |`),
        '',
        `**Ratio: ${ratioWithSpread(compared)} of the bare server's requests/s; p99 ${(ours.p99Ms / Math.max(baseline.p99Ms, 1)).toFixed(1)}× the baseline's.**`,
        '',
        'Where the time goes: the same load on a server run under `node --cpu-prof` (a run of its own).',
        '',
        ...profileLines('`/api/v1/apps`', profile),
      ].join('\n'),
    };
  } finally {
    await server.stop();
  }
}
