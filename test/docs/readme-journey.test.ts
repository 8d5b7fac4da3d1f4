import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { indexManifest, channelKey } from '../../src/feed/feed-snapshot.js';
import { parseManifest, type Manifest } from '../../src/feed/manifest.js';
import { runAction } from '../helpers/action.js';
import { CLI, waitForOutput } from '../helpers/cli.js';
import { readManifest } from '../helpers/feed.js';
import { PNG, tempDir } from '../helpers/fixtures.js';
import { githubStore, useFakeGitHub, WRITE_TOKEN } from '../helpers/github.js';
import { capgoKeyPair } from '../helpers/live-feed.js';
import { firstCommand, readmeBlocks, type FencedBlock } from '../helpers/readme.js';
import { registerSecret } from '../helpers/sweep/record.js';
import { Terminal, type BlockRun } from '../helpers/terminal.js';

/**
 * The README, followed as a new user follows it from their own project: every shell block is
 * pasted into one terminal session in reading order, every workflow is run the way the runner
 * runs the action (against the fake GitHub, in place of github.com), and what each one leaves
 * behind is checked. A block nobody runs must say here why.
 */
const NOT_RUN: Record<string, string> = {
  'npm ci && npm start    # seeds a demo feed and serves it; prints the URL and a demo login':
    'the two set-up commands: CI runs `npm ci` then `npm test`; test/cli/demo.test.ts runs `npm start`',
  'git clone <this repository> updateforge && cd updateforge':
    'installing from a clone is what .ci/check-package does (npm pack, install the tarball into an empty folder, run it)',
  'npm test              # build, type-check, vitest (what CI runs: .ci/run)':
    "the development loop itself (this suite, lint, format, bench, the bundles' rebuilds), run by .ci/run",
};

const PASSWORD = 'correct horse battery staple';
const FEED_REPO = 'acme/mobile-feed';

const github = useFakeGitHub();
const blocks = readmeBlocks();
const ran = new Set<FencedBlock>();

/** The block whose first command starts with `start` (in `heading`, when several do). */
function block(start: string, heading?: string): FencedBlock {
  const found = blocks.filter((b) => firstCommand(b).startsWith(start) && (heading === undefined || b.heading === heading));
  if (found.length !== 1) throw new Error(`README: ${found.length} blocks start with ${JSON.stringify(start)}${heading ? ` under "${heading}"` : ''}`);
  ran.add(found[0]!);
  return found[0]!;
}

let terminal: Terminal;
let app: string; // the reader's project folder
let demo: { url: string; store: string };
let demoServer: ChildProcessWithoutNullStreams | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Pastes a block; every command in it must succeed. With `eachLineInput`, one command at a time,
 * each with its own input: a reader answers each password prompt in turn, where one piped input
 * would all go to the first command that reads it.
 */
async function paste(b: FencedBlock, options: { replace?: [string | RegExp, string][]; input?: string; eachLineInput?: string } = {}): Promise<BlockRun> {
  if (options.eachLineInput !== undefined) {
    const runs: BlockRun[] = [];
    for (const command of b.text
      .replace(/\\\n/g, '')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))) {
      runs.push(await paste({ ...b, text: `${command}\n` }, { ...(options.replace ? { replace: options.replace } : {}), input: options.eachLineInput }));
    }
    return { stdout: runs.map((r) => r.stdout).join(''), stderr: runs.map((r) => r.stderr).join(''), failed: [] };
  }
  let text = b.text;
  for (const [from, to] of options.replace ?? []) {
    const before = text;
    text = text.replaceAll(from, to);
    if (text === before) throw new Error(`README line ${b.line}: nothing to replace for ${String(from)}`);
  }
  const run = await terminal.run(text, options);
  expect(run.failed, `README line ${b.line} (${b.heading}):\n${run.stderr}\n${run.stdout}`).toEqual([]);
  return run;
}

const manifestIn = async (store: string): Promise<Manifest> => parseManifest(await readFile(path.join(store, 'branches', 'updateforge', 'manifest.json')));
const localManifest = () => manifestIn(path.join(app, 'feed'));
const githubManifest = async (): Promise<Manifest> => (await readManifest(githubStore(github.fake(), FEED_REPO)))!;

/** What testers and devices get of rocket: testers' current per build type, and the bundles devices may be offered. */
function rocket(manifest: Manifest) {
  const snapshot = indexManifest(manifest);
  const byType = snapshot.currentAndPending.get('rocket')!;
  return {
    release: { current: byType.release.current?.version ?? null, pending: byType.release.pending?.version ?? null },
    debug: { current: byType.debug.current?.version ?? null, pending: byType.debug.pending?.version ?? null },
    bundles: (snapshot.liveBundles.get(channelKey('rocket', 'release')) ?? []).map((v) => `${v.version} at ${v.rollout ?? 100}%`),
  };
}

beforeAll(async () => {
  app = await tempDir('uf-your-app-');
  // What the reader's project has: the README's updateforge.json with its icon, a build of each kind, notes, a Capgo key.
  const config = blocks.find((b) => b.lang === 'json' && b.text.includes('"$schema"'))!;
  ran.add(config);
  await writeFile(path.join(app, 'updateforge.json'), config.text);
  await mkdir(path.join(app, 'icons'));
  await writeFile(path.join(app, 'icons', 'rocket.png'), PNG);
  await writeFile(path.join(app, 'app-release.apk'), 'an Android build');
  await mkdir(path.join(app, 'dist'));
  await writeFile(path.join(app, 'dist', 'index.html'), '<!doctype html><title>Rocket</title>');
  await writeFile(path.join(app, 'NOTES.md'), 'Faster launches.\n');
  await writeFile(path.join(app, '.capgo_key_v2'), capgoKeyPair().privateKey); // as `npx @capgo/cli key create` leaves it
  github.fake().addRepo(FEED_REPO);
  registerSecret('password', PASSWORD, "the README reader's tester password");

  const demoDir = path.join(await tempDir(), '.demo');
  // Not startCli: its children end with each test, and this demo serves the README from first block to last.
  demoServer = spawn(process.execPath, [CLI, 'demo', '--dir', demoDir, '--port', '0'], { env: { PATH: process.env['PATH'], HOME: process.env['HOME'] } });
  const banner = await waitForOutput(demoServer.stdout, /Ctrl-C stops the server/, 60_000);
  demo = { url: /running at (http:\/\/\S+)/.exec(banner)![1]!, store: path.join(demoDir, 'store') };

  terminal = await Terminal.open({
    cwd: app,
    env: { PASSWORD, UPDATEFORGE_GITHUB_API_URL: github.fake().url, UPDATEFORGE_GITHUB_PACING_MS: '0', UPDATEFORGE_GITHUB_RETRY_MS: '5' },
  });
}, 90_000);

afterAll(() => {
  terminal?.close();
  demoServer?.kill('SIGKILL');
});

describe('the README, followed from your own project', { timeout: 90_000 }, () => {
  test('Try the demo: log in, list, download and resume, fetch an icon, with curl', async () => {
    await paste(block('BASE=http://127.0.0.1:8787'), { replace: [['http://127.0.0.1:8787', demo.url]] });
    const manifest = await manifestIn(demo.store);
    const current = indexManifest(manifest).currentAndPending.get(manifest.apps[0]!.id)!.release.current!;
    const downloaded = await readFile(path.join(app, current.file!.name));
    expect(createHash('sha256').update(downloaded).digest('hex')).toBe(current.file!.sha256); // resumed to the whole file
    expect((await readFile(path.join(app, 'rocket.png'))).subarray(1, 4).toString()).toBe('PNG');
  });

  test('Publish builds: an APK, a bundle of the next version, and a pending version', async () => {
    const run = await paste(block('npx updateforge publish --store ./feed --config updateforge.json'));
    expect(run.stdout).toMatch(/Published rocket release 1\.2\.0/);
    expect(rocket(await localManifest())).toEqual({
      release: { current: '1.2.0', pending: null }, // testers keep the APK: bundle 1.2.1 is for devices
      debug: { current: null, pending: '1.3.0' },
      bundles: ['1.2.1 at 100%'],
    });
  });

  test('Edit a version, then see the feed at a glance', async () => {
    await paste(block('npx updateforge edit --store ./feed'));
    const edited = (await localManifest()).versions.find((v) => v.version === '1.2.0')!;
    expect(edited).toMatchObject({ name: 'January update', notes: 'Faster launches.', public: true });

    const status = await paste(block('npx updateforge status --store ./feed          #'));
    expect(status.stdout).toMatch(/release {2}current {2}1\.2\.0 {2}"January update"/);
    expect(status.stdout).toMatch(/release {2}live {5}1\.2\.1/);
    expect(status.stdout).toMatch(/debug {4}pending {2}1\.3\.0 {2}"Next sprint"/);
  });

  test('Prune old versions: what would go, without writing', async () => {
    const before = await readFile(path.join(app, 'feed', 'branches', 'updateforge', 'manifest.json'));
    const run = await paste(block('npx updateforge prune --store ./feed --keep 3 --dry-run'));
    expect(run.stdout).toMatch(/Nothing to prune|Would remove/);
    expect(await readFile(path.join(app, 'feed', 'branches', 'updateforge', 'manifest.json'))).toEqual(before);
  });

  test('Publish from GitHub Actions: the tag workflow, then the live-update workflow, then a feed edit', async () => {
    const cwd = await tempDir('uf-checkout-');
    const secrets = { CAPGO_PRIVATE_KEY: capgoKeyPair().privateKey };
    const published = await runWorkflow(block('name: Publish'), { cwd, tag: 'v1.2.0', secrets });
    const apk = (await githubManifest()).versions.find((v) => v.buildType === 'release' && v.version === '1.2.0')!;
    expect(published['android-release']?.['install-url']).toBe(`https://updates.example.com/#version=${apk.id}`);
    expect(published['android-release']?.['qr-code']).toMatch(/\.png$/);
    await runWorkflow(block('name: Live update'), { cwd, tag: 'live-v1.2.1', secrets });
    const manifest = await githubManifest();
    expect(rocket(manifest)).toEqual({ release: { current: '1.2.0', pending: null }, debug: { current: '1.2.0', pending: null }, bundles: ['1.2.1 at 20%'] });
    expect(manifest.versions.find((v) => v.version === '1.2.1')?.file?.encryption?.sessionKey).toBeTruthy();

    await runWorkflow(block('name: Feed edit'), { cwd, dispatch: { app: 'rocket', version: '1.2.1', command: 'rollout', percent: '50' }, secrets });
    expect(rocket(await githubManifest()).bundles).toEqual(['1.2.1 at 50%']);
  });

  test('From the command line, on GitHub: publish, roll out, yank, edit, status; then repair', async () => {
    const run = await paste(block('export UPDATEFORGE_GITHUB_TOKEN=github_pat_...'), { replace: [['github_pat_...', WRITE_TOKEN]] });
    expect(run.stdout).toMatch(/rocket {2}Rocket Tracker/);
    const yanked = (await githubManifest()).versions.find((v) => v.version === '1.4.0');
    expect(yanked).toMatchObject({ yanked: true, name: 'Spring update' });

    const before = await githubManifest();
    await paste(block('npx updateforge repair --github acme/mobile-feed'));
    expect((await githubManifest()).versions.map((v) => v.id).sort()).toEqual(before.versions.map((v) => v.id).sort());
  });

  test('Serve the API: a tester added on the command line logs in and sees the feed', async () => {
    const port = await freePort();
    const b = block('export UPDATEFORGE_JWT_SECRET=');
    // A server runs until stopped: in the background here, where a reader would keep it in its own terminal.
    await paste(b, { replace: [['--port 8787', `--port ${port} &`]], input: `${PASSWORD}\n${PASSWORD}\n` });
    const base = `http://127.0.0.1:${port}`;
    const token = await retry(async () => {
      const answer = await fetch(`${base}/api/v1/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ana@example.com', password: PASSWORD }),
      });
      expect(answer.status).toBe(200);
      return ((await answer.json()) as { token: string }).token;
    });
    const apps = (await (await fetch(`${base}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      teams: { id: string; apps: { id: string; release: { current: { version: string } | null } }[] }[];
    };
    expect(apps.teams.map((t) => [t.id, t.apps.map((a) => [a.id, a.release.current?.version])])).toEqual([['acme', [['rocket', '1.2.0']]]]);
  });

  test('Testers: add, set the password, set the teams, list, remove, hash a password', async () => {
    const run = await paste(block('npx updateforge user add --users-file testers.json'), { eachLineInput: `${PASSWORD}\n` });
    expect(run.stdout).toMatch(/^u_[0-9a-f]+\tana@example\.com\tacme$/m); // `user list`, after set-teams
    expect(JSON.parse(await readFile(path.join(app, 'testers.json'), 'utf8'))).toEqual([]); // removed at the end
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^\$scrypt\$/);
  });

  test('Live updates: an encrypted bundle on a staged rollout, rolled out further, yanked', async () => {
    await paste(block('npx updateforge publish --store ./feed --app rocket --build-type release --version 1.4.0'));
    const published = (await localManifest()).versions.find((v) => v.version === '1.4.0')!;
    expect(published).toMatchObject({ rollout: 10, file: { kind: 'bundle', minNativeVersion: expect.stringMatching(/^2\.0/) } });
    expect(published.file?.encryption?.sessionKey).toBeTruthy();

    const run = await paste(block('npx updateforge rollout --store ./feed --app rocket --version 1.4.0 --percent 50'));
    expect(run.stdout).toMatch(/yanked {3}1\.4\.0/);
    expect(rocket(await localManifest()).bundles).toEqual(['1.2.1 at 100%']);
  });

  test('What the plugin is told: the update check of the demo, with curl', async () => {
    const run = await paste(block('curl -s $BASE/api/v1/updates'));
    const answer = JSON.parse(run.stdout) as { version: string; manifest?: { file_name: string; file_hash: string; download_url: string }[] };
    expect(Object.keys(answer)).toEqual(expect.arrayContaining(['version', 'url', 'checksum', 'manifest']));
    // Delta updates: plugin 8.51.14 gets every file of the bundle, each with a link that serves exactly it.
    expect(answer.manifest?.map((f) => f.file_name)).toContain('index.html');
    for (const file of answer.manifest ?? []) {
      const bytes = Buffer.from(await (await fetch(file.download_url)).arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex'), file.file_name).toBe(file.file_hash);
    }
  });

  test('every shell block and workflow of the README is run above, or says here why not', () => {
    const commands = blocks.filter((b) => ['sh', 'bash', 'yaml', 'yml'].includes(b.lang));
    const unaccounted = commands.filter((b) => !ran.has(b) && !(firstCommand(b) in NOT_RUN)).map((b) => `line ${b.line} (${b.heading}): ${firstCommand(b)}`);
    expect(unaccounted).toEqual([]);
    expect(Object.keys(NOT_RUN).filter((start) => !commands.some((b) => firstCommand(b) === start))).toEqual([]); // no stale excuses
  });
});

async function retry<T>(attempt: () => Promise<T>, tries = 50): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= tries) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

interface WorkflowStep {
  uses?: string;
  run?: string;
  with?: Record<string, string | number | boolean>;
}
interface Workflow {
  on: { push?: { tags?: string[] }; workflow_dispatch?: { inputs: Record<string, unknown> } };
  jobs: Record<string, { steps: WorkflowStep[] }>;
}

/**
 * Runs a README workflow as GitHub would for `tag` (or a manual run with `dispatch` inputs):
 * each job in a fresh checkout of the reader's project, its build step standing in for the real
 * build (the file or folder its UpdateForge step names), its UpdateForge step by the bundled action.
 */
async function runWorkflow(
  b: FencedBlock,
  run: { cwd: string; tag?: string; dispatch?: Record<string, string>; secrets: Record<string, string> },
): Promise<Record<string, Record<string, string>>> {
  const outputs: Record<string, Record<string, string>> = {};
  const workflow = parseYaml(b.text) as Workflow;
  if (run.tag !== undefined) {
    const patterns = workflow.on.push?.tags ?? [];
    expect(
      patterns.some((p) => new RegExp(`^${p.replace(/\*/g, '.*')}$`).test(run.tag!)),
      `README line ${b.line}: ${run.tag} starts this workflow`,
    ).toBe(true);
  } else {
    expect(Object.keys(workflow.on.workflow_dispatch?.inputs ?? {}).sort()).toEqual(Object.keys(run.dispatch ?? {}).sort());
  }
  const expression = (text: string) =>
    text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => {
      const [scope, key] = name.split('.', 2) as [string, string];
      const value = scope === 'github' && key === 'ref_name' ? run.tag : scope === 'secrets' ? run.secrets[key] : scope === 'inputs' ? run.dispatch?.[key] : undefined;
      if (value === undefined) throw new Error(`README line ${b.line}: the test does not know \${{ ${name} }}`);
      return value;
    });
  for (const [job, { steps }] of Object.entries(workflow.jobs)) {
    const cwd = path.join(run.cwd, job);
    await mkdir(path.join(cwd, 'icons'), { recursive: true });
    await writeFile(path.join(cwd, 'updateforge.json'), await readFile(path.join(app, 'updateforge.json')));
    await writeFile(path.join(cwd, 'icons', 'rocket.png'), PNG);
    for (const step of steps.filter((s) => s.uses?.startsWith('OWNER/updateforge@'))) {
      const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expression(String(v))]));
      if (inputs['path']) await buildAt(path.join(cwd, inputs['path']), job);
      const result = await runAction(github.fake(), {
        repo: FEED_REPO,
        cwd,
        inputs,
        env: run.tag ? { GITHUB_REF: `refs/tags/${run.tag}`, GITHUB_REF_NAME: run.tag, GITHUB_REF_TYPE: 'tag' } : { GITHUB_REF: 'refs/heads/main' },
      });
      expect(result.code, `README line ${b.line}, job ${job}:\n${result.stdout}`).toBe(0);
      outputs[job] = result.outputs;
    }
  }
  return outputs;
}

/** What a job's build step leaves: an app file, or a web build folder. */
async function buildAt(target: string, job: string): Promise<void> {
  if (/\.(apk|aab|ipa|zip)$/.test(target)) {
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, `the ${job} build`);
  } else {
    await mkdir(target, { recursive: true });
    await writeFile(path.join(target, 'index.html'), `<!doctype html><title>${job}</title>`);
  }
}
