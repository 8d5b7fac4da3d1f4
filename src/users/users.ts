import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseJson, validate } from '../util/validation.js';
import { isPasswordHash } from './password.js';

const UserSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "must be 1-100 letters, digits, '.', '_' or '-'"),
  email: z.email().max(254),
  passwordHash: z.string().refine(isPasswordHash, { message: 'must be a scrypt hash made by `updateforge hash-password`' }),
  teams: z.array(z.string().min(1)),
});

export const UsersSchema = z.array(UserSchema).superRefine((users, ctx) => {
  const ids = new Set<string>();
  const emails = new Set<string>();
  users.forEach((user, i) => {
    if (ids.has(user.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate user id '${user.id}'` });
    ids.add(user.id);
    const email = normalizeEmail(user.email);
    if (emails.has(email)) ctx.addIssue({ code: 'custom', path: [i, 'email'], message: `duplicate email '${user.email}'` });
    emails.add(email);
  });
});

export type User = z.output<typeof UserSchema>;

/** Emails match whatever their case and surrounding spaces. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Parses the UPDATEFORGE_USERS JSON; every problem is listed, no hash is ever echoed. */
export function parseUsers(json: string, source = 'UPDATEFORGE_USERS'): User[] {
  return validate(UsersSchema, parseJson(json, source), source);
}

/**
 * Changes whenever the password does (the hash has a fresh salt each time), without
 * revealing anything about it: tokens carry it, so a password change revokes them.
 */
export function passwordFingerprint(user: User): string {
  let fingerprint = fingerprints.get(user);
  if (fingerprint === undefined) {
    fingerprint = createHash('sha256').update(user.passwordHash).digest('base64url').slice(0, 16);
    fingerprints.set(user, fingerprint);
  }
  return fingerprint;
}

/** Every authenticated request compares one: a hash each time was a twentieth of `/api/v1/apps`'s CPU time. */
const fingerprints = new WeakMap<User, string>();

/** The testers the server knows, looked up by email or id. */
/** Testers in no team of the feed (`teams`: its team ids): they could log in and would see no apps. */
export function usersInNoTeam(users: readonly User[], teams: Iterable<string>): User[] {
  const known = new Set(teams);
  return users.filter((u) => !u.teams.some((t) => known.has(t)));
}

export class UserDirectory {
  private readonly byEmailMap: Map<string, User>;
  private readonly byIdMap: Map<string, User>;

  constructor(readonly users: readonly User[]) {
    this.byEmailMap = new Map(users.map((u) => [normalizeEmail(u.email), u]));
    this.byIdMap = new Map(users.map((u) => [u.id, u]));
  }

  byEmail(email: string): User | undefined {
    return this.byEmailMap.get(normalizeEmail(email));
  }

  byId(id: string): User | undefined {
    return this.byIdMap.get(id);
  }
}
