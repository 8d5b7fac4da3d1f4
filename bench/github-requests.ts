import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig, type LoadedConfig } from '../src/feed/config.js';
import { publish } from '../src/publish/publish.js';
import { GitHubStore } from '../src/store/github/store.js';
import { errorMessage } from '../src/util/error-message.js';
import { silentLogger } from '../src/util/logger.js';
import { seedFeed } from '../test/fake-github/seed.js';
import type { FakeGitHub } from '../test/fake-github/server.js';
import { onFakeGitHub } from './fake-github.js';
import type { BenchContext, BenchSection } from './run.js';

/** The feed sizes, in releases; the smallest is the baseline the others are compared with. */
const SIZES = [10, 1_000, 10_000, 100_000];
/** A publish still running after this long is reported as such rather than waited for. */
const PATIENCE_MS = 120_000;
const WRITE_TOKEN = 'ghs_write_token';

interface Attempt {
  readonly requests: number;
  readonly counted: number;
  readonly byOperation: Record<string, number>;
  readonly ms: number;
  /** Why the publish did not succeed, or null when it did. */
  readonly failure: string | null;
}

/**
 * GitHub API requests of one publish of a new version into a feed that already holds 10 to 100,000
 * releases (seeded straight into the fake: the releases, their tags and the manifest listing them),
 * then of the same publish again (a re-run that finds it done). Counted on the OpenAPI-checked fake
 * GitHub, which refuses a listing past 1,000 results as GitHub does.
 */
export async function benchGitHubRequests(ctx: BenchContext): Promise<BenchSection> {
  const configPath = path.join(ctx.dir, 'gh-updateforge.json');
  await writeFile(configPath, JSON.stringify({ teams: [{ id: 't', name: 'T' }], apps: [{ id: 'rocket', team: 't', title: 'Rocket', packageName: 'com.acme.rocket' }] }));
  const config = await loadConfig(configPath);
  const build = path.join(ctx.dir, 'gh-build.apk');
  await writeFile(build, 'new build');
  const measured: { releases: number; manifestBytes: number; first: Attempt; again: Attempt }[] = [];
  for (const releases of SIZES) {
    // A fake per size: a publish still running past PATIENCE_MS is cut off when its fake stops.
    await onFakeGitHub(async (fake) => {
      const repo = `acme/feed-${releases}`;
      fake.rateLimit.setLimit(WRITE_TOKEN, Number.MAX_SAFE_INTEGER);
      const manifestBytes = seedFeed(fake.addRepo(repo), { app: 'rocket', count: releases, config: config.config });
      const first = await attempt(fake, config, repo, build);
      const again = first.failure ? first : await attempt(fake, config, repo, build);
      measured.push({ releases, manifestBytes, first, again });
      process.stderr.write(
        `  ${releases} releases: ${first.requests} requests in ${first.ms.toFixed(0)} ms${first.failure ? ` (${first.failure})` : ''}, again ${again.requests}\n`,
      );
    }).catch((error: unknown) => {
      // The fake saw a request GitHub would refuse: that is the measured result for this size.
      if (!measured.some((m) => m.releases === releases)) throw error;
      const last = measured.at(-1)!;
      measured[measured.length - 1] = { ...last, first: { ...last.first, failure: last.first.failure ?? errorMessage(error) } };
    });
  }
  return { title: 'GitHub API requests per publish', body: report(measured) };
}

async function attempt(fake: FakeGitHub, config: LoadedConfig, repo: string, build: string): Promise<Attempt> {
  const store = GitHubStore.create({ token: WRITE_TOKEN, repo, branch: 'updateforge', apiUrl: fake.url, log: silentLogger, pacingMs: 0 });
  const since = fake.requests.length;
  const spent = fake.rateLimit.consumed(WRITE_TOKEN);
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const failure = await Promise.race([
    publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '9.0.0', path: build } }).then(
      () => null,
      (error: unknown) => errorMessage(error),
    ),
    new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`still running after ${PATIENCE_MS / 1000} s`), PATIENCE_MS))),
  ]).finally(() => clearTimeout(timer));
  const counted = fake.countRequests(since);
  return { requests: counted.total, counted: fake.rateLimit.consumed(WRITE_TOKEN) - spent, byOperation: counted.byOperation, ms: performance.now() - started, failure };
}

/** A message on one line, cut at a word boundary. */
function brief(message: string, max: number): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, line.lastIndexOf(' ', max))} …`;
}

function report(measured: readonly { releases: number; manifestBytes: number; first: Attempt; again: Attempt }[]): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`);
  const base = measured[0];
  const cell = (a: Attempt) => (a.failure ? `fails after ${a.requests} requests: ${brief(a.failure, 200).replace(/\|/g, '\\|')}` : n(a.requests));
  const ratio = (a: Attempt, b: Attempt | undefined) => (a.failure || !b || b.failure ? '–' : `×${(a.requests / Math.max(1, b.requests)).toFixed(2)}`);
  const rows = measured.map(
    (m) =>
      `| ${n(m.releases)} | ${size(m.manifestBytes)} | ${cell(m.first)} | ${m === base ? 'baseline' : ratio(m.first, base?.first)} | ${m.first.failure ? '–' : cell(m.again)} | ${m === base || m.first.failure ? (m === base ? 'baseline' : '–') : ratio(m.again, base?.again)} | ${(m.first.ms / 1000).toFixed(1)} s | ${m.first.failure ? '–' : `${(m.again.ms / 1000).toFixed(1)} s`} |`,
  );
  const operations = measured.map((m) => {
    const ops = (a: Attempt) =>
      Object.entries(a.byOperation)
        .sort(([, x], [, y]) => y - x)
        .map(([op, c]) => `${op.replace(/^(repos|git)\//, '')} ${c}`)
        .join(', ');
    return `- ${n(m.releases)} releases: ${ops(m.first) || 'none'}${m.first.failure ? '' : `; again: ${ops(m.again) || 'none'}`}.`;
  });
  const largest = measured.at(-1);
  const verdict =
    !largest || !base
      ? ''
      : largest.first.failure
        ? `At ${n(largest.releases)} releases the publish fails after ${n(largest.first.requests)} requests (${brief(largest.first.failure, 200)}).`
        : `At ${n(largest.releases)} releases a publish made ${n(largest.first.requests)} requests, ${ratio(largest.first, base.first)} the ${n(base.releases)}-release baseline (must not grow with the number of releases); the re-run ${n(largest.again.requests)}, ${ratio(largest.again, base.again)}.`;
  return [
    'One new version (a file) published into a feed repository that already holds N releases — seeded straight into the fake GitHub as N earlier publishes would have left it:',
    'the releases, their tags and the manifest listing them — then the same publish again (a re-run that finds it done). Counted on the OpenAPI-checked fake, which, like GitHub, refuses to list past the first 1,000 releases.',
    "The smallest feed is the baseline; the time is mostly the fake's (it checks every request and answer against GitHub's OpenAPI description), and what a publish does with the manifest.",
    '',
    '| existing releases | manifest | requests, publish | ÷ baseline | requests, same publish again | ÷ baseline | time, publish | time, again |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    'Requests by operation:',
    '',
    ...operations,
    '',
    `**${verdict}**`,
  ].join('\n');
}
