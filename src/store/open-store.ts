import type { Logger } from '../util/logger.js';
import type { Patience } from './github/client.js';
import { GitHubStore } from './github/store.js';
import { LocalStore } from './local/store.js';
import type { Store } from './store.js';

/** A feed kept in a local folder (the embedded default). */
export interface FolderStoreDescription {
  readonly kind: 'folder';
  readonly dir: string;
  /** Make the store on first write when the folder is missing or empty (publishing); else it must exist. */
  readonly create?: boolean | undefined;
}

/** A feed kept in a GitHub repository: its releases and one branch. */
export interface GitHubStoreDescription {
  readonly kind: 'github';
  /** `owner/name`. */
  readonly repo: string;
  readonly token: string;
  /** GitHub Enterprise Server's API URL; default https://api.github.com. */
  readonly apiUrl?: string | undefined;
  /** `publish` waits out GitHub's hiccups; `serve` answers devices and testers without delay. */
  readonly patience: Patience;
  /** Test knobs: GitHub's advised spacing of writes and base of retry waits, shortened against the fake. */
  readonly pacingMs?: number | undefined;
  readonly retryBaseMs?: number | undefined;
}

/**
 * Which feed to open, as the entry points read it from their flags, inputs or environment.
 * Entry points describe; only this module constructs a store.
 */
export type StoreDescription = FolderStoreDescription | GitHubStoreDescription;

export interface OpenStoreOptions {
  /** The manifest branch. */
  readonly branch: string;
  /** Where a GitHub store reports retries and rate limits. */
  readonly log: Logger;
}

/** Opens the feed a description names. A folder is checked on the way (StoreUnavailableError when it is no store). */
export async function openStore(description: StoreDescription, options: OpenStoreOptions): Promise<Store> {
  if (description.kind === 'github') return openGitHubStore(description, options);
  return description.create ? LocalStore.openOrCreate(description.dir, { branch: options.branch }) : LocalStore.open(description.dir, { branch: options.branch });
}

/**
 * Opens a feed on GitHub. Synchronous, since it costs no request: a deployment builds its
 * context from the environment before its first request, without waiting.
 */
export function openGitHubStore(description: GitHubStoreDescription, options: OpenStoreOptions): Store {
  return GitHubStore.create({
    repo: description.repo,
    token: description.token,
    apiUrl: description.apiUrl,
    patience: description.patience,
    branch: options.branch,
    log: options.log,
    pacingMs: description.pacingMs,
    ...(description.retryBaseMs === undefined ? {} : { retryBaseMs: description.retryBaseMs }),
  });
}
