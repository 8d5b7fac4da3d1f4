import type { LoadedConfig } from '../feed/config.js';
import { announcePublish } from '../publish/notify.js';
import { publishHeadline } from '../publish/outcome.js';
import { publish } from '../publish/publish.js';
import type { PruneResult } from '../publish/prune.js';
import { resolvePublishRequest } from '../publish/request.js';
import { currentPublisher } from '../publish/version-lease.js';
import type { Store } from '../store/store.js';
import type { ActionCommand, ActionInputs } from './inputs.js';
import { installOutputs } from './install-link.js';
import { setVersionOutputs } from './outputs.js';
import { pruneAndReport } from './prune-step.js';
import type { ActionIO } from './run-action.js';
import { summaryMarkdown } from './summary.js';

/** `command: publish`: packages and publishes the build, then reports it. */
export async function runPublish(step: {
  store: Store;
  config: LoadedConfig;
  inputs: ActionInputs;
  command: Extract<ActionCommand, { name: 'publish' }>;
  io: ActionIO;
}): Promise<void> {
  const { store, config, inputs, io } = step;
  const request = await resolvePublishRequest(step.command.request, { config: config.config, scope: { workspace: inputs.workspace } });
  const result = await publish({
    store,
    config,
    request,
    onProgress: (p) => io.progress(p),
    onWait: (message) => io.log.info(message),
    publisher: currentPublisher(inputs.run),
    commit: inputs.commit,
  });

  const v = result.version;
  // A pending version's release is a draft, which has no page by tag.
  const releaseUrl = `${inputs.serverUrl}/${store.location}/releases${v.file ? `/tag/${encodeURIComponent(result.tag)}` : ''}`;
  for (const warning of result.warnings) io.log.warn(warning);
  io.log.info(`${publishHeadline(result)} (version id ${v.id})`);
  const problem = await announcePublish(step.command.notifyWebhook, result, store.location);
  if (problem) io.log.warn(problem);
  const install = (await installOutputs(v, step.command.pageUrl, inputs.tempDir)) ?? undefined;
  if (install) io.log.info(`Testers install it at ${install.url}`);
  await io.appendSummary(summaryMarkdown(result, { repo: store.location, releaseUrl, install }));

  // `keep`: prune after the publish, sparing what it published; a failed prune still leaves the publish's outputs set.
  const { keep } = step.command;
  let pruned: PruneResult | undefined;
  let pruneFailure: { error: unknown } | undefined;
  if (keep !== undefined) {
    try {
      pruned = await pruneAndReport({ store, config, target: { app: v.app, buildType: v.buildType, keep }, dryRun: false, io, spare: [v.id] });
    } catch (error) {
      pruneFailure = { error };
    }
  }
  setVersionOutputs(io, { version: v, releaseUrl, manifestSha: pruned?.changed && pruned.manifestSha ? pruned.manifestSha : result.manifestSha, install });
  if (pruneFailure) throw pruneFailure.error;
}
