import { spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../src/util/project-root.js';
import type { FakeGitHub } from '../fake-github/server.js';
import { PNG, tempDir } from './fixtures.js';
import { WRITE_TOKEN } from './github.js';
import { recordActionRun, registerPrivateKey, registerSecret } from './sweep/record.js';

export const ACTION = path.join(projectRoot(), 'dist', 'index.js');

export interface ActionRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

/** A workspace as actions/checkout leaves it: updateforge.json, its icon, and a build. */
export async function workspace(config: unknown): Promise<string> {
  const dir = await tempDir('uf-workspace-');
  await mkdir(path.join(dir, 'icons'));
  await writeFile(path.join(dir, 'icons', 'rocket.png'), PNG);
  await writeFile(path.join(dir, 'updateforge.json'), JSON.stringify(config));
  return dir;
}

/** GITHUB_OUTPUT as @actions/core writes it: `name<<DELIMITER\nvalue\nDELIMITER`. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^(.+?)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

/** Runs dist/index.js the way the runner does: inputs as INPUT_* variables, GITHUB_* files, the workspace as cwd. */
export async function runAction(fake: FakeGitHub, options: { repo: string; cwd: string; inputs: Record<string, string>; env?: Record<string, string> }): Promise<ActionRun> {
  const files = await tempDir('uf-runner-');
  const outputFile = path.join(files, 'output');
  const summaryFile = path.join(files, 'summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: fake.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: options.repo,
    GITHUB_WORKSPACE: options.cwd,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: files,
    UPDATEFORGE_GITHUB_PACING_MS: '0',
    UPDATEFORGE_GITHUB_RETRY_MS: '5',
    INPUT_TOKEN: WRITE_TOKEN,
    INPUT_REPO: options.repo,
    INPUT_CONFIG: 'updateforge.json',
    'INPUT_BUILD-TYPE': 'release',
    INPUT_BRANCH: 'updateforge',
    INPUT_OVERWRITE: 'false',
    ...Object.fromEntries(Object.entries(options.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...options.env,
  };
  registerSecret('github-token', env['INPUT_TOKEN'], 'the action token input');
  if (env['INPUT_ENCRYPT-KEY']) registerPrivateKey(env['INPUT_ENCRYPT-KEY'], 'the action encrypt-key input');
  const child = spawn(process.execPath, [ACTION], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const outputsFile = await readFile(outputFile, 'utf8');
  const summary = await readFile(summaryFile, 'utf8');
  recordActionRun({ stdout, stderr, outputsFile, summary });
  return { code, stdout, stderr, outputs: parseOutputs(outputsFile), summary };
}

export async function buildFile(dir: string, name: string, content: string | Buffer): Promise<string> {
  await writeFile(path.join(dir, name), content);
  return name;
}

export { copyFile };
