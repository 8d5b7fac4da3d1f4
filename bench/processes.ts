import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../src/util/project-root.js';

export const ROOT = projectRoot();
export const CLI = path.join(ROOT, 'bin', 'updateforge.js');
/** The compiled benchmarks (tsconfig.bench.json), whose helper scripts run as processes of their own. */
export const BENCH = path.dirname(fileURLToPath(import.meta.url));

export interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts a server process and waits for the `listening on http://...` line it prints. */
export function startServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.resume();
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before listening`)));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) {
        child.removeAllListeners('exit');
        resolve({
          child,
          url,
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}

/** Runs a command to completion and returns its standard output. */
export function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

/** The peak resident memory of a live process, from /proc (Linux). */
export async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** CPU time (user + system) a live process has used so far, from /proc (Linux; 10 ms resolution). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) in parentheses: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  /** Every request answered, warm-up included. */
  readonly answered: number;
}

/** Load from a second process: autocannon, after a warm-up, for `seconds`. */
export async function load(
  url: string,
  options: {
    connections: number;
    seconds: number;
    headers?: Record<string, string>;
    method?: string;
    body?: string;
    uniqueIds?: boolean;
    /** A 2 s warm-up at 8 connections first (default); a server already warmed by an earlier load needs none. */
    warmUp?: boolean;
  },
): Promise<LoadResult> {
  const headerArgs = Object.entries(options.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}=${v}`]);
  if (options.method) headerArgs.push('-m', options.method);
  if (options.body !== undefined) headerArgs.push('-b', options.body);
  // -I: autocannon replaces [<id>] in the body with a fresh id per request (a new device each time).
  if (options.uniqueIds) headerArgs.push('-I');
  const autocannon = path.join(ROOT, 'node_modules', 'autocannon', 'autocannon.js');
  const json = await run(process.execPath, [
    autocannon,
    '-j',
    '-c',
    String(options.connections),
    '-d',
    String(options.seconds),
    ...(options.warmUp === false ? [] : ['-W', '[', '-c', '8', '-d', '2', ']']),
    ...headerArgs,
    url,
  ]);
  // With a warm-up, autocannon prints the warm-up's result first: the measured run is the last line.
  const runs = json
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { requests: { average: number; total: number }; latency: { p99: number }; non2xx: number });
  const result = runs.at(-1);
  if (!result) throw new Error('autocannon printed no result');
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    answered: runs.reduce((sum, r) => sum + r.requests.total, 0),
  };
}
