import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { summariseProfile, type ProfileSummary } from './cpu-profile.js';
import { cpuSeconds, load, startServer, type LoadResult, type Started } from './processes.js';

export type LoadOptions = Parameters<typeof load>[1];

export interface MeasuredLoad extends LoadResult {
  /** The server process's CPU time (user + system) per answered request: what a serverless platform bills. */
  readonly cpuMicrosPerRequest: number;
}

/** Load from a second process, with the server's CPU time per request read from /proc around it. */
export async function measuredLoad(server: Started, url: string, options: LoadOptions): Promise<MeasuredLoad> {
  const pid = server.child.pid;
  if (pid === undefined) throw new Error('the server process has no pid');
  const before = await cpuSeconds(pid);
  const result = await load(url, options);
  const used = (await cpuSeconds(pid)) - before;
  return { ...result, cpuMicrosPerRequest: (used * 1e6) / Math.max(result.answered, 1) };
}

/**
 * The same server started again under `node --cpu-prof`, loaded the same way for `seconds`,
 * and its profile summarised. A run of its own, so the sampler's cost stays out of the figures.
 */
export async function profiledLoad(dir: string, args: string[], env: NodeJS.ProcessEnv, target: (serverUrl: string) => string, options: LoadOptions): Promise<ProfileSummary> {
  const profileDir = await mkdtemp(path.join(dir, 'profile-'));
  const server = await startServer(['--cpu-prof', '--cpu-prof-dir', profileDir, ...args], env);
  try {
    await load(target(server.url), options);
  } finally {
    await server.stop();
  }
  return summariseProfile(profileDir);
}

export interface Comparison {
  /** The round with the median requests/s, of each side. */
  readonly baseline: MeasuredLoad;
  readonly ours: MeasuredLoad;
  /** Ours ÷ baseline requests/s, round by round. */
  readonly ratios: readonly number[];
  readonly ratio: number;
}

const medianBy = <T>(items: readonly T[], key: (t: T) => number): T => [...items].sort((a, b) => key(a) - key(b))[Math.floor(items.length / 2)]!;

/**
 * The baseline and our server loaded in turn, `rounds` times, a third of the time each: this
 * machine's speed drifts by a quarter within a minute (other tenants), and back-to-back turns
 * meet the same drift. The ratio is of the two medians; each round's is kept for the spread.
 */
export async function compareInTurns(
  baseline: { server: Started; url: string; options: LoadOptions },
  ours: { server: Started; url: string; options: LoadOptions },
  rounds = 3,
): Promise<Comparison> {
  const baselineRuns: MeasuredLoad[] = [];
  const ourRuns: MeasuredLoad[] = [];
  for (let round = 0; round < rounds; round++) {
    const turn = (o: LoadOptions): LoadOptions => ({ ...o, seconds: Math.max(2, Math.round(o.seconds / rounds)), warmUp: round === 0 });
    baselineRuns.push(await measuredLoad(baseline.server, baseline.url, turn(baseline.options)));
    ourRuns.push(await measuredLoad(ours.server, ours.url, turn(ours.options)));
  }
  const b = medianBy(baselineRuns, (r) => r.requestsPerSecond);
  const o = medianBy(ourRuns, (r) => r.requestsPerSecond);
  return { baseline: b, ours: o, ratios: ourRuns.map((r, i) => r.requestsPerSecond / baselineRuns[i]!.requestsPerSecond), ratio: o.requestsPerSecond / b.requestsPerSecond };
}

/** `45% (41–48% by round)`. */
export function ratioWithSpread(c: Comparison): string {
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  return `${pct(c.ratio)} (${pct(Math.min(...c.ratios))}–${pct(Math.max(...c.ratios))} by round)`;
}
