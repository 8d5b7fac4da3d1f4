import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeLargeFeed } from './fixtures.js';
import { BENCH, CLI, load, startServer, type LoadResult } from './processes.js';
import type { BenchContext, BenchSection } from './run.js';

/**
 * `POST /api/v1/updates` (the Capgo plugin's check) against a bare node:http server
 * answering the same bytes. Every request is a different device (autocannon's id
 * replacement), so the per-device rate limiter does its full work too.
 */
export async function benchUpdates(ctx: BenchContext): Promise<BenchSection> {
  const store = path.join(ctx.dir, 'updates-store');
  await writeLargeFeed(store, { apps: 20, versions: 50, kind: 'bundle' });
  const server = await startServer([CLI, 'serve', '--store', store, '--port', '0'], { UPDATEFORGE_USERS: '[]', UPDATEFORGE_JWT_SECRET: ctx.secret });
  const target = `${server.url}/api/v1/updates`;
  const body = (versionName: string) =>
    JSON.stringify({
      app_id: 'com.bench.app7',
      device_id: '[<id>]',
      version_name: versionName,
      version_build: '1.0.0',
      plugin_version: '8.51.14',
      platform: 'android',
      is_emulator: false,
      is_prod: true,
    });
  const cases = [
    ['up to date (the common poll)', body('1.48.0')],
    ['gets an update (signed download link)', body('builtin')],
  ] as const;
  const rows: string[] = [];
  const ratios: string[] = [];
  try {
    for (const [label, json] of cases) {
      const sample = await fetch(target, { method: 'POST', body: json.replace('[<id>]', 'sample-device') });
      const answer = Buffer.from(await sample.arrayBuffer());
      const answerFile = path.join(ctx.dir, 'updates-answer.json');
      await writeFile(answerFile, answer);
      const bare = await startServer([path.join(BENCH, 'bare-server.js'), answerFile]);
      let baseline: LoadResult;
      try {
        baseline = await load(bare.url, { connections: 32, seconds: ctx.seconds, method: 'POST', body: json, uniqueIds: true });
      } finally {
        await bare.stop();
      }
      const ours = await load(target, { connections: 32, seconds: ctx.seconds, method: 'POST', body: json, uniqueIds: true, headers: { 'content-type': 'application/json' } });
      if (ours.non2xx > 0) throw new Error(`/api/v1/updates answered ${ours.non2xx} non-2xx responses under load`);
      rows.push(`| ${label}: bare node:http (baseline) | ${Math.round(baseline.requestsPerSecond)} | ${baseline.p99Ms} ms |`);
      rows.push(`| ${label}: UpdateForge | ${Math.round(ours.requestsPerSecond)} | ${ours.p99Ms} ms |`);
      ratios.push(`${label}: ${((ours.requestsPerSecond / baseline.requestsPerSecond) * 100).toFixed(0)}%`);
    }
  } finally {
    await server.stop();
  }
  return {
    title: '`POST /api/v1/updates` throughput',
    body: [
      `A feed of 20 apps × 3 build types × 50 live-update bundles; a plugin-8 request body, a new device id at every request.`,
      `Load: autocannon in a second process, 32 connections, ${ctx.seconds} s after a 2 s warm-up.`,
      '',
      '| server | requests/s | p99 latency |',
      '| --- | ---: | ---: |',
      ...rows,
      '',
      `**Ratio to the bare server's requests/s: ${ratios.join('; ')}.**`,
    ].join('\n'),
  };
}
