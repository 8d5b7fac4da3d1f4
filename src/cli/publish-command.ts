import { readFile, stat } from 'node:fs/promises';
import { loadConfig } from '../feed/config.js';
import { validatePublishRequest, type PublishRequest } from '../publish/inputs.js';
import { readNotesFile, resolveWithin } from '../publish/read-within.js';
import { PublishInputError } from '../publish/errors.js';
import { publish, type PublishResult } from '../publish/publish.js';
import { openStore } from '../store/open-store.js';
import { describeFsError } from '../util/fs-error.js';
import { formatBytes, progressReporter } from './progress.js';
import { stderrLogger } from './stderr-logger.js';
import { storeFromFlags, type StoreFlags } from './store-flags.js';

export interface PublishCommandOptions extends StoreFlags {
  config: string;
  app: string;
  buildType: string;
  version: string;
  path?: string;
  name?: string;
  notes?: string;
  notesFile?: string;
  public?: boolean;
  overwrite?: boolean;
  minNativeVersion?: string;
  rollout?: number;
  encryptKey?: string;
  sessionKey?: string;
  checksum?: string;
  branch: string;
  json?: boolean;
}

const HEADLINES: Record<PublishResult['outcome'], string> = {
  published: 'Published',
  registered: 'Registered pending version',
  updated: 'Updated',
  unchanged: 'Already published, nothing changed:',
  replaced: 'Replaced the file of',
};

export async function runPublish(options: PublishCommandOptions, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; env: NodeJS.ProcessEnv }): Promise<void> {
  const where = storeFromFlags(options, io.env, { create: true });
  const config = await loadConfig(options.config);
  const notes = options.notesFile === undefined ? options.notes : await readNotesFile(options.notesFile);
  // What the user names is read where the name says: a link out of its folder is refused (read-within.ts).
  if (options.path !== undefined) await resolveWithin(options.path, { field: 'path' });
  const encryptKey =
    options.encryptKey === undefined
      ? undefined
      : {
          pem: await readFile(options.encryptKey, 'utf8').catch((error: unknown) => {
            throw new PublishInputError('encrypt-key', `Cannot read '${options.encryptKey}': ${describeFsError(error)}.`);
          }),
          source: `--encrypt-key '${options.encryptKey}'`,
        };
  const request: PublishRequest = {
    app: options.app,
    buildType: options.buildType,
    version: options.version,
    path: options.path,
    name: options.name,
    notes,
    public: options.public,
    overwrite: options.overwrite,
    minNativeVersion: options.minNativeVersion,
    rollout: options.rollout,
    encryptKey,
    sessionKey: options.sessionKey,
    checksum: options.checksum,
  };
  // Bad input is refused before the store is opened, so it leaves nothing behind.
  validatePublishRequest(request, config.config);
  if (options.path !== undefined) {
    await stat(options.path).catch((error: unknown) => {
      throw new PublishInputError('path', `Cannot read '${options.path}': ${describeFsError(error)}.`);
    });
  }
  const store = await openStore(where, { branch: options.branch, log: stderrLogger(io.stderr) });
  // Run as a workflow step on the feed's own repository, the tag goes on the commit the run built, as the action does.
  const ownRepo = where.kind === 'github' && where.repo.toLowerCase() === (io.env['GITHUB_REPOSITORY'] ?? '').toLowerCase();
  const result = await publish({
    store,
    config,
    request,
    commit: ownRepo ? io.env['GITHUB_SHA'] || undefined : undefined,
    onProgress: progressReporter(io.stderr),
    onWait: (message) => io.stderr.write(`${message}\n`),
  });

  for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
  if (options.json) {
    const { manifest: _feed, ...summary } = result;
    io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const v = result.version;
  const lines = [`${HEADLINES[result.outcome]} ${v.app} ${v.buildType} ${v.version}`, `  version id  ${v.id}`];
  if (v.file) {
    lines.push(
      `  file        ${v.file.name} (${v.file.kind}${v.file.encryption ? ', encrypted' : ''})`,
      `  sha256      ${v.file.sha256}`,
      `  size        ${formatBytes(v.file.size)} (${v.file.size} bytes)`,
    );
    if (v.file.minNativeVersion) lines.push(`  native      ${v.file.minNativeVersion} or later`);
    if (v.file.kind === 'bundle') lines.push(`  rollout     ${v.rollout ?? 100}% of devices`);
  } else {
    lines.push('  file        none yet (pending: publish again with --path to attach it)');
  }
  if (result.downloadPath) lines.push(`  download    ${result.downloadPath}`);
  lines.push(`  manifest    ${result.manifestSha}${result.manifestChanged ? '' : ' (unchanged)'}`);
  io.stdout.write(`${lines.join('\n')}\n`);
}
