import path from 'node:path';
import { loadConfig } from '../feed/config.js';
import { PublishInputError } from '../publish/errors.js';
import { publish, type PublishProgress } from '../publish/publish.js';
import { readNotesFile, resolveWithin } from '../publish/read-within.js';
import { currentPublisher } from '../publish/version-lease.js';
import { GitHubStore } from '../store/github-store.js';
import type { Logger } from '../util/logger.js';
import { parseActionInputs, type Env } from './inputs.js';
import { summaryMarkdown } from './summary.js';
import { errorMessage } from '../util/error-message.js';

/** What the action needs from the runner, handed in (production: @actions/core; tests: plain functions). */
export interface ActionIO {
  readonly env: Env;
  setOutput(name: string, value: string): void;
  setSecret(value: string): void;
  appendSummary(markdown: string): Promise<void>;
  readonly log: Logger;
  progress(progress: PublishProgress): void;
}

/** The action: inputs → the publish pipeline on GitHub Releases → outputs and job summary. */
export async function runAction(io: ActionIO): Promise<void> {
  const inputs = parseActionInputs(io.env);
  // Masked before anything can print them; a key is masked line by line, as the runner matches lines.
  io.setSecret(inputs.token);
  for (const line of inputs.request.encryptKey?.pem.split('\n') ?? []) if (line.trim().length > 8) io.setSecret(line.trim());

  // Every path an input names is read inside the workspace: the repository is not trusted to keep its links there.
  const inWorkspace = async (file: string, field: string) => {
    const absolute = path.resolve(inputs.workspace, file);
    await resolveWithin(absolute, { root: inputs.workspace, field, shown: file });
    return absolute;
  };
  const config = await loadConfig(await inWorkspace(inputs.configPath, 'config'));
  const notes = inputs.notesFile === undefined ? inputs.request.notes : await readNotesFile(path.resolve(inputs.workspace, inputs.notesFile), { root: inputs.workspace, shown: inputs.notesFile });
  const bundlePath = inputs.request.path === undefined ? undefined : await inWorkspace(inputs.request.path, 'path');
  const store = GitHubStore.create({
    token: inputs.token,
    repo: inputs.repo,
    branch: inputs.branch,
    apiUrl: inputs.apiUrl,
    log: io.log,
    pacingMs: inputs.pacingMs,
    ...(inputs.retryBaseMs === undefined ? {} : { retryBaseMs: inputs.retryBaseMs }),
  });
  const result = await publish({
    store,
    config,
    request: { ...inputs.request, notes, path: bundlePath },
    onProgress: (p) => io.progress(p),
    onWait: (message) => io.log.info(message),
    publisher: currentPublisher(inputs.run),
    commit: inputs.commit,
  });

  const v = result.version;
  const releaseUrl = `${inputs.serverUrl}/${store.location}/releases${v.file ? `/tag/${encodeURIComponent(result.tag)}` : ''}`;
  io.setOutput('version-id', v.id);
  io.setOutput('sha256', v.file?.sha256 ?? '');
  io.setOutput('size', v.file ? String(v.file.size) : '');
  io.setOutput('release-url', releaseUrl);
  io.setOutput('download-path', result.downloadPath ?? '');
  io.setOutput('manifest-sha', result.manifestSha);
  for (const warning of result.warnings) io.log.warn(warning);
  io.log.info(`${result.outcome} ${v.app} ${v.buildType} ${v.version} (version id ${v.id})`);
  await io.appendSummary(summaryMarkdown(result, { repo: store.location, releaseUrl }));
}

/** The one line the run fails with: which input to fix, or what went wrong; never a stack. */
export function failureMessage(error: unknown): string {
  if (error instanceof PublishInputError) return `Input \`${error.field}\`: ${error.message}`;
  return errorMessage(error);
}
