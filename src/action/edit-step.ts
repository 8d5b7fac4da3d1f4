import type { LoadedConfig } from '../feed/config.js';
import { releaseTag } from '../feed/release-body.js';
import { setRollout, yankVersion } from '../publish/edit-version.js';
import { editHeadline } from '../publish/outcome.js';
import { currentPublisher } from '../publish/version-lease.js';
import type { Store } from '../store/store.js';
import type { ActionCommand, ActionInputs } from './inputs.js';
import { setVersionOutputs } from './outputs.js';
import type { ActionIO } from './run-action.js';
import { editSummaryMarkdown } from './summary.js';

type EditCommand = Extract<ActionCommand, { name: 'rollout' | 'yank' }>;

/** `command: rollout` or `yank`: edits a published bundle's release and the manifest, then reports it. */
export async function runEdit(step: { store: Store; config: LoadedConfig; inputs: ActionInputs; command: EditCommand; io: ActionIO }): Promise<void> {
  const { store, command, io } = step;
  const edit = { store, config: step.config, ...command.target, onWait: (message: string) => io.log.info(message), publisher: currentPublisher(step.inputs.run) };
  const result = command.name === 'rollout' ? await setRollout({ ...edit, percent: command.percent }) : await yankVersion(edit);

  const v = result.version;
  const releaseUrl = `${step.inputs.serverUrl}/${store.location}/releases/tag/${encodeURIComponent(releaseTag(v.app, v.buildType, v.version))}`;
  setVersionOutputs(io, { version: v, releaseUrl, manifestSha: result.manifestSha });
  io.log.info(`${editHeadline(result, command.name)} (version id ${v.id})`);
  await io.appendSummary(editSummaryMarkdown(result, { command: command.name, repo: store.location, releaseUrl }));
}
