import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../src/feed/config.js';
import { publish } from '../src/publish/publish.js';
import { LocalStore } from '../src/store/local/store.js';
import { writeBigFile } from './fixtures.js';
import { CLI, peakRssMiB, startServer } from './processes.js';
import type { BenchContext, BenchSection } from './run.js';
import { client, median, memoryVerdict, MiB, rate } from './transfer.js';

/** Streaming a large asset through the server vs reading it straight from disk, and the server's peak memory. */
export async function benchDownload(ctx: BenchContext): Promise<BenchSection> {
  const configPath = path.join(ctx.dir, 'updateforge.json');
  await writeFile(configPath, JSON.stringify({ teams: [{ id: 'bench', name: 'Bench' }], apps: [{ id: 'big', team: 'bench', title: 'Big', packageName: 'com.bench.big' }] }));
  const config = await loadConfig(configPath);
  const storeDir = path.join(ctx.dir, 'download-store');
  const store = await LocalStore.openOrCreate(storeDir);
  const users = JSON.stringify([{ id: 'bench', email: 'bench@example.com', passwordHash: ctx.passwordHash, teams: ['bench'] }]);

  const rows: string[] = [];
  let ratio = 0;
  const peaks: { sizeMiB: number; rssMiB: number }[] = [];
  for (const size of ctx.downloadSizes) {
    const file = path.join(ctx.dir, `big-${size}.apk`);
    await writeBigFile(file, size);
    const { version } = await publish({ store, config, request: { app: 'big', buildType: 'release', version: `1.0.${size}`, path: file } });
    const asset = path.join(storeDir, 'assets', version.file!.assetId);

    await client(['file', asset]); // warm the page cache, so both sides read from memory
    const disk = await median(() => client(['file', asset]));
    const server = await startServer([CLI, 'serve', '--store', storeDir, '--port', '0'], { UPDATEFORGE_USERS: users, UPDATEFORGE_JWT_SECRET: ctx.secret });
    try {
      const auth = await fetch(`${server.url}/api/v1/auth`, { method: 'POST', body: JSON.stringify({ email: 'bench@example.com', password: ctx.password }) });
      const { token } = (await auth.json()) as { token: string };
      const url = `${server.url}/api/v1/versions/${version.id}/download`;
      const one = await median(() => client(['http', url, token]));
      if (one.bytes !== size) throw new Error(`downloaded ${one.bytes} bytes of ${size}`);
      const rssOne = await peakRssMiB(server.child.pid!);
      const started = process.hrtime.bigint();
      await Promise.all([1, 2, 3, 4].map(() => client(['http', url, token])));
      const fourSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const rssFour = await peakRssMiB(server.child.pid!);
      const fourRate = (4 * size) / MiB / fourSeconds;
      ratio = rate(one) / rate(disk);
      peaks.push({ sizeMiB: size / MiB, rssMiB: rssFour });
      rows.push(
        `| ${size / MiB} MiB | ${rate(disk).toFixed(0)} MiB/s | ${rate(one).toFixed(0)} MiB/s | ${(ratio * 100).toFixed(0)}% | ${fourRate.toFixed(0)} MiB/s | ${rssOne.toFixed(0)} MiB | ${rssFour.toFixed(0)} MiB |`,
      );
    } finally {
      await server.stop();
    }
  }
  return {
    title: 'Downloads through the server',
    body: [
      'The tester download route (`GET /api/v1/versions/{id}/download`, Bearer token) on `updateforge serve`, read by a client in a second process,',
      'against the same client reading the asset file straight from disk (page cache warm for both; median of 3 runs each).',
      "Peak RSS is the server process's `VmHWM`, startup included (about 70 MiB of it is the idle server).",
      '',
      '| asset | disk read (baseline) | through the server | ratio | 4 downloads at once, total | server peak RSS, 1 download | server peak RSS, after 4 at once |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      `**Ratio at the largest size: ${(ratio * 100).toFixed(0)}% of the disk read's throughput. ${memoryVerdict(peaks)}**`,
    ].join('\n'),
  };
}
