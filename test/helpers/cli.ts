import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach } from 'vitest';
import { DEMO_PASSWORD, demoPaths } from '../../src/demo/seed.js';
import { projectRoot } from '../../src/util/project-root.js';
import { recordChildStream, registerPasswordHash, registerSecret } from './sweep/record.js';

/** The built CLI, run the way a user runs it (`npm test` builds first). */
export const CLI = path.join(projectRoot(), 'bin', 'updateforge.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts the CLI; the caller reads its streams (and it is killed after the test). */
export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? projectRoot(),
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...options.env },
  });
  children.push(child);
  registerGivenSecrets(options.env ?? {});
  const watch = args[0] === 'demo' ? demoWatcher(path.resolve(options.cwd ?? projectRoot(), optionValue(args, '--dir') ?? '.demo')) : undefined;
  recordChildStream(child.stdout, { args, name: 'stdout', demoPassword: DEMO_PASSWORD, ...(watch ? { watch } : {}) });
  recordChildStream(child.stderr, { args, name: 'stderr', demoPassword: DEMO_PASSWORD });
  return child;
}

function optionValue(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** The secrets a test hands the CLI in its environment, for the sweep. */
function registerGivenSecrets(env: NodeJS.ProcessEnv): void {
  registerSecret('jwt-secret', env['UPDATEFORGE_JWT_SECRET'], 'UPDATEFORGE_JWT_SECRET given to the CLI');
  for (const name of ['UPDATEFORGE_GITHUB_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN']) registerSecret('github-token', env[name], `${name} given to the CLI`);
  registerUsersHashes(env['UPDATEFORGE_USERS'], 'UPDATEFORGE_USERS given to the CLI');
}

function registerUsersHashes(json: string | undefined, label: string): void {
  try {
    for (const u of JSON.parse(json ?? '[]') as { passwordHash?: unknown }[]) if (typeof u.passwordHash === 'string') registerPasswordHash(u.passwordHash, label);
  } catch {
    // Not JSON: a test of the refusal; nothing to register.
  }
}

/** The demo makes its own secret and users; once its banner is out they exist, and the sweep learns them. */
function demoWatcher(dir: string): (head: string) => void {
  registerSecret('password', DEMO_PASSWORD, 'the demo password');
  let done = false;
  return (head) => {
    if (done || !head.includes('Ctrl-C stops the server')) return;
    done = true;
    const paths = demoPaths(dir);
    const read = (file: string) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    };
    registerSecret('jwt-secret', read(paths.secretFile)?.trim(), 'the demo JWT secret');
    registerUsersHashes(read(paths.usersFile), 'the demo users');
  };
}

/** Runs the CLI to completion with `input` on stdin. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): Promise<CliResult> {
  if (args[0] === 'hash-password' || (args[0] === 'user' && ['add', 'set-password'].includes(args[1] ?? ''))) {
    registerSecret('password', options.input?.split('\n')[0], 'a password given to the CLI');
  }
  const child = startCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Resolves with the accumulated output once `pattern` appears on the stream. */
export function waitForOutput(stream: NodeJS.ReadableStream, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; saw:\n${seen}`)), timeoutMs);
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        stream.off('data', onData);
        resolve(seen);
      }
    };
    stream.on('data', onData);
  });
}
