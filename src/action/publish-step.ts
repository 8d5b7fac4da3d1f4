import path from 'node:path';
import type { LoadedConfig } from '../feed/config.js';
import { publish } from '../publish/publish.js';
import { readNotesFile } from '../publish/read-within.js';
import { currentPublisher } from '../publish/version-lease.js';
import type { Store } from '../store/store.js';
import type { ActionCommand, ActionInputs } from './inputs.js';
import type { ActionIO, InWorkspace } from './run-action.js';
import { setVersionOutputs } from './outputs.js';
import { summaryMarkdown } from './summary.js';

/** `command: publish`: packages and publishes the build, then reports it. */
export async function runPublish(step: {
  store: Store;
  config: LoadedConfig;
  inputs: ActionInputs;
  command: Extract<ActionCommand, { name: 'publish' }>;
  inWorkspace: InWorkspace;
  io: ActionIO;
}): Promise<void> {
  const { store, inputs, command, io } = step;
  const notes =
    command.notesFile === undefined
      ? command.request.notes
      : await readNotesFile(path.resolve(inputs.workspace, command.notesFile), { root: inputs.workspace, shown: command.notesFile });
  const bundlePath = command.request.path === undefined ? undefined : await step.inWorkspace(command.request.path, 'path');
  const result = await publish({
    store,
    config: step.config,
    request: { ...command.request, notes, path: bundlePath },
    onProgress: (p) => io.progress(p),
    onWait: (message) => io.log.info(message),
    publisher: currentPublisher(inputs.run),
    commit: inputs.commit,
  });

  const v = result.version;
  // A pending version's release is a draft, which has no page by tag.
  const releaseUrl = `${inputs.serverUrl}/${store.location}/releases${v.file ? `/tag/${encodeURIComponent(result.tag)}` : ''}`;
  setVersionOutputs(io, { version: v, releaseUrl, manifestSha: result.manifestSha });
  for (const warning of result.warnings) io.log.warn(warning);
  io.log.info(`${result.outcome} ${v.app} ${v.buildType} ${v.version} (version id ${v.id})`);
  await io.appendSummary(summaryMarkdown(result, { repo: store.location, releaseUrl }));
}
