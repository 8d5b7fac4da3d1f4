import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../src/feed/config.js';
import { publish } from '../src/publish/publish.js';
import { GitHubStore } from '../src/store/github/store.js';
import { silentLogger } from '../src/util/logger.js';
import { onFakeGitHub } from './fake-github.js';
import { writeBigFile } from './fixtures.js';
import { CLI, peakRssMiB, startServer } from './processes.js';
import type { BenchContext, BenchSection } from './run.js';
import { client, median, memoryVerdict, MiB, rate } from './transfer.js';

/**
 * A private repository's asset proxied by `serve --github` (as the Vercel function does) vs the
 * same client fetching GitHub's signed URL itself, which is what `UPDATEFORGE_DOWNLOADS=redirect`
 * leaves a device to do. GitHub is the fake, in this process.
 */
export async function benchGitHubDownload(ctx: BenchContext): Promise<BenchSection> {
  const configPath = path.join(ctx.dir, 'gh-download.json');
  await writeFile(configPath, JSON.stringify({ teams: [{ id: 'bench', name: 'Bench' }], apps: [{ id: 'big', team: 'bench', title: 'Big', packageName: 'com.bench.big' }] }));
  const config = await loadConfig(configPath);
  const repoName = 'acme/private-feed';
  const rows: string[] = [];
  let ratio = 0;
  const peaks: { sizeMiB: number; rssMiB: number }[] = [];
  await onFakeGitHub(async (fake) => {
    const repo = fake.addRepo(repoName, { private: true });
    const store = GitHubStore.create({ token: 'ghs_write_token', repo: repoName, branch: 'updateforge', apiUrl: fake.url, log: silentLogger, pacingMs: 0 });
    const env = {
      UPDATEFORGE_GITHUB_TOKEN: 'ghs_read_token',
      UPDATEFORGE_GITHUB_API_URL: fake.url,
      UPDATEFORGE_USERS: JSON.stringify([{ id: 'bench', email: 'bench@example.com', passwordHash: ctx.passwordHash, teams: ['bench'] }]),
      UPDATEFORGE_JWT_SECRET: ctx.secret,
    };
    for (const size of ctx.downloadSizes) {
      const file = path.join(ctx.dir, `gh-big-${size}.apk`);
      await writeBigFile(file, size);
      const { version } = await publish({ store, config, request: { app: 'big', buildType: 'release', version: `1.0.${size}`, path: file } });
      const signed = () => client(['http', fake.signedAssetUrl(repo, Number(version.file!.assetId))]);
      const direct = await median(signed);
      if (direct.bytes !== size) throw new Error(`the signed URL gave ${direct.bytes} bytes of ${size}`);
      const server = await startServer([CLI, 'serve', '--github', repoName, '--port', '0'], env);
      try {
        const auth = await fetch(`${server.url}/api/v1/auth`, { method: 'POST', body: JSON.stringify({ email: 'bench@example.com', password: ctx.password }) });
        const { token } = (await auth.json()) as { token: string };
        const proxied = await median(() => client(['http', `${server.url}/api/v1/versions/${version.id}/download`, token]));
        if (proxied.bytes !== size) throw new Error(`downloaded ${proxied.bytes} bytes of ${size}`);
        const rss = await peakRssMiB(server.child.pid!);
        ratio = rate(proxied) / rate(direct);
        peaks.push({ sizeMiB: size / MiB, rssMiB: rss });
        rows.push(`| ${size / MiB} MiB | ${rate(direct).toFixed(0)} MiB/s | ${rate(proxied).toFixed(0)} MiB/s | ${(ratio * 100).toFixed(0)}% | ${rss.toFixed(0)} MiB |`);
      } finally {
        await server.stop();
      }
    }
  });
  return {
    title: 'Downloads proxied from a private GitHub repository',
    body: [
      'The tester download route on `updateforge serve --github` (the code a Vercel function runs), which asks GitHub for the asset,',
      'follows its redirect to the signed URL without our token and streams the bytes on, against the same client fetching the signed URL itself',
      '(what a device does under `UPDATEFORGE_DOWNLOADS=redirect`). GitHub is the OpenAPI-checked fake, serving from memory in the bench process;',
      'client and server are two more processes (median of 3 runs each), so the proxied run keeps three processes busy on this 2-core machine where the direct one keeps two.',
      '',
      '| asset | signed URL directly (baseline) | through the server | ratio | server peak RSS |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      `**Ratio at the largest size: ${(ratio * 100).toFixed(0)}% of the direct download's throughput. ${memoryVerdict(peaks)}**`,
    ].join('\n'),
  };
}
