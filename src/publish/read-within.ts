import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { describeFsError } from '../util/fs-error.js';
import { PublishInputError } from './errors.js';

export interface WithinOptions {
  /** The folder the file must be in; by default the folder its own name puts it in. */
  readonly root?: string;
  /** The flag or input the message names. */
  readonly field: string;
  /** How messages name the file, if not by `file` itself (e.g. the path as the user wrote it). */
  readonly shown?: string;
  /** What the file is, for messages: "Icon of app 'rocket' ('icons/rocket.png')"; by default the file's name. */
  readonly what?: string;
}

/** How messages name the file: "Icon of app 'rocket' ('icons/rocket.png')", or its name in quotes. */
function nameOf(file: string, options: WithinOptions): string {
  return options.what ?? `'${options.shown ?? file}'`;
}

/** "Icon of app …: reason." or "Cannot read 'file': reason." */
function unreadable(file: string, options: WithinOptions, error: unknown): PublishInputError {
  const reason = describeFsError(error);
  return new PublishInputError(options.field, options.what ? `${options.what}: ${reason}.` : `Cannot read '${options.shown ?? file}': ${reason}.`, { cause: error });
}

/**
 * `file` with every symbolic link followed, if that is still inside `root`. The
 * publisher reads files from a checked-out repository on behalf of a workflow whose
 * environment holds a write token and signing keys: a link out of the repository (to
 * /proc/self/environ, or .git/config) would publish them as an icon or release notes.
 */
export async function resolveWithin(file: string, options: WithinOptions): Promise<string> {
  const what = nameOf(file, options);
  const root = options.root ?? path.dirname(path.resolve(file));
  const [realRoot, real] = await Promise.all([realpath(root), realpath(path.resolve(file))]).catch((error: unknown) => {
    throw unreadable(file, options, error);
  });
  const relative = path.relative(realRoot, real);
  // The root itself is inside (a workspace that is the web build); a file can never be it.
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    throw new PublishInputError(options.field, `${what} resolves to '${real}', outside '${root}'; only files inside it are read (a symbolic link may not lead out).`);
  }
  return real;
}

/** The bytes of a regular file inside `root` (see resolveWithin), at most `maxBytes` of them. */
export async function readWithin(file: string, options: WithinOptions & { readonly maxBytes: number }): Promise<Buffer> {
  const what = nameOf(file, options);
  const real = await resolveWithin(file, options);
  const fail = (error: unknown): never => {
    throw unreadable(file, options, error);
  };
  if (!(await stat(real).catch(fail)).isFile()) throw new PublishInputError(options.field, `${what} is not a file.`);
  // Read one byte past the limit rather than trust the size: some files report 0 and hold more.
  const handle = await open(real, 'r').catch(fail);
  try {
    const buffer = Buffer.alloc(options.maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null).catch(fail);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > options.maxBytes) throw new PublishInputError(options.field, `${what} is larger than ${options.maxBytes} bytes.`);
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** Release notes are at most 100,000 characters (inputs.ts); a file may hold them in up to 4 bytes each. */
const MAX_NOTES_BYTES = 400_000;

/** Release notes from a file (the CLI's `--notes-file`, the action's `notes-file`), read only inside `root` (see resolveWithin). */
export async function readNotesFile(file: string, where: { root?: string; shown?: string } = {}): Promise<string> {
  return (await readWithin(file, { field: 'notes-file', maxBytes: MAX_NOTES_BYTES, ...where })).toString('utf8');
}
