// npm run bench: measures UpdateForge against baselines measured in the same run and
// writes docs/BENCHMARKS.md. Every load comes from a second process.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { hashPassword } from '../src/users/password.js';
import { benchApps } from './api.js';
import { benchColdStart } from './cold-start.js';
import { benchDelta } from './delta.js';
import { benchDownload } from './download.js';
import { benchGitHubDownload } from './github-download.js';
import { benchGitHubRequests } from './github-requests.js';
import { benchMixedLoad } from './mixed-load.js';
import { benchPackaging } from './packaging.js';
import { benchRouteCosts } from './route-costs.js';
import { benchScaleModel } from './scale-model.js';
import { benchUpdates } from './updates.js';
import { ROOT } from './processes.js';

export interface BenchContext {
  readonly dir: string;
  readonly seconds: number;
  readonly downloadSizes: readonly number[];
  readonly webBuildMiB: number;
  readonly password: string;
  readonly passwordHash: string;
  readonly secret: string;
}

export interface BenchSection {
  readonly title: string;
  readonly body: string;
}

const quick = process.argv.includes('--quick');
/** `--only=benchUpdates` or `--only=benchApps,benchUpdates`: run those benchmarks (and leave docs/BENCHMARKS.md alone). */
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const dir = await mkdtemp(path.join(tmpdir(), 'updateforge-bench-'));
const password = 'bench-password';
const ctx: BenchContext = {
  dir,
  seconds: quick ? 3 : 10,
  downloadSizes: quick ? [64 * 1024 * 1024] : [256 * 1024 * 1024, 1024 * 1024 * 1024],
  webBuildMiB: quick ? 20 : 200,
  password,
  passwordHash: await hashPassword(password),
  secret: 'bench-secret-that-is-long-enough-for-the-server',
};

const sections: BenchSection[] = [];
try {
  for (const bench of [
    benchApps,
    benchUpdates,
    benchRouteCosts,
    benchDownload,
    benchPackaging,
    benchDelta,
    benchGitHubRequests,
    benchGitHubDownload,
    benchMixedLoad,
    benchScaleModel,
    benchColdStart,
  ].filter((b) => !only || only.includes(b.name))) {
    process.stderr.write(`running ${bench.name} ...\n`);
    const section = await bench(ctx);
    process.stderr.write(`${section.body}\n\n`);
    sections.push(section);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const doc = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (do not edit by hand). Every figure is measured against a baseline measured in the same run on the same machine,',
  "so the ratios are what to compare across machines; the absolute numbers are only this machine's.",
  '',
  `Last run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM.`,
  '',
  ...sections.flatMap((s) => [`## ${s.title}`, '', s.body, '']),
  // A record of a past measurement, labelled as such: the before of issue 16's after.
  '## Before issue 16',
  '',
  await readFile(path.join(ROOT, 'bench', 'before-issue-16.md'), 'utf8'),
].join('\n');
if (!quick && !only) await writeFile(path.join(ROOT, 'docs', 'BENCHMARKS.md'), doc);
process.stdout.write(doc);
