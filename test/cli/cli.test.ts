import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { verifyPassword } from '../../src/users/password.js';
import { parseUsers } from '../../src/users/users.js';
import { runCli, startCli, waitForOutput } from '../helpers/cli.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';
import { SECRET } from '../helpers/server.js';

async function publishArgs(extra: string[] = []) {
  const store = path.join(await tempDir(), 'store');
  const config = await writeConfig();
  return { store, config, args: ['publish', '--store', store, '--config', config.path, '--app', 'rocket', '--build-type', 'release', ...extra] };
}

describe('updateforge publish', () => {
  test('prints the version id, sha256 and size', async () => {
    const { args } = await publishArgs(['--version', '1.0.0', '--path', await writeBuild('hello world'), '--name', 'First']);
    const run = await runCli(args);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Published rocket release 1\.0\.0\n {2}version id {2}[0-9a-f]{16}\n/);
    expect(run.stdout).toContain('  sha256      b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9\n');
    expect(run.stdout).toContain('  size        11 bytes\n');
    expect(run.stdout).toMatch(/ {2}download {4}\/api\/v1\/versions\/[0-9a-f]{16}\/download\n/);

    const again = await runCli(args);
    expect(again.stdout).toMatch(/^Already published, nothing changed: rocket release 1\.0\.0/);
  });

  test('--json prints the result for scripts', async () => {
    const { args } = await publishArgs(['--version', '1.0.0', '--json']);
    const run = await runCli(args);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'registered', version: { version: '1.0.0', file: null }, downloadPath: null });
  });

  test('shows progress on large files', async () => {
    const { args } = await publishArgs(['--version', '1.0.0', '--path', await writeBuild(Buffer.alloc(20 * 1024 * 1024, 1))]);
    const run = await runCli(args);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^Hashing .* of 21 MB \(0%\)$/m);
    expect(run.stderr).toContain('Hashing 21 MB of 21 MB (100%)');
    expect(run.stderr).toContain('Uploading 21 MB of 21 MB (100%)');
  });

  test('a version conflict is exit code 1 with what to do', async () => {
    const { args } = await publishArgs(['--version', '1.0.0']);
    expect((await runCli([...args, '--path', await writeBuild('one')])).code).toBe(0);
    const run = await runCli([...args, '--path', await writeBuild('two')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: rocket release 1\.0\.0 is already published with different bytes .* pass --overwrite to replace it\.\n$/);
  });

  test.each([
    [['--version', 'v1.0.0'], "error: --version: 'v1.0.0' is not a strict semantic version. Did you mean '1.0.0'?"],
    [['--version', '1.0.0', '--path', '/nope.apk'], "error: --path: Cannot read '/nope.apk': no such file or directory."],
    [['--version', '1.0.0', '--app', 'ghost'], "error: --app: Unknown app 'ghost'. Apps in updateforge.json: 'rocket', 'anvil', 'gadget'."],
    [['--version', '1.0.0', '--build-type', 'beta'], "error: option '--build-type <type>' argument 'beta' is invalid. Allowed choices are release, debug, profile."],
    [['--path', 'x'], "error: required option '--version <semver>' not specified"],
    [['--version', '1.0.0', '--colour'], "error: unknown option '--colour'"],
    [['--version', '1.0.0', '--notes', 'a', '--notes-file', 'b'], "error: option '--notes <text>' cannot be used with option '--notes-file <file>'"],
  ])('bad arguments %j: one line naming the flag, exit 2, nothing written', async (extra, message) => {
    const { store, args } = await publishArgs();
    const run = await runCli([...args, ...extra]);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(message);
    expect(run.stdout).toBe('');
    expect(existsSync(store)).toBe(false);
  });

  test('a broken config lists every problem, exit 2', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'updateforge.json'), JSON.stringify({ teams: [], apps: [{ id: 'x', team: 'nope', title: 'X', packageName: 'com.x' }] }));
    const run = await runCli([
      'publish',
      '--store',
      path.join(dir, 's'),
      '--config',
      path.join(dir, 'updateforge.json'),
      '--app',
      'x',
      '--build-type',
      'debug',
      '--version',
      '1.0.0',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("apps[0].team: unknown team 'nope'");
  });
});

describe('help', () => {
  test.each([[[]], [['publish']], [['serve']], [['demo']], [['hash-password']], [['user']], [['user', 'add']], [['user', 'set-password']], [['user', 'list']]])(
    '%j --help',
    async (command) => {
      const run = await runCli([...command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: updateforge/);
    },
  );

  test('a reader that stops reading (| head) ends the command quietly, exit 0', async () => {
    const child = startCli(['publish', '--help']);
    // Closed before the help is written: every write then fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});

describe('passwords and users', () => {
  test('hash-password prints a scrypt hash of standard input on the last line', async () => {
    const run = await runCli(['hash-password'], { input: 's3cret pass\n' });
    expect(run.code).toBe(0);
    const hash = run.stdout.trim().split('\n').at(-1)!;
    expect(hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect(await verifyPassword('s3cret pass', hash)).toBe(true);
    expect(await verifyPassword('s3cret pass\n', hash)).toBe(false);
  });

  test('hash-password refuses an empty password', async () => {
    const run = await runCli(['hash-password'], { input: '\n' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: Empty password/);
  });

  test('a password under 8 characters is refused, by hash-password and user add alike, and nothing is written', async () => {
    const hashed = await runCli(['hash-password'], { input: 'hunter2\n' });
    expect(hashed.code).toBe(2);
    expect(hashed.stderr).toBe('error: The password is too short: use at least 8 characters (a passphrase of a few words is best).\n');
    const file = path.join(await tempDir(), 'users.json');
    const added = await runCli(['user', 'add', '--email', 'a@example.com', '--teams', 'acme', '--users-file', file], { input: 'a\n' });
    expect(added.code).toBe(2);
    expect(added.stderr).toContain('The password is too short');
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('user add extends UPDATEFORGE_USERS and prints the new value', async () => {
    const first = await runCli(['user', 'add', '--email', 'a@example.com', '--teams', 'acme, globex', '--id', 'alice'], { input: 'password one\n' });
    expect(first.code, first.stderr).toBe(0);
    const users = parseUsers(first.stdout.trim());
    expect(users).toMatchObject([{ id: 'alice', email: 'a@example.com', teams: ['acme', 'globex'] }]);
    expect(await verifyPassword('password one', users[0]!.passwordHash)).toBe(true);
    expect(first.stderr).toContain('Read from UPDATEFORGE_USERS, which is not set; set UPDATEFORGE_USERS to the line below.');

    const second = await runCli(['user', 'add', '--email', 'b@example.com', '--teams', 'acme'], { input: 'password two\n', env: { UPDATEFORGE_USERS: first.stdout.trim() } });
    expect(parseUsers(second.stdout.trim()).map((u) => u.email)).toEqual(['a@example.com', 'b@example.com']);
    expect(second.stderr).toContain('Read from UPDATEFORGE_USERS; set UPDATEFORGE_USERS to the line below.');

    const duplicate = await runCli(['user', 'add', '--email', ' A@Example.com', '--teams', 'acme'], {
      input: 'another password\n',
      env: { UPDATEFORGE_USERS: first.stdout.trim() },
    });
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain("A user with email 'A@Example.com' already exists");
  });

  test('user commands update a users file in place, and check teams against the config', async () => {
    const file = path.join(await tempDir(), 'users.json');
    const config = await writeConfig();
    const unknown = await runCli(['user', 'add', '--email', 'a@example.com', '--teams', 'acme,nope', '--users-file', file, '--config', config.path], {
      input: 'a long password\n',
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--teams: unknown team 'nope'");
    expect(existsSync(file)).toBe(false);

    const added = await runCli(['user', 'add', '--email', 'a@example.com', '--teams', 'acme', '--users-file', file], { input: 'a long password\n' });
    expect(added.code).toBe(0);
    const before = parseUsers(await readFile(file, 'utf8'))[0]!;
    // The file is the output: stdout says what changed, and no hash reaches a terminal or CI log.
    expect(added.stdout).toBe(`Added ${before.id} (a@example.com) to teams acme. Wrote ${file}.\n`);
    const changed = await runCli(['user', 'set-password', '--email', 'A@example.com', '--users-file', file], { input: 'a new password\n' });
    expect(changed.code).toBe(0);
    expect(changed.stdout).toBe(`Changed the password of A@example.com; their existing tokens no longer work. Wrote ${file}.\n`);
    const after = parseUsers(await readFile(file, 'utf8'))[0]!;
    expect(after.passwordHash).not.toBe(before.passwordHash);
    expect(await verifyPassword('a new password', after.passwordHash)).toBe(true);

    const list = await runCli(['user', 'list', '--users-file', file]);
    expect(list.stdout).toBe(`${after.id}\ta@example.com\tacme\n`);
    expect(list.stdout).not.toContain('scrypt');

    expect((await runCli(['user', 'add', '--email', 'b@example.com', '--id', 'bob', '--teams', 'acme', '--users-file', file], { input: 'password of b\n' })).code).toBe(0);
    const removed = await runCli(['user', 'remove', '--email', 'a@example.com', '--users-file', file]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(`Removed a@example.com. Wrote ${file}.\n`);
    expect(parseUsers(await readFile(file, 'utf8')).map((u) => u.id)).toEqual(['bob']);
    for (const run of [added, changed, removed]) expect(run.stdout + run.stderr).not.toContain('$scrypt$');
  });
});

describe('updateforge serve', () => {
  test('refuses to start without a strong secret', async () => {
    const { store, args } = await publishArgs(['--version', '1.0.0']);
    await runCli(args);
    const missing = await runCli(['serve', '--store', store, '--port', '0']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: UPDATEFORGE_JWT_SECRET is not set\./);
    const short = await runCli(['serve', '--store', store, '--port', '0'], { env: { UPDATEFORGE_JWT_SECRET: 'tooshort' } });
    expect(short.stderr).toMatch(/must be at least 32/);
  });

  test('refuses a folder that is not a store', async () => {
    const run = await runCli(['serve', '--store', '/nonexistent', '--port', '0'], { env: { UPDATEFORGE_JWT_SECRET: SECRET } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: No UpdateForge store at '\/nonexistent'/);
  });

  test('serves a store published by the CLI', async () => {
    const { store, args } = await publishArgs(['--version', '1.0.0', '--path', await writeBuild('served bytes')]);
    expect((await runCli(args)).code).toBe(0);
    const users = (await runCli(['user', 'add', '--email', 'a@example.com', '--teams', 'acme'], { input: 'a long password\n' })).stdout.trim();
    const child = startCli(['serve', '--store', store, '--port', '0'], { env: { UPDATEFORGE_JWT_SECRET: SECRET, UPDATEFORGE_USERS: users } });
    const url = /listening on (http:\/\/\S+)/.exec(await waitForOutput(child.stdout, /listening on http/))![1]!;
    const auth = await fetch(`${url}/api/v1/auth`, { method: 'POST', body: JSON.stringify({ email: 'a@example.com', password: 'a long password' }) });
    const { token } = (await auth.json()) as { token: string };
    const apps = (await (await fetch(`${url}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      teams: { apps: { release: { current: { id: string } } }[] }[];
    };
    const id = apps.teams[0]!.apps[0]!.release.current.id;
    const download = await fetch(`${url}/api/v1/versions/${id}/download`, { headers: { authorization: `Bearer ${token}` } });
    expect(await download.text()).toBe('served bytes');
  });

  test('warns at start about testers in no team of the feed, who would see no apps', async () => {
    const { store, args } = await publishArgs(['--version', '1.0.0', '--path', await writeBuild('bytes')]);
    expect((await runCli(args)).code).toBe(0);
    const file = path.join(await tempDir(), 'users.json');
    for (const [email, teams] of [
      ['in@example.com', 'acme'],
      ['lost@example.com', 'acmee'],
    ] as const) {
      expect((await runCli(['user', 'add', '--email', email, '--teams', teams, '--users-file', file], { input: 'a long password\n' })).code).toBe(0);
    }
    const child = startCli(['serve', '--store', store, '--port', '0', '--users-file', file], { env: { UPDATEFORGE_JWT_SECRET: SECRET } });
    const warning = await waitForOutput(child.stderr, /in no team/);
    expect(warning).toContain('warning: lost@example.com is in no team of this feed (teams: acme, globex), so sees no apps: fix with `updateforge user set-teams`.');
    expect(warning).not.toContain('in@example.com');
  });
});
