import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../src/feed/config.js';
import { publish } from '../src/publish/publish.js';
import { GitHubStore } from '../src/store/github-store.js';
import { silentLogger } from '../src/util/logger.js';
import { seedReleases } from '../test/fake-github/seed.js';
import { onFakeGitHub } from './fake-github.js';
import type { BenchContext, BenchSection } from './run.js';

/** GitHub API requests of one publish into a feed that already has 1, 100 and 1,000 releases (counted on the fake GitHub). */
export async function benchGitHubRequests(ctx: BenchContext): Promise<BenchSection> {
  const configPath = path.join(ctx.dir, 'gh-updateforge.json');
  await writeFile(configPath, JSON.stringify({ teams: [{ id: 't', name: 'T' }], apps: [{ id: 'rocket', team: 't', title: 'Rocket', packageName: 'com.acme.rocket' }] }));
  const config = await loadConfig(configPath);
  const build = path.join(ctx.dir, 'gh-build.apk');
  await writeFile(build, 'new build');
  const rows: string[] = [];
  await onFakeGitHub(async (fake) => {
    for (const existing of [1, 100, 1000]) {
      const repo = `acme/feed-${existing}`;
      seedReleases(fake.addRepo(repo), { app: 'rocket', count: existing });
      const store = () => GitHubStore.create({ token: 'ghs_write_token', repo, branch: 'updateforge', apiUrl: fake.url, log: silentLogger, pacingMs: 0 });
      const request = { app: 'rocket', buildType: 'release', version: '9.0.0', path: build };
      const runs: { total: number; lists: number; ms: number }[] = [];
      for (let i = 0; i < 2; i++) {
        const since = fake.requests.length;
        const started = Date.now();
        await publish({ store: store(), config, request });
        const counted = fake.countRequests(since);
        runs.push({ total: counted.total, lists: counted.byOperation['repos/list-releases'] ?? 0, ms: Date.now() - started });
      }
      const [first, again] = runs as [(typeof runs)[0], (typeof runs)[0]];
      rows.push(`| ${existing} | ${first.total} (${first.lists} pages of releases) | ${again.total} (${again.lists} pages) | ${first.ms} ms |`);
    }
  });
  return {
    title: 'GitHub API requests per publish',
    body: [
      'One new version (a file) published into a feed repository that already holds N releases, counted on the OpenAPI-checked fake GitHub;',
      'then the same publish again (a no-op). The first publish into a repository also creates the feed branch (4 requests).',
      '',
      '| existing releases | requests, first publish | requests, same publish again | time on the fake |',
      '| ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      '**Releases are read 100 per page, twice per publish (find the version, rebuild the manifest); nothing is requested per release.**',
    ].join('\n'),
  };
}
