import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../feed/config.js';
import { describeFsError } from '../util/fs-error.js';
import { PublishInputError } from './errors.js';
import { validatePublishRequest, type PublishRequest } from './inputs.js';
import { readNotesFile, resolveWithin } from './read-within.js';

/** A publish as the CLI's flags or the action's inputs give it, before any file it names is read. */
export interface RawPublishRequest extends Omit<PublishRequest, 'encryptKey'> {
  /** Release notes kept in a file; read instead of `notes`. */
  readonly notesFile?: string | undefined;
  /** The RSA private key: its PEM text (the action's input) or the file holding it (the CLI's flag); `source` names it in messages. */
  readonly encryptKey?: { readonly pem: string; readonly source: string } | { readonly file: string; readonly source: string } | undefined;
}

/**
 * Where the files a request names are read. With a `workspace` (the action), a relative path
 * is resolved against it and every file must lie inside it: the repository is not trusted to
 * keep its links there. Without (the CLI), a path is the user's, relative to the working
 * directory, and only a symbolic link out of the file's own folder is refused.
 */
export interface ReadScope {
  readonly workspace?: string | undefined;
}

/** The file `file` names in `scope`, refused (naming `field`) when it leads out of it. */
export async function pathInScope(file: string, field: string, scope: ReadScope): Promise<string> {
  if (scope.workspace === undefined) {
    await resolveWithin(file, { field });
    return file;
  }
  const absolute = path.resolve(scope.workspace, file);
  await resolveWithin(absolute, { root: scope.workspace, field, shown: file });
  return absolute;
}

/**
 * The one way the CLI and the action turn what they were given into a publish request: the
 * notes file and the key file are read here, once, every path is resolved in `scope`, and the
 * whole request is checked against the config, so bad input is refused before a store is opened.
 */
export async function resolvePublishRequest(raw: RawPublishRequest, options: { config: Config; scope: ReadScope }): Promise<PublishRequest> {
  const { notesFile, encryptKey, ...request } = raw;
  const notes = notesFile === undefined ? raw.notes : await readNotesFile(...notesFileIn(notesFile, options.scope));
  // An empty path stays as given, for validation to refuse: resolved, it would name the workspace itself.
  const bundlePath = raw.path === undefined || raw.path.trim() === '' ? raw.path : await pathInScope(raw.path, 'path', options.scope);
  const resolved: PublishRequest = { ...request, notes, path: bundlePath, encryptKey: encryptKey && (await readKey(encryptKey, options.scope)) };
  validatePublishRequest(resolved, options.config);
  return resolved;
}

function notesFileIn(file: string, scope: ReadScope): Parameters<typeof readNotesFile> {
  return scope.workspace === undefined ? [file] : [path.resolve(scope.workspace, file), { root: scope.workspace, shown: file }];
}

// The key is the maintainer's own secret, not repository content, so it is read where it is named.
async function readKey(key: NonNullable<RawPublishRequest['encryptKey']>, scope: ReadScope): Promise<PublishRequest['encryptKey']> {
  if ('pem' in key) return key;
  const pem = await readFile(path.resolve(scope.workspace ?? '', key.file), 'utf8').catch((error: unknown) => {
    throw new PublishInputError('encrypt-key', `Cannot read '${key.file}': ${describeFsError(error)}.`, { cause: error });
  });
  return { pem, source: key.source };
}
