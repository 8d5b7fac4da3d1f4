import { DEFAULT_BRANCH } from '../defaults.js';
import { parseRepo } from '../store/github/errors.js';
import { parseUsers, type User } from '../users/users.js';
import { ValidationError } from '../util/validation.js';
import { isPublicUrl } from './public-url.js';
import { ServerConfigError } from './config-error.js';
import { jwtSecretProblem, MIN_SECRET_LENGTH } from './tokens.js';

export type DownloadMode = 'proxy' | 'redirect';

/** A deployment's configuration, read from its environment variables. */
export interface ServerEnv {
  readonly repo: string;
  readonly token: string;
  readonly branch: string;
  readonly users: readonly User[];
  readonly jwtSecret: string;
  readonly publicUrl: string | undefined;
  readonly downloads: DownloadMode;
  readonly apiUrl: string | undefined;
}

/** The variables, for the README's table and for messages. */
export const SERVER_VARIABLES = {
  UPDATEFORGE_REPO: 'the feed repository, owner/name',
  UPDATEFORGE_GITHUB_TOKEN: 'a token that can read that repository (fine-grained: Contents read-only)',
  UPDATEFORGE_BRANCH: 'the manifest branch (default updateforge)',
  UPDATEFORGE_USERS: 'the testers, as printed by `updateforge user add`',
  UPDATEFORGE_JWT_SECRET: `the token signing secret, at least ${MIN_SECRET_LENGTH} characters`,
  UPDATEFORGE_PUBLIC_URL: 'the URL devices reach the API at, e.g. https://updates.example.com (default: the request host)',
  UPDATEFORGE_DOWNLOADS: 'proxy (default) or redirect: how device bundle links are served',
  UPDATEFORGE_GITHUB_API_URL: 'GitHub Enterprise Server only: its API URL, e.g. https://github.example.com/api/v3',
} as const;

/**
 * Reads the environment of a GitHub-backed deployment, checking every variable and
 * naming every problem at once, so a deployment is fixed in one go, not one error at a time.
 */
export function parseServerEnv(env: Readonly<Record<string, string | undefined>>): ServerEnv {
  const problems: string[] = [];
  const value = (name: keyof typeof SERVER_VARIABLES) => (env[name] ?? '').trim();

  const repo = value('UPDATEFORGE_REPO');
  if (!repo) problems.push(`UPDATEFORGE_REPO is not set: ${SERVER_VARIABLES.UPDATEFORGE_REPO}.`);
  else {
    try {
      parseRepo(repo);
    } catch (error) {
      problems.push(`UPDATEFORGE_REPO: ${(error as Error).message}`);
    }
  }
  const token = value('UPDATEFORGE_GITHUB_TOKEN');
  if (!token) problems.push(`UPDATEFORGE_GITHUB_TOKEN is not set: ${SERVER_VARIABLES.UPDATEFORGE_GITHUB_TOKEN}.`);

  let users: User[] = [];
  const usersJson = value('UPDATEFORGE_USERS');
  if (!usersJson) problems.push(`UPDATEFORGE_USERS is not set: ${SERVER_VARIABLES.UPDATEFORGE_USERS} ("[]" for none).`);
  else {
    try {
      users = parseUsers(usersJson);
    } catch (error) {
      problems.push(error instanceof ValidationError ? `UPDATEFORGE_USERS: ${error.problems.join('; ')}` : `UPDATEFORGE_USERS: ${(error as Error).message}`);
    }
  }
  const jwtSecret = env['UPDATEFORGE_JWT_SECRET'] ?? '';
  const secretProblem = jwtSecretProblem(jwtSecret);
  if (secretProblem !== undefined) problems.push(secretProblem);

  const publicUrl = value('UPDATEFORGE_PUBLIC_URL') || undefined;
  if (publicUrl !== undefined && !isPublicUrl(publicUrl)) problems.push(`UPDATEFORGE_PUBLIC_URL '${publicUrl}' is not an http(s) URL.`);
  const downloads = value('UPDATEFORGE_DOWNLOADS') || 'proxy';
  if (downloads !== 'proxy' && downloads !== 'redirect') problems.push(`UPDATEFORGE_DOWNLOADS is '${downloads}'; use proxy or redirect.`);

  if (problems.length > 0) {
    throw new ServerConfigError(`The deployment is not configured correctly:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return {
    repo,
    token,
    branch: value('UPDATEFORGE_BRANCH') || DEFAULT_BRANCH,
    users,
    jwtSecret,
    publicUrl,
    downloads: downloads as DownloadMode,
    apiUrl: value('UPDATEFORGE_GITHUB_API_URL') || undefined,
  };
}
