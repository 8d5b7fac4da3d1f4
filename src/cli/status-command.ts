import { access } from 'node:fs/promises';
import { loadConfig, type Config } from '../feed/config.js';
import type { Manifest } from '../feed/manifest.js';
import { readFeedManifest } from '../feed/read-manifest.js';
import { assetIdsOf, feedStatus } from '../feed/status.js';
import { openStore } from '../store/open-store.js';
import type { FeedReader } from '../store/store.js';
import { errorMessage } from '../util/error-message.js';
import { formatStatus } from './status-report.js';
import { stderrLogger } from './stderr-logger.js';
import { storeFromFlags, type StoreFlags } from './store-flags.js';

export interface StatusCommandOptions extends StoreFlags {
  config: string;
  /** False when `--config` was left at its default: then a missing file only means "the manifest's order". */
  configGiven: boolean;
  branch: string;
  json?: boolean;
}

type StatusIO = { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; env: NodeJS.ProcessEnv };

/** `updateforge status`: the feed at a glance, read from its manifest. Never writes. */
export async function runStatus(options: StatusCommandOptions, io: StatusIO): Promise<void> {
  const where = storeFromFlags(options, io.env, { create: false });
  const config = await configFor(options);
  // Typed as the read half: this command cannot write to the feed.
  const reader: FeedReader = await openStore(where, { branch: options.branch, log: stderrLogger(io.stderr) });
  const manifest = (await readFeedManifest(reader))?.manifest ?? null;
  const status = feedStatus({ location: reader.location, manifest, config, downloads: await downloadCounts(reader, manifest, io.stderr) });
  io.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
}

/** The store's download counts of the manifest's files; null (and a warning) when they cannot be read, which fails nothing else. */
async function downloadCounts(reader: FeedReader, manifest: Manifest | null, stderr: NodeJS.WriteStream): Promise<ReadonlyMap<string, number> | null> {
  const assetIds = assetIdsOf(manifest);
  if (assetIds.length === 0) return null;
  try {
    return await reader.downloadCounts(assetIds);
  } catch (error) {
    stderr.write(`warning: download counts could not be read from ${reader.location}: ${errorMessage(error)}\n`);
    return null;
  }
}

/** The config, for the order of teams and apps; none when the default file is absent (the manifest has its own copy). */
async function configFor(options: StatusCommandOptions): Promise<Config | undefined> {
  if (!options.configGiven && !(await exists(options.config))) return undefined;
  return (await loadConfig(options.config)).config;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
