import { openGitHubStore } from '../store/open-store.js';
import { jsonLogger, type Logger } from '../util/logger.js';
import type { ServerContext } from './context.js';
import { createServerContext } from './create-context.js';
import { parseServerEnv } from './env-config.js';

/** How long an instance trusts its manifest before a conditional re-read (a 304 costs no rate limit). */
const MANIFEST_MAX_AGE_MS = 5_000;

/** The context of a GitHub-backed deployment (Vercel, or `updateforge serve --github`), from its environment. */
export function contextFromEnv(env: Readonly<Record<string, string | undefined>>, log: Logger = jsonLogger()): ServerContext {
  const config = parseServerEnv(env);
  const store = openGitHubStore({ kind: 'github', repo: config.repo, token: config.token, apiUrl: config.apiUrl, patience: 'serve' }, { branch: config.branch, log });
  return createServerContext({
    store,
    users: config.users,
    jwtSecret: config.jwtSecret,
    log,
    publicUrl: config.publicUrl,
    downloads: config.downloads,
    manifestMaxAgeMs: MANIFEST_MAX_AGE_MS,
  });
}
