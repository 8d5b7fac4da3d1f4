import { access } from 'node:fs/promises';
import { CONFIG_FILE_NAME } from '../defaults.js';
import { loadConfig } from '../feed/config.js';
import { hashPassword } from '../users/password.js';
import { addUser, checkTeamIds, removeUser, setPassword, setTeams } from '../users/manage.js';
import type { User } from '../users/users.js';
import { readPassword } from './read-secret.js';
import { formatUsers, readUsers, writeUsersFile } from './users-source.js';

export interface CliIO {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
}

/** `updateforge hash-password`: the scrypt hash of a password, on the last line of stdout. */
export async function runHashPassword(io: CliIO): Promise<void> {
  const password = await readPassword('Password: ', io.stdin, io.stderr);
  io.stdout.write(`${await hashPassword(password)}\n`);
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks team ids against --config, else against an updateforge.json in the working directory;
 * with neither, says on stderr that they went unchecked (any id is accepted, and a typo locks a tester out).
 */
async function checkTeams(teams: string[], configPath: string | undefined, io: Pick<CliIO, 'stderr'>): Promise<void> {
  if (teams.length === 0 && configPath === undefined) return;
  const file = configPath ?? ((await fileExists(CONFIG_FILE_NAME)) ? CONFIG_FILE_NAME : undefined);
  if (file === undefined) {
    io.stderr.write(`warning: team ids not checked (no --config, and no ${CONFIG_FILE_NAME} in this folder); pass --config path/to/${CONFIG_FILE_NAME} to check them.\n`);
    return;
  }
  const declared = (await loadConfig(file)).config.teams.map((t) => t.id);
  checkTeamIds(teams, declared, file);
}

export interface UserEditOptions {
  email: string;
  teams?: string[];
  id?: string;
  usersFile?: string;
  config?: string;
}

export type UserEdit = 'add' | 'set-password' | 'set-teams' | 'remove';

/**
 * `updateforge user add|set-password|set-teams|remove`: reads the current users
 * (--users-file, else UPDATEFORGE_USERS) and applies the change. With --users-file the
 * file is the output: it is written back and stdout says only what changed, so no hash
 * reaches a terminal or CI log. Without it, stdout is the only output: the new
 * UPDATEFORGE_USERS value, hashes included (what was asked for), and the summary goes
 * to stderr so `$(updateforge user add ...)` captures the value alone.
 */
export async function runUserEdit(edit: UserEdit, options: UserEditOptions, io: CliIO): Promise<void> {
  const { users, from } = await readUsers({ file: options.usersFile, env: io.env, missingFileOk: edit === 'add' });
  let next: User[];
  let summary: string;
  switch (edit) {
    case 'add': {
      const teams = options.teams ?? [];
      await checkTeams(teams, options.config, io);
      const passwordHash = await hashPassword(await readPassword(`Password for ${options.email.trim()}: `, io.stdin, io.stderr));
      next = addUser(users, { email: options.email, teams, passwordHash, id: options.id });
      const added = next[next.length - 1];
      summary = `Added ${added?.id} (${added?.email}) to ${teams.length ? `teams ${teams.join(', ')}` : 'no team'}.`;
      break;
    }
    case 'set-password':
      next = setPassword(users, options.email, await hashPassword(await readPassword(`New password for ${options.email.trim()}: `, io.stdin, io.stderr)));
      summary = `Changed the password of ${options.email.trim()}; their existing tokens no longer work.`;
      break;
    case 'set-teams': {
      const teams = options.teams ?? [];
      await checkTeams(teams, options.config, io);
      next = setTeams(users, options.email, teams);
      summary = `${options.email.trim()} is now in ${teams.length ? `teams ${teams.join(', ')}` : 'no team'}.`;
      break;
    }
    case 'remove':
      next = removeUser(users, options.email);
      summary = `Removed ${options.email.trim()}.`;
      break;
  }
  if (options.usersFile !== undefined) {
    await writeUsersFile(options.usersFile, next);
    io.stdout.write(`${summary} Wrote ${options.usersFile}.\n`);
    return;
  }
  io.stderr.write(`${summary} Read from ${from}; set UPDATEFORGE_USERS to the line below.\n`);
  io.stdout.write(`${formatUsers(next)}\n`);
}

/** `updateforge user list`: who can log in, and to which teams (never the hashes); with --json, an array of `{ id, email, teams }`. */
export async function runUserList(options: { usersFile?: string; json?: boolean }, io: CliIO): Promise<void> {
  const { users, from } = await readUsers({ file: options.usersFile, env: io.env });
  if (users.length === 0) io.stderr.write(`No users (read from ${from}).\n`);
  if (options.json) {
    const listed = users.map((u) => ({ id: u.id, email: u.email, teams: u.teams }));
    io.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
    return;
  }
  for (const u of users) io.stdout.write(`${u.id}\t${u.email}\t${u.teams.join(',') || '-'}\n`);
}
