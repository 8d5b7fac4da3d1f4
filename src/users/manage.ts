import { randomBytes } from 'node:crypto';
import { normalizeEmail, UsersSchema, type User } from './users.js';
import { UpdateForgeError } from '../errors.js';
import { closestMatch } from '../util/suggest.js';

/** A change to the user list that cannot be made as asked; the message says why. */
export class UserEditError extends UpdateForgeError {
  override readonly name = 'UserEditError';
  readonly kind = 'input';
}

/**
 * Refuses team ids the feed does not declare (`known`, from the config file `where`), suggesting
 * the closest declared id for each typo. The error names `--teams`, the flag to fix.
 */
export function checkTeamIds(teams: readonly string[], known: readonly string[], where: string): void {
  const unknown = teams.filter((t) => !known.includes(t));
  if (unknown.length === 0) return;
  const matches = unknown.flatMap((t) => {
    const match = closestMatch(t, known);
    return match === undefined ? [] : [{ typo: t, match }];
  });
  const hint =
    matches.length === 0
      ? ''
      : unknown.length === 1
        ? `; did you mean '${matches[0]!.match}'?`
        : `; did you mean ${matches.map((m) => `'${m.match}' for '${m.typo}'`).join(', ')}?`;
  const list = known.map((t) => `'${t}'`).join(', ') || 'none';
  throw new UserEditError(`unknown team${unknown.length === 1 ? '' : 's'} ${unknown.map((t) => `'${t}'`).join(', ')} (teams in ${where}: ${list})${hint}`, { field: 'teams' });
}

function find(users: readonly User[], email: string): User {
  const user = users.find((u) => normalizeEmail(u.email) === normalizeEmail(email));
  if (!user) throw new UserEditError(`No user with email '${email.trim()}'.`);
  return user;
}

function checked(users: User[]): User[] {
  const result = UsersSchema.safeParse(users);
  if (!result.success) throw new UserEditError(result.error.issues.map((i) => i.message).join('; '));
  return result.data;
}

export function addUser(users: readonly User[], input: { email: string; teams: string[]; passwordHash: string; id?: string | undefined }): User[] {
  const email = input.email.trim();
  if (users.some((u) => normalizeEmail(u.email) === normalizeEmail(email))) {
    throw new UserEditError(`A user with email '${email}' already exists; use \`updateforge user set-password\` or \`user set-teams\`.`);
  }
  const id = input.id ?? `u_${randomBytes(6).toString('hex')}`;
  if (users.some((u) => u.id === id)) throw new UserEditError(`A user with id '${id}' already exists.`);
  return checked([...users, { id, email, passwordHash: input.passwordHash, teams: input.teams }]);
}

/** A new hash changes the token fingerprint, so the user's existing tokens stop working. */
export function setPassword(users: readonly User[], email: string, passwordHash: string): User[] {
  const target = find(users, email);
  return checked(users.map((u) => (u === target ? { ...u, passwordHash } : u)));
}

export function setTeams(users: readonly User[], email: string, teams: string[]): User[] {
  const target = find(users, email);
  return checked(users.map((u) => (u === target ? { ...u, teams } : u)));
}

export function removeUser(users: readonly User[], email: string): User[] {
  const target = find(users, email);
  return users.filter((u) => u !== target);
}
