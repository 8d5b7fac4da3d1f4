import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deviceBody, writeLargeFeed } from './fixtures.js';
import { profileLines } from './cpu-profile.js';
import { BENCH, CLI, startServer } from './processes.js';
import { compareInTurns, profiledLoad, ratioWithSpread } from './route-load.js';
import type { BenchContext, BenchSection } from './run.js';

/**
 * `POST /api/v1/updates` (the Capgo plugin's check) against a bare node:http server
 * answering the same bytes. Every request is a different device (autocannon's id
 * replacement), so the per-device rate limiter does its full work too.
 */
export async function benchUpdates(ctx: BenchContext): Promise<BenchSection> {
  const store = path.join(ctx.dir, 'updates-store');
  await writeLargeFeed(store, { apps: 20, versions: 50, kind: 'bundle' });
  const serveArgs = [CLI, 'serve', '--store', store, '--port', '0'];
  const env = { UPDATEFORGE_USERS: '[]', UPDATEFORGE_JWT_SECRET: ctx.secret };
  const server = await startServer(serveArgs, env);
  const target = `${server.url}/api/v1/updates`;
  const body = (versionName: string) => deviceBody('com.bench.app7', versionName);
  const cases = [
    ['up to date (the common poll)', body('1.48.0')],
    ['gets an update (signed download link)', body('builtin')],
  ] as const;
  const rows: string[] = [];
  const ratios: string[] = [];
  const profiles: string[] = [];
  try {
    for (const [label, json] of cases) {
      const sample = await fetch(target, { method: 'POST', body: json.replace('[<id>]', 'sample-device') });
      const answer = Buffer.from(await sample.arrayBuffer());
      const answerFile = path.join(ctx.dir, 'updates-answer.json');
      await writeFile(answerFile, answer);
      const bare = await startServer([path.join(BENCH, 'bare-server.js'), answerFile]);
      const options = { connections: 32, seconds: ctx.seconds * 1.5, method: 'POST', body: json, uniqueIds: true, headers: { 'content-type': 'application/json' } };
      let compared;
      try {
        compared = await compareInTurns({ server: bare, url: bare.url, options }, { server, url: target, options });
      } finally {
        await bare.stop();
      }
      const { baseline, ours } = compared;
      if (ours.non2xx > 0) throw new Error(`/api/v1/updates answered ${ours.non2xx} non-2xx responses under load`);
      rows.push(`| ${label}: bare node:http (baseline) | ${Math.round(baseline.requestsPerSecond)} | ${baseline.p99Ms} ms | ${Math.round(baseline.cpuMicrosPerRequest)} µs |`);
      rows.push(`| ${label}: UpdateForge | ${Math.round(ours.requestsPerSecond)} | ${ours.p99Ms} ms | ${Math.round(ours.cpuMicrosPerRequest)} µs |`);
      ratios.push(`${label}: ${ratioWithSpread(compared)}`);
      const profile = await profiledLoad(ctx.dir, serveArgs, env, (url) => `${url}/api/v1/updates`, { ...options, seconds: Math.min(ctx.seconds, 5) });
      profiles.push(...profileLines(label, profile), '');
    }
  } finally {
    await server.stop();
  }
  return {
    title: '`POST /api/v1/updates` throughput',
    body: [
      `A feed of 20 apps × 3 build types × 50 live-update bundles; a plugin-8 request body, a new device id at every request.`,
      `Load: autocannon in a second process, 32 connections, after a 2 s warm-up; the bare server and ours in turns, 3 rounds of ${Math.max(2, Math.round((ctx.seconds * 1.5) / 3))} s each, the median round of each side shown.`,
      "CPU per request is the server process's user + system time over the round divided by the requests it answered.",
      '',
      '| server | requests/s | p99 latency | CPU per request |',
      '| --- | ---: | ---: | ---: |',
      ...rows,
      '',
      `**Ratio to the bare server's requests/s (medians, and each round's): ${ratios.join('; ')}.**`,
      '',
      'Where the time goes: each case again on a server run under `node --cpu-prof` (a run of its own, so the sampler costs the figures above nothing). Self time: the frame itself, not what it calls; `writev` is the system call that sends each answer.',
      '',
      ...profiles,
    ].join('\n'),
  };
}
