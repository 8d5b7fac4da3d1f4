import { loadConfig } from '../feed/config.js';
import type { PublishProgress } from '../publish/publish.js';
import { pathInScope } from '../publish/request.js';
import { openStore } from '../store/open-store.js';
import { storeTuning } from '../store/tuning.js';
import { errorMessage } from '../util/error-message.js';
import { fieldOf } from '../errors.js';
import type { Logger } from '../util/logger.js';
import { runEdit } from './edit-step.js';
import { parseActionInputs, type Env } from './inputs.js';
import { runPrune } from './prune-step.js';
import { runPublish } from './publish-step.js';

/** What the action needs from the runner, handed in (production: @actions/core; tests: plain functions). */
export interface ActionIO {
  readonly env: Env;
  setOutput(name: string, value: string): void;
  setSecret(value: string): void;
  appendSummary(markdown: string): Promise<void>;
  readonly log: Logger;
  progress(progress: PublishProgress): void;
}

/** The action: inputs → publish, rollout, yank or prune on the feed's GitHub repository → outputs and job summary. */
export async function runAction(io: ActionIO): Promise<void> {
  const inputs = parseActionInputs(io.env);
  const { command } = inputs;
  // Masked before anything can print them; a key is masked line by line, as the runner matches lines.
  io.setSecret(inputs.token);
  if (command.name === 'publish' && command.notifyWebhook) {
    // As typed and as parsed: the runner masks exact text, and the two can differ (a trailing slash).
    io.setSecret(command.notifyWebhook.href);
    io.setSecret((io.env['INPUT_NOTIFY-WEBHOOK'] ?? '').trim());
  }
  const key = command.name === 'publish' ? command.request.encryptKey : undefined;
  // Each line of the key's body: the runner masks line by line. The armor lines (-----BEGIN ... KEY-----) are
  // the same in every key, so they are not masked, and `::add-mask::` never prints one.
  if (key && 'pem' in key) for (const line of key.pem.split('\n').map((l) => l.trim())) if (line.length > 8 && !line.startsWith('-----')) io.setSecret(line);

  const config = await loadConfig(await pathInScope(inputs.configPath, 'config', { workspace: inputs.workspace }));
  const store = await openStore(
    { kind: 'github', repo: inputs.repo, token: inputs.token, apiUrl: inputs.apiUrl, patience: 'publish', ...storeTuning(io.env) },
    { branch: inputs.branch, log: io.log },
  );
  const step = { store, config, inputs, io };
  if (command.name === 'publish') await runPublish({ ...step, command });
  else if (command.name === 'prune') await runPrune({ ...step, command });
  else await runEdit({ ...step, command });
}

/** The one line the run fails with: which input to fix, or what went wrong; never a stack. */
export function failureMessage(error: unknown): string {
  const field = fieldOf(error);
  return field === undefined ? errorMessage(error) : `Input \`${field}\`: ${errorMessage(error)}`;
}
