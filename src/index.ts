// The library: what the CLI and the action are made of, for scripts and tools that drive a feed
// from code (`import { publish, openStore } from 'updateforge'`). These exports follow semver;
// anything imported from a deeper path does not.

// Where a feed lives, and what it declares.
export { openStore, type StoreDescription, type OpenStoreOptions } from './store/open-store.js';
export type { Store, FeedReader } from './store/store.js';
export { loadConfig, parseConfig, type Config, type LoadedConfig } from './feed/config.js';

// Writing to a feed: the same pipeline as `updateforge publish`, `rollout`, `yank`, `edit`, `prune` and `repair`.
export { publish, type PublishOptions, type PublishResult, type PublishProgress } from './publish/publish.js';
export type { PublishRequest } from './publish/inputs.js';
export { setRollout, yankVersion, editMetadata, type VersionEdit, type EditResult, type MetadataChange } from './publish/edit-version.js';
export { prune, planPrune, type PruneRequest, type PruneResult, type PrunePlan } from './publish/prune.js';
export { repairManifest, type RepairResult } from './publish/repair.js';

// Reading a feed: the manifest, what testers and devices get, `updateforge status`.
export { parseManifest, type Manifest } from './feed/manifest.js';
export type { VersionRecord, FileRecord } from './feed/version-record.js';
export { indexManifest, type FeedSnapshot } from './feed/feed-snapshot.js';
export { feedStatus, type FeedStatus } from './feed/status.js';
export { downloadPath, testerPageLink } from './feed/api-paths.js';

// Serving a feed, as `updateforge serve` does.
export { createServerContext } from './server/create-context.js';
export { startServer, type RunningServer } from './server/node-server.js';
export { parseUsers, type User } from './users/users.js';
export { hashPassword } from './users/password.js';
export { jsonLogger, silentLogger, type Logger } from './util/logger.js';

// Every error UpdateForge throws is an UpdateForgeError; its kind says what went wrong (input, conflict, unavailable…).
export { UpdateForgeError, kindOf, type ErrorKind } from './errors.js';
