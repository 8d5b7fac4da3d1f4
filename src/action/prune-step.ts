import type { LoadedConfig } from '../feed/config.js';
import { versionName } from '../publish/outcome.js';
import { prune, type PruneResult } from '../publish/prune.js';
import type { Store } from '../store/store.js';
import type { ActionCommand, PruneTarget } from './inputs.js';
import type { ActionIO } from './run-action.js';
import { pruneSummaryMarkdown } from './summary.js';

/** Prunes one app and build type to its newest `keep` versions, logs and summarises what went. */
export async function pruneAndReport(step: {
  store: Store;
  config: LoadedConfig;
  target: PruneTarget;
  dryRun: boolean;
  io: ActionIO;
  /** Kept whatever their age: what this run just published. */
  spare?: readonly string[];
}): Promise<PruneResult> {
  const { store, target, io } = step;
  const result = await prune({
    store,
    config: step.config.config,
    ...target,
    dryRun: step.dryRun,
    spare: step.spare,
    onDelete: (v, index, total) => io.log.info(`Deleting ${versionName(v)} (${index + 1}/${total})`),
  });
  const verb = result.dryRun ? 'Would prune' : 'Pruned';
  io.log.info(
    result.remove.length === 0 ? `Nothing to prune: ${target.app} ${target.buildType} keeps its newest ${target.keep}.` : `${verb} ${result.remove.map(versionName).join(', ')}`,
  );
  await io.appendSummary(pruneSummaryMarkdown(result, { ...target, repo: store.location }));
  return result;
}

/** `command: prune`: the only output that applies is the manifest's sha (unchanged on a dry run). */
export async function runPrune(step: { store: Store; config: LoadedConfig; command: Extract<ActionCommand, { name: 'prune' }>; io: ActionIO }): Promise<void> {
  const result = await pruneAndReport({ ...step, target: step.command.target, dryRun: step.command.dryRun });
  step.io.setOutput('manifest-sha', result.manifestSha ?? '');
}
