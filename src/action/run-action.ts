import path from 'node:path';
import { loadConfig } from '../feed/config.js';
import { PublishInputError } from '../publish/errors.js';
import type { PublishProgress } from '../publish/publish.js';
import { resolveWithin } from '../publish/read-within.js';
import { openStore } from '../store/open-store.js';
import { errorMessage } from '../util/error-message.js';
import type { Logger } from '../util/logger.js';
import { runEdit } from './edit-step.js';
import { parseActionInputs, type Env } from './inputs.js';
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

/** A path an input names, made absolute; refused when it leads out of the workspace. */
export type InWorkspace = (file: string, field: string) => Promise<string>;

/** The action: inputs → publish, rollout or yank on the feed's GitHub repository → outputs and job summary. */
export async function runAction(io: ActionIO): Promise<void> {
  const inputs = parseActionInputs(io.env);
  const { command } = inputs;
  // Masked before anything can print them; a key is masked line by line, as the runner matches lines.
  io.setSecret(inputs.token);
  if (command.name === 'publish') for (const line of command.request.encryptKey?.pem.split('\n') ?? []) if (line.trim().length > 8) io.setSecret(line.trim());

  // Every path an input names is read inside the workspace: the repository is not trusted to keep its links there.
  const inWorkspace: InWorkspace = async (file, field) => {
    const absolute = path.resolve(inputs.workspace, file);
    await resolveWithin(absolute, { root: inputs.workspace, field, shown: file });
    return absolute;
  };
  const config = await loadConfig(await inWorkspace(inputs.configPath, 'config'));
  const store = await openStore(
    { kind: 'github', repo: inputs.repo, token: inputs.token, apiUrl: inputs.apiUrl, patience: 'publish', pacingMs: inputs.pacingMs, retryBaseMs: inputs.retryBaseMs },
    { branch: inputs.branch, log: io.log },
  );
  const step = { store, config, inputs, io };
  if (command.name === 'publish') await runPublish({ ...step, command, inWorkspace });
  else await runEdit({ ...step, command });
}

/** The one line the run fails with: which input to fix, or what went wrong; never a stack. */
export function failureMessage(error: unknown): string {
  if (error instanceof PublishInputError) return `Input \`${error.field}\`: ${error.message}`;
  return errorMessage(error);
}
