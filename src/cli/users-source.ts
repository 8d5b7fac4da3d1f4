import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseUsers, type User } from '../users/users.js';
import { describeFsError } from '../util/fs-error.js';
import { UsageError } from './errors.js';

export interface UsersSource {
  readonly users: User[];
  /** Where they came from, for messages: a file path or `UPDATEFORGE_USERS`, saying when it is not set. */
  readonly from: string;
}

/** Users from `--users-file` when given, else from the UPDATEFORGE_USERS variable, else none. */
export async function readUsers(options: { file?: string | undefined; env: NodeJS.ProcessEnv; missingFileOk?: boolean }): Promise<UsersSource> {
  if (options.file !== undefined) {
    let text: string;
    try {
      text = await readFile(options.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && options.missingFileOk) return { users: [], from: options.file };
      throw new UsageError(`Cannot read --users-file '${options.file}': ${describeFsError(error)}.`, { cause: error });
    }
    return { users: parseUsers(text, options.file), from: options.file };
  }
  const json = options.env['UPDATEFORGE_USERS'];
  if (json === undefined || json.trim() === '') return { users: [], from: 'UPDATEFORGE_USERS, which is not set' };
  return { users: parseUsers(json), from: 'UPDATEFORGE_USERS' };
}

/** The value for UPDATEFORGE_USERS: one line, so it pastes into a secret or an env file as is. */
export function formatUsers(users: readonly User[]): string {
  return JSON.stringify(users);
}

/** Replaces the users file in one step, readable by its owner only (it holds password hashes). */
export async function writeUsersFile(file: string, users: readonly User[]): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}
