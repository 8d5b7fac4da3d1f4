import { describe, expect, test } from 'vitest';
import { addUser, checkTeamIds, removeUser, setPassword, setTeams, UserEditError } from '../../../src/users/manage.js';
import type { User } from '../../../src/users/users.js';

/** Well-formed scrypt hashes: the list is checked for their shape only, so no hashing is needed here. */
const hash = (n: number) => `$scrypt$ln=15,r=8,p=1$${'c2FsdHNhbHRzYWx0'}$${String(n).padStart(2, '0').repeat(22)}`;
const alice: User = { id: 'u_alice', email: 'Alice@Example.com', passwordHash: hash(1), teams: ['acme'] };
const bob: User = { id: 'u_bob', email: 'bob@example.com', passwordHash: hash(2), teams: ['acme', 'globex'] };
const users: readonly User[] = Object.freeze([alice, bob]);

const editError = (edit: () => unknown) => {
  try {
    edit();
  } catch (error) {
    expect(error).toBeInstanceOf(UserEditError);
    return (error as Error).message;
  }
  return expect.unreachable('should have thrown');
};

describe('user management', () => {
  test('addUser appends a user with the given id, the email trimmed, and leaves the list it was given alone', () => {
    const added = addUser(users, { email: ' carol@example.com ', teams: ['globex'], passwordHash: hash(3), id: 'u_carol' });
    expect(added).toEqual([alice, bob, { id: 'u_carol', email: 'carol@example.com', passwordHash: hash(3), teams: ['globex'] }]);
    expect(users).toHaveLength(2);
  });

  test('addUser makes up an id when none is given', () => {
    const added = addUser(users, { email: 'carol@example.com', teams: [], passwordHash: hash(3) });
    expect(added[2]?.id).toMatch(/^u_[0-9a-f]{12}$/);
  });

  test('addUser refuses an email already there, whatever its case, and says what to use instead', () => {
    expect(editError(() => addUser(users, { email: 'ALICE@example.com', teams: [], passwordHash: hash(3) }))).toBe(
      "A user with email 'ALICE@example.com' already exists; use `updateforge user set-password` or `user set-teams`.",
    );
  });

  test('addUser refuses an id already taken, and an entry the users file would not accept', () => {
    expect(editError(() => addUser(users, { email: 'carol@example.com', teams: [], passwordHash: hash(3), id: 'u_bob' }))).toBe("A user with id 'u_bob' already exists.");
    expect(editError(() => addUser(users, { email: 'not an email', teams: [], passwordHash: hash(3) }))).toMatch(/email/i);
    expect(editError(() => addUser(users, { email: 'carol@example.com', teams: [], passwordHash: 'plain text' }))).toBe(
      'must be a scrypt hash made by `updateforge hash-password`',
    );
  });

  test('setPassword and setTeams change only the user named (found by email, whatever its case)', () => {
    expect(setPassword(users, ' alice@example.COM', hash(9))).toEqual([{ ...alice, passwordHash: hash(9) }, bob]);
    expect(setTeams(users, 'bob@example.com', ['initech'])).toEqual([alice, { ...bob, teams: ['initech'] }]);
    expect(users).toEqual([alice, bob]);
  });

  test('setPassword still checks the hash', () => {
    expect(editError(() => setPassword(users, 'bob@example.com', 'hunter2'))).toBe('must be a scrypt hash made by `updateforge hash-password`');
  });

  test('removeUser drops the user named', () => {
    expect(removeUser(users, 'ALICE@example.com')).toEqual([bob]);
  });

  test('an unknown email is an error that quotes it', () => {
    for (const edit of [
      () => setPassword(users, ' nobody@example.com ', hash(3)),
      () => setTeams(users, 'nobody@example.com', []),
      () => removeUser(users, 'nobody@example.com'),
    ]) {
      expect(editError(edit)).toBe("No user with email 'nobody@example.com'.");
    }
  });
});

describe('checkTeamIds', () => {
  const known = ['acme', 'bluebird'];

  test('accepts declared teams, and none', () => {
    expect(() => checkTeamIds(['bluebird', 'acme'], known, 'updateforge.json')).not.toThrow();
    expect(() => checkTeamIds([], [], 'updateforge.json')).not.toThrow();
  });

  test('refuses an unknown team, naming --teams and suggesting the closest declared one', () => {
    expect(editError(() => checkTeamIds(['bluebrid'], known, 'updateforge.json'))).toBe(
      "unknown team 'bluebrid' (teams in updateforge.json: 'acme', 'bluebird'); did you mean 'bluebird'?",
    );
    expect(editError(() => checkTeamIds(['acme', 'nope'], known, 'cfg/updateforge.json'))).toBe("unknown team 'nope' (teams in cfg/updateforge.json: 'acme', 'bluebird')");
    expect(editError(() => checkTeamIds(['x'], [], 'updateforge.json'))).toBe("unknown team 'x' (teams in updateforge.json: none)");
    const thrown = (() => {
      try {
        checkTeamIds(['nope'], known, 'updateforge.json');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toMatchObject({ kind: 'input', field: 'teams' });
  });

  test('several unknown teams: a suggestion for each typo', () => {
    expect(editError(() => checkTeamIds(['acm', 'nope', 'bluebrid'], known, 'updateforge.json'))).toBe(
      "unknown teams 'acm', 'nope', 'bluebrid' (teams in updateforge.json: 'acme', 'bluebird'); did you mean 'acme' for 'acm', 'bluebird' for 'bluebrid'?",
    );
  });
});
