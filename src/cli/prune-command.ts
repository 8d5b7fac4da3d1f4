import { loadConfig } from '../feed/config.js';
import { versionName } from '../publish/outcome.js';
import { formatSize } from '../util/format-size.js';
import { KEEP_REASONS, parseKeep, prune, type PruneResult, type PrunedVersion } from '../publish/prune.js';
import { openStore } from '../store/open-store.js';
import { stderrLogger } from './stderr-logger.js';
import { storeFromFlags, type StoreFlags } from './store-flags.js';

export interface PruneCommandOptions extends StoreFlags {
  config: string;
  branch: string;
  keep: string;
  app?: string;
  buildType?: string;
  dryRun?: boolean;
  json?: boolean;
}

type PruneIO = { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; env: NodeJS.ProcessEnv };

/** `updateforge prune`: deletes the releases of versions past the newest N (never what testers or devices still get), then updates the manifest. */
export async function runPrune(options: PruneCommandOptions, io: PruneIO): Promise<void> {
  // The flags are checked before the config is read or the store opened.
  const keep = parseKeep(options.keep);
  const where = storeFromFlags(options, io.env, { create: false });
  const config = await loadConfig(options.config);
  const store = await openStore(where, { branch: options.branch, log: stderrLogger(io.stderr) });
  const result = await prune({
    store,
    config: config.config,
    keep,
    app: options.app,
    buildType: options.buildType,
    dryRun: options.dryRun,
    onDelete: (v, index, total) => io.stderr.write(`Deleting ${versionName(v)} (${index + 1}/${total})…\n`),
  });
  if (options.json) {
    const { remove, protected: kept, ...rest } = result;
    io.stdout.write(
      `${JSON.stringify({ dryRun: rest.dryRun, removed: remove, kept: rest.kept, protected: kept, manifestSha: rest.manifestSha, changed: rest.changed }, null, 2)}\n`,
    );
    return;
  }
  io.stdout.write(formatPrune(result, keep));
}

/**
 * One line per version removed (or that would be), then the total:
 *
 *     removed  rocket  release  1.0.0  1.2 MB
 *     kept     rocket  release  0.9.0  devices may still be offered it
 *     Removed 1 version, 1.2 MB freed; keeping the newest 3 of each app and build type.
 */
export function formatPrune(result: PruneResult, keep: number): string {
  const scope = `the newest ${keep} of each app and build type`;
  const line = (label: string, v: PrunedVersion, tail: string) => `${label.padEnd(9)}${[v.app, v.buildType, v.version, tail].join('  ')}`;
  const kept = result.protected.map((v) => line('kept', v, KEEP_REASONS[v.reason]));
  if (result.remove.length === 0) return [`Nothing to prune: keeping ${scope}.`, ...kept, ''].join('\n');
  const removed = result.remove.map((v) => line(result.dryRun ? 'would go' : 'removed', v, v.size === null ? 'no file' : formatSize(v.size)));
  const bytes = result.remove.reduce((sum, v) => sum + (v.size ?? 0), 0);
  const count = `${result.remove.length} version${result.remove.length === 1 ? '' : 's'}`;
  const total = result.dryRun
    ? [`Would remove ${count}, freeing ${formatSize(bytes)}; keeping ${scope}. Nothing was written (--dry-run).`]
    : [`Removed ${count}, ${formatSize(bytes)} freed; keeping ${scope}.`, `  manifest    ${result.manifestSha}`];
  return [...removed, ...kept, ...total, ''].join('\n');
}
