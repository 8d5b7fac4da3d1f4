import { spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/feed/config.js';
import { TokenService } from '../src/server/tokens.js';
import { seedFeed } from '../test/fake-github/seed.js';
import { onFakeGitHub } from './fake-github.js';
import { ROOT } from './processes.js';
import type { BenchContext, BenchSection } from './run.js';

/** A load hook (it runs on the loader thread) that writes the URL of every module it loads to a file. */
const HOOK = `import { appendFileSync } from 'node:fs';
let out;
export function initialize(data) { out = data.out; }
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(out, url + '\\n');
  return next(url, context);
}
`;

/** Given to \`node --import\`: registers the hook, and at exit adds what require() loaded (CommonJS requiring CommonJS skips the hook). */
const REGISTER = `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
const out = process.env.COLD_START_MODULES;
register(new URL('./cold-start-hook.mjs', import.meta.url), { data: { out } });
const require = createRequire(import.meta.url);
process.on('exit', () => appendFileSync(out, Object.keys(require.cache).map((f) => pathToFileURL(f).href + '\\n').join('')));
`;

/** The route files as the local route table finds them (route-table.ts): `_` and `.` names skipped, `.d.js` too. */
async function routeFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
    const relative = `${prefix}${entry.name}`;
    if (entry.isDirectory()) out.push(...(await routeFiles(path.join(dir, entry.name), `${relative}/`)));
    else if (entry.name.endsWith('.js') && !entry.name.endsWith('.d.js')) out.push(relative);
  }
  return out;
}

interface Run {
  readonly ms: number;
  readonly stdout: string;
}

/** One fresh `node` process, from spawn to exit: its wall time in ms and what it printed. */
function runNode(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code === 0) resolve({ ms, stdout });
      else reject(new Error(`node ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
    });
  });
}

/** `node_modules/@octokit/core/...` → `octokit`; `node_modules/zod/...` → `zod`; our own files → null. */
function packageOf(file: string): string | null {
  const at = file.lastIndexOf('/node_modules/');
  if (at < 0) return null;
  const [first, second] = file.slice(at + '/node_modules/'.length).split('/');
  if (first === '@octokit') return 'octokit';
  return first?.startsWith('@') ? `${first}/${second}` : (first ?? null);
}

interface Loaded {
  readonly modules: number;
  /** Modules per package, most first. */
  readonly packages: readonly (readonly [string, number])[];
}

/** The modules one run of `node ...args` loads (ours and the packages'; Node's built-ins left out). */
async function modulesLoaded(dir: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Loaded> {
  const out = path.join(dir, 'cold-start-modules.txt');
  await rm(out, { force: true });
  await runNode(['--import', pathToFileURL(path.join(dir, 'cold-start-register.mjs')).href, ...args], { ...env, COLD_START_MODULES: out });
  const files = new Set(
    (await readFile(out, 'utf8'))
      .split('\n')
      .filter((u) => u.startsWith('file:') && !u.includes('/cold-start-'))
      .map((u) => decodeURIComponent(new URL(u).pathname)),
  );
  const counts = new Map<string, number>();
  for (const file of files) {
    const name = packageOf(file);
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return { modules: files.size, packages: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The middle half of the runs (25th to 75th percentile), as `a–b`. */
function spread(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `${at(0.25).toFixed(0)}–${at(0.75).toFixed(0)}`;
}

/**
 * Run as `node first-request.mjs <route module URL>`: imports the route file, then answers one
 * request with it, the way Vercel calls a function: its first method, `[app]` the feed's app and
 * any other placeholder `x`, a tester's Bearer token, a download link token for version `x` and the
 * app's id in the query, and for a POST one JSON body that is a valid login, update check,
 * statistics event and channel at once. Prints the status.
 */
const FIRST_REQUEST = `const mod = await import(process.argv[2]);
const method = Object.keys(mod.route.handlers)[0];
const path = mod.route.pattern.replace('[app]', process.env.COLD_START_APP).replace(/\\[[^\\]]+\\]/g, 'x');
const init = { method, headers: { authorization: 'Bearer ' + process.env.COLD_START_TOKEN, 'content-type': 'application/json' } };
if (method !== 'GET') init.body = process.env.COLD_START_BODY;
const query = '?app_id=com.acme.rocket&token=' + process.env.COLD_START_LINK_TOKEN;
const response = await mod[method](new Request('https://updates.example.test' + path + query, init));
await response.arrayBuffer();
process.stdout.write('status ' + response.status + '\\n');
// Not waiting for what the instance keeps open (the GitHub client's sockets, the manifest's timers).
process.exit(0);
`;

/** `+12`, `−3`. */
function signed(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${Math.abs(ms).toFixed(0)}`;
}

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

const APP = 'rocket';
const REPO = 'acme/cold-start-feed';
const READ_TOKEN = 'ghs_read_token';

/**
 * Cold start of each Vercel function: a fresh `node` that imports one compiled route file
 * (`build/api/**.js`) and exits, against a bare `node -e ''`, the runs interleaved. Then the
 * same import followed by one request, which loads what the import left for later (the
 * context of `api/_vercel.ts`, the handler, the GitHub client), on a feed on the fake GitHub.
 */
export async function benchColdStart(ctx: BenchContext): Promise<BenchSection> {
  const apiDir = path.join(ROOT, 'build', 'api');
  await writeFile(path.join(ctx.dir, 'cold-start-hook.mjs'), HOOK);
  await writeFile(path.join(ctx.dir, 'cold-start-register.mjs'), REGISTER);
  const firstRequest = path.join(ctx.dir, 'cold-start-first-request.mjs');
  await writeFile(firstRequest, FIRST_REQUEST);
  const configPath = path.join(ctx.dir, 'cold-start-updateforge.json');
  await writeFile(configPath, JSON.stringify({ teams: [{ id: 'bench', name: 'Bench' }], apps: [{ id: APP, team: 'bench', title: 'Rocket', packageName: 'com.acme.rocket' }] }));
  const config = await loadConfig(configPath);
  const repeats = ctx.seconds >= 10 ? 15 : 5;
  const user = { id: 'bench', email: 'bench@example.com', passwordHash: ctx.passwordHash, teams: ['bench'] };
  const routes = await routeFiles(apiDir);
  const importOf = (file: string) => `await import(${JSON.stringify(pathToFileURL(path.join(apiDir, file)).href)});`;

  const tokens = new TokenService(ctx.secret);
  return onFakeGitHub(async (fake) => {
    fake.rateLimit.setLimit(READ_TOKEN, Number.MAX_SAFE_INTEGER);
    seedFeed(fake.addRepo(REPO), { app: APP, count: 3, config: config.config });
    const deployment: NodeJS.ProcessEnv = {
      ...process.env,
      UPDATEFORGE_REPO: REPO,
      UPDATEFORGE_GITHUB_TOKEN: READ_TOKEN,
      UPDATEFORGE_GITHUB_API_URL: fake.url,
      UPDATEFORGE_USERS: JSON.stringify([user]),
      UPDATEFORGE_JWT_SECRET: ctx.secret,
      COLD_START_APP: APP,
      COLD_START_TOKEN: await tokens.issueTesterToken(user),
      COLD_START_LINK_TOKEN: (await tokens.issueDownloadLink('x', 600)).token,
      COLD_START_BODY: JSON.stringify({
        email: user.email,
        password: ctx.password,
        app_id: 'com.acme.rocket',
        device_id: '8d3f0c52-6a4e-4c51-9f0e-2b7d1c0a9e11',
        version_name: '1.0.0',
        version_build: '1.0.0',
        plugin_version: '8.51.14',
        platform: 'android',
        is_emulator: false,
        is_prod: true,
        action: 'set',
        channel: 'production',
      }),
    };
    const baseline: Case = { name: 'baseline', args: ['-e', ''], env: process.env };
    const fetchClasses: Case = { name: 'fetch classes', args: ['-e', 'Response'], env: process.env };
    const cases: Case[] = [
      baseline,
      fetchClasses,
      ...routes.map((file) => ({ name: file, args: ['--input-type=module', '-e', importOf(file)], env: process.env })),
      ...routes.map((file) => ({ name: `${file} first`, args: [firstRequest, pathToFileURL(path.join(apiDir, file)).href], env: deployment })),
    ];

    const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    const status = new Map<string, string>();
    // One untimed run each first: the page cache then holds every file, and the answers are known.
    for (const c of cases) status.set(c.name, /status (\d+)/.exec((await runNode(c.args, c.env)).stdout)?.[1] ?? '');
    for (let round = 0; round < repeats; round++) {
      // Interleaved, and the order turned each round, so a noisy moment falls on every case alike.
      const shift = round % cases.length;
      for (const c of [...cases.slice(shift), ...cases.slice(0, shift)]) times.get(c.name)!.push((await runNode(c.args, c.env)).ms);
    }
    const loaded = new Map<string, Loaded>();
    for (const c of cases.slice(2)) loaded.set(c.name, await modulesLoaded(ctx.dir, c.args, c.env));

    const base = median(times.get(baseline.name)!);
    const over = (name: string) => median(times.get(name)!) - base;
    const packages = (l: Loaded | undefined) => (l && l.packages.length ? l.packages.map(([p, n]) => `${p} ${n}`).join(', ') : 'none');
    const ms = (name: string) => `${median(times.get(name)!).toFixed(0)} ms (${spread(times.get(name)!)})`;
    const rows = routes.map((file) => {
      const first = `${file} first`;
      return [
        `\`api/${file.replace(/\.js$/, '.ts')}\``,
        ms(file),
        `${signed(over(file))} ms`,
        loaded.get(file)?.modules ?? '?',
        packages(loaded.get(file)),
        status.get(first) || '?',
        `${signed(over(first))} ms`,
        loaded.get(first)?.modules ?? '?',
        packages(loaded.get(first)),
      ].join(' | ');
    });
    const importOver = routes.map(over);
    const firstOver = routes.map((f) => over(`${f} first`));
    const range = (values: readonly number[]) => `${signed(Math.min(...values))} to ${signed(Math.max(...values))} ms`;
    return {
      title: 'Cold start of a route function',
      body: [
        `Each Vercel function's cold start: a fresh \`node --input-type=module -e "await import('build/api/…')"\` that imports one compiled route file and exits,`,
        `against a bare \`node -e ''\` (baseline: ${ms(baseline.name)}); ${repeats} runs of each, interleaved, after one untimed run of each (page cache warm).`,
        `For reference, \`node -e 'Response'\` (Node's fetch classes, which a function receiving a Web \`Request\` has loaded anyway): ${ms(fetchClasses.name)}, ${signed(over(fetchClasses.name))} ms.`,
        'Then the same import and one request, answered by the function in the same process before it exits (what the import left for later loads then: the context, the handler, the GitHub client):',
        "its first method, a tester's Bearer token and a download link's token, a valid login / update check / statistics event as the body, on a feed of 3 versions on the fake GitHub",
        "(in the benchmark's process, on this machine; a 404 is a version id that is not in the feed, found so after reading it).",
        "Median time, with the middle half of the runs in brackets. Modules: the files Node loaded, ours and the packages' (counted by a load hook in a run of its own; built-ins left out).",
        '',
        "| route file | import | over `node -e ''` | modules | packages (modules) | first request answers | import + first request, over `node -e ''` | modules | packages (modules) |",
        '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |',
        ...rows.map((r) => `| ${r} |`),
        '',
        `**Ratio/summary: importing a route file costs ${range(importOver)} over a bare \`node -e ''\` (goal ≤ +60 ms: ${Math.max(...importOver) <= 60 ? 'met' : 'not met'}), ` +
          `${range(importOver.map((o) => o - over(fetchClasses.name)))} over Node's fetch classes; importing it and answering a first request, ${range(firstOver)}.**`,
      ].join('\n'),
    };
  });
}
