import { readFile } from 'node:fs/promises';
import { checkDeployment } from '../server/doctor.js';
import { describeFsError } from '../util/fs-error.js';
import { UsageError } from './errors.js';

/** KEY=VALUE lines, as `vercel env pull` writes them (quotes removed, comments skipped). */
function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!m || line.trim().startsWith('#')) continue;
    const raw = m[2] ?? '';
    const quoted = /^(["'])([\s\S]*)\1$/.exec(raw);
    env[m[1]!] = quoted ? (quoted[1] === '"' ? (quoted[2] ?? '').replace(/\\n/g, '\n').replace(/\\"/g, '"') : (quoted[2] ?? '')) : raw;
  }
  return env;
}

/**
 * `updateforge doctor`: checks a deployment's configuration and says what to fix; exit 1 when something
 * is wrong. With --json, stdout is one object: `{ ok, problems, checks: [{ ok, what, detail }] }`.
 */
export async function runDoctor(options: { varsFile?: string; url?: string; json?: boolean }, io: { stdout: NodeJS.WriteStream; env: NodeJS.ProcessEnv }): Promise<number> {
  let env: Record<string, string | undefined> = io.env;
  if (options.varsFile !== undefined) {
    const text = await readFile(options.varsFile, 'utf8').catch((error: unknown) => {
      throw new UsageError(`--vars-file: cannot read '${options.varsFile}': ${describeFsError(error)}.`, { cause: error });
    });
    env = { ...io.env, ...parseEnvFile(text) };
  }
  const checks = await checkDeployment(env, { url: options.url });
  const failed = checks.filter((c) => !c.ok).length;
  if (options.json) {
    const report = { ok: failed === 0, problems: failed, checks: checks.map((c) => ({ ok: c.ok, what: c.what, detail: c.detail })) };
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    for (const check of checks) io.stdout.write(`${check.ok ? '✓' : '✗'} ${check.what}: ${check.detail}\n`);
    io.stdout.write(failed === 0 ? 'All good.\n' : `${failed} problem${failed === 1 ? '' : 's'} to fix.\n`);
  }
  return failed === 0 ? 0 : 1;
}
