import type { Logger } from '../util/logger.js';
import type { Patience } from './github/client.js';
import { parseRepo } from './github/errors.js';
import type { GitHubStore } from './github/store.js';
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

/**
 * Opens the feed a description names. A folder is checked on the way (StoreUnavailableError when it is no store).
 * Each backend's code is imported here, when it is opened: a folder never loads Octokit, GitHub never the folder's locks.
 */
export async function openStore(description: StoreDescription, options: OpenStoreOptions): Promise<Store> {
  if (description.kind === 'github') return createGitHubStore(await import('./github/store.js'), description, options);
  const { LocalStore } = await import('./local/store.js');
  return description.create ? LocalStore.openOrCreate(description.dir, { branch: options.branch }) : LocalStore.open(description.dir, { branch: options.branch });
}

/**
 * Opens a feed on GitHub. Synchronous, since it costs no request: a deployment builds its
 * context from the environment before its first request, without waiting. The repository's
 * name is checked now; the GitHub client (Octokit and its plugins) is imported at the store's
 * first call, so a server instance whose requests never read the feed (a login) never loads it.
 */
export function openGitHubStore(description: GitHubStoreDescription, options: OpenStoreOptions): Store {
  const location = parseRepo(description.repo).join('/');
  let store: Promise<GitHubStore> | undefined;
  const opened = (): Promise<GitHubStore> => {
    store ??= import('./github/store.js').then(
      (module) => createGitHubStore(module, description, options),
      (error: unknown) => {
        store = undefined;
        throw error;
      },
    );
    return store;
  };
  return {
    location,
    openAsset: async (...args) => (await opened()).openAsset(...args),
    assetLink: async (...args) => (await opened()).assetLink(...args),
    readBranchFile: async (...args) => (await opened()).readBranchFile(...args),
    downloadCounts: async (...args) => (await opened()).downloadCounts(...args),
    listReleases: async () => (await opened()).listReleases(),
    listTags: async (...args) => (await opened()).listTags(...args),
    findReleaseByTag: async (...args) => (await opened()).findReleaseByTag(...args),
    createRelease: async (...args) => (await opened()).createRelease(...args),
    updateRelease: async (...args) => (await opened()).updateRelease(...args),
    deleteRelease: async (...args) => (await opened()).deleteRelease(...args),
    uploadAsset: async (...args) => (await opened()).uploadAsset(...args),
    deleteAsset: async (...args) => (await opened()).deleteAsset(...args),
    writeBranchFile: async (...args) => (await opened()).writeBranchFile(...args),
    deleteBranchFile: async (...args) => (await opened()).deleteBranchFile(...args),
  };
}

function createGitHubStore(store: { GitHubStore: typeof GitHubStore }, description: GitHubStoreDescription, options: OpenStoreOptions): GitHubStore {
  return store.GitHubStore.create({
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
