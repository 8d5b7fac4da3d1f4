import { loadConfig } from '../feed/config.js';
import { editMetadata, setRollout, yankVersion, type EditResult } from '../publish/edit-version.js';
import { editHeadline } from '../publish/outcome.js';
import { readNotesFile } from '../publish/read-within.js';
import { openStore } from '../store/open-store.js';
import { stderrLogger } from './stderr-logger.js';
import { UsageError } from './errors.js';
import { storeFromFlags, type StoreFlags } from './store-flags.js';

export interface EditCommandOptions extends StoreFlags {
  config: string;
  app: string;
  buildType: string;
  version: string;
  branch: string;
  json?: boolean;
}

/** `updateforge edit`: what to change; at least one of them. */
export interface MetadataEditOptions extends EditCommandOptions {
  name?: string;
  notes?: string;
  notesFile?: string;
  public?: boolean;
}

type EditIO = { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; env: NodeJS.ProcessEnv };

async function target(options: EditCommandOptions, io: EditIO) {
  // The flags are checked before the config is read or the store opened.
  const where = storeFromFlags(options, io.env, { create: false });
  const config = await loadConfig(options.config);
  return {
    store: await openStore(where, { branch: options.branch, log: stderrLogger(io.stderr) }),
    config,
    app: options.app,
    buildType: options.buildType,
    version: options.version,
    onWait: (message: string) => io.stderr.write(`${message}\n`),
  };
}

function report(result: EditResult, edit: 'rollout' | 'yank', json: boolean | undefined, io: { stdout: NodeJS.WriteStream }): void {
  io.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${editHeadline(result, edit)}\n  manifest    ${result.manifestSha}\n`);
}

/** `updateforge rollout`: offers a bundle to a different share of devices. */
export async function runRollout(options: EditCommandOptions & { percent: number }, io: EditIO): Promise<void> {
  const result = await setRollout({ ...(await target(options, io)), percent: options.percent });
  if (options.percent < 100) io.stderr.write(`note: devices outside the ${options.percent}% that already installed ${options.version} will be offered the previous bundle.\n`);
  report(result, 'rollout', options.json, io);
}

/** `updateforge yank`: withdraws a bundle for good; devices roll back to the previous one. */
export async function runYank(options: EditCommandOptions, io: EditIO): Promise<void> {
  report(await yankVersion(await target(options, io)), 'yank', options.json, io);
}

/** `updateforge edit`: changes a version's name, notes or public flag without uploading anything. */
export async function runEdit(options: MetadataEditOptions, io: EditIO): Promise<void> {
  if ([options.name, options.notes, options.notesFile, options.public].every((v) => v === undefined)) {
    throw new UsageError('Nothing to change: give --name, --notes, --notes-file, --public or --no-public.');
  }
  const notes = options.notesFile === undefined ? options.notes : await readNotesFile(options.notesFile);
  const result = await editMetadata({ ...(await target(options, io)), change: { name: options.name, notes, public: options.public } });
  if (options.json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const v = result.version;
  io.stdout.write(
    `${editHeadline(result, 'edit')}\n  name        ${v.name === '' ? '(none)' : v.name}\n  public      ${v.public ? 'yes' : 'no'}\n  manifest    ${result.manifestSha}\n`,
  );
}
