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
