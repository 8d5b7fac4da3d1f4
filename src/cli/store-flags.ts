import { parseRepo } from '../store/github/errors.js';
import type { StoreDescription } from '../store/open-store.js';
import { storeTuning } from '../store/tuning.js';
import { errorMessage } from '../util/error-message.js';
import { UsageError } from './errors.js';

/** The flags that choose a feed: one of them, never both. */
export interface StoreFlags {
  readonly store?: string | undefined;
  readonly github?: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** For `--help`: what `--github` reads from the environment. */
export const GITHUB_ENVIRONMENT_HELP = [
  '',
  'Environment (with --github):',
  '  UPDATEFORGE_GITHUB_TOKEN    a token with Contents: read and write on the feed repository',
  '                              (GITHUB_TOKEN when unset); never printed',
  '  UPDATEFORGE_GITHUB_API_URL  GitHub Enterprise Server only: its API URL, e.g.',
  '                              https://github.example.com/api/v3 (GITHUB_API_URL when unset)',
].join('\n');

/**
 * Turns `--store DIR` or `--github OWNER/NAME` (with its token from the environment) into
 * the feed to open. Pure: it checks everything before anything is read or written.
 */
export function storeFromFlags(flags: StoreFlags, env: Env, options: { create: boolean }): StoreDescription {
  if (flags.store !== undefined && flags.github !== undefined) throw new UsageError('Give either --store DIR or --github OWNER/NAME, not both.');
  if (flags.store !== undefined) return { kind: 'folder', dir: flags.store, create: options.create };
  if (flags.github === undefined) throw new UsageError('Give either --store DIR (a local feed) or --github OWNER/NAME (a feed on GitHub).');

  const repo = flags.github;
  try {
    parseRepo(repo);
  } catch (error) {
    throw new UsageError(`--github: ${errorMessage(error)}`, { cause: error });
  }
  // UpdateForge's own variable first; GITHUB_TOKEN is what a workflow step or a shell for `gh` usually has.
  const token = env['UPDATEFORGE_GITHUB_TOKEN']?.trim() || env['GITHUB_TOKEN']?.trim();
  if (!token) {
    throw new UsageError(
      `--github ${repo} needs a token: set UPDATEFORGE_GITHUB_TOKEN (or GITHUB_TOKEN) to a token that can write to ${repo} (fine-grained: Contents read and write).`,
    );
  }
  return {
    kind: 'github',
    repo,
    token,
    // In a workflow on GitHub Enterprise Server the runner sets GITHUB_API_URL to the server's API.
    apiUrl: env['UPDATEFORGE_GITHUB_API_URL']?.trim() || env['GITHUB_API_URL']?.trim() || undefined,
    patience: 'publish',
    ...storeTuning(env),
  };
}
