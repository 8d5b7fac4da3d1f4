import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseUsers } from '../../src/users/users.js';
import { runCli } from '../helpers/cli.js';
import { CONFIG, tempDir } from '../helpers/fixtures.js';

/** A project folder holding `sub/updateforge.json` (the fixture config) without its icon. */
async function projectWithoutIcon(): Promise<string> {
  const dir = await tempDir('uf-project-');
  await mkdir(path.join(dir, 'sub'));
  await writeFile(path.join(dir, 'sub', 'updateforge.json'), JSON.stringify(CONFIG, null, 2));
  return dir;
}

describe('config errors', () => {
  test('a problem names file:line:column and the key that was most likely meant, exit 2', async () => {
    const dir = await tempDir();
    const text = '{\n  "teams": [{ "id": "acme", "name": "Acme" }],\n  "apps": [],\n  "chanels": []\n}\n';
    await writeFile(path.join(dir, 'updateforge.json'), text);
    const run = await runCli(['publish', '--store', 'feed', '--app', 'rocket', '--build-type', 'release', '--version', '1.0.0'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("error: updateforge.json is invalid:\n  - updateforge.json:4:3: chanels: unknown key 'chanels'; did you mean 'channels'?\n");
  });

  test('a JSON syntax error names file:line:column', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'updateforge.json'), '{\n  "teams": [],\n  "apps": [],\n}\n');
    const run = await runCli(['publish', '--store', 'feed', '--app', 'rocket', '--build-type', 'release', '--version', '1.0.0'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: updateforge.json is invalid:\n  - updateforge.json:4:1: not valid JSON (Expected double-quoted property name)\n');
  });
});

describe('a missing icon', () => {
  test('names the path as written and where it was looked for: the config file’s folder', async () => {
    const dir = await projectWithoutIcon();
    const run = await runCli(['publish', '--store', 'feed', '--config', 'sub/updateforge.json', '--app', 'rocket', '--build-type', 'release', '--version', '1.0.0'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `error: --config: Icon of app 'rocket' not found: 'icons/rocket.png' is relative to the folder of updateforge.json ('${path.join(dir, 'sub')}'), so it was looked for at '${path.join(dir, 'sub', 'icons', 'rocket.png')}'.\n`,
    );
  });
});

describe('tester teams', () => {
  test('without --config, the teams are checked against updateforge.json in the working directory', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'updateforge.json'), JSON.stringify(CONFIG));
    const typo = await runCli(['user', 'add', '--email', 'a@example.com', '--teams', 'acme,globx'], { cwd: dir, input: 'a long password\n' });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe("error: --teams: unknown team 'globx' (teams in updateforge.json: 'acme', 'globex'); did you mean 'globex'?\n");
    expect(typo.stdout).toBe('');

    const added = await runCli(['user', 'add', '--email', 'a@example.com', '--teams', 'acme,globex', '--id', 'alice'], { cwd: dir, input: 'a long password\n' });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toBe('Added alice (a@example.com) to teams acme, globex. Read from UPDATEFORGE_USERS, which is not set; set UPDATEFORGE_USERS to the line below.\n');

    const setTeams = await runCli(['user', 'set-teams', '--email', 'a@example.com', '--teams', 'acmee'], { cwd: dir, env: { UPDATEFORGE_USERS: added.stdout.trim() } });
    expect(setTeams.code).toBe(2);
    expect(setTeams.stderr).toBe("error: --teams: unknown team 'acmee' (teams in updateforge.json: 'acme', 'globex'); did you mean 'acme'?\n");
  });

  test('--config wins over the working directory’s updateforge.json', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'updateforge.json'), JSON.stringify({ teams: [], apps: [] }));
    await writeFile(path.join(dir, 'other.json'), JSON.stringify(CONFIG));
    const run = await runCli(['user', 'add', '--email', 'a@example.com', '--teams', 'globex', '--config', 'other.json'], { cwd: dir, input: 'a long password\n' });
    expect(run.code, run.stderr).toBe(0);
  });

  test('with neither, a warning says the teams were not checked and how to check them', async () => {
    const dir = await tempDir();
    const run = await runCli(['user', 'add', '--email', 'a@example.com', '--teams', 'bluebrid', '--id', 'alice'], { cwd: dir, input: 'a long password\n' });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'warning: team ids not checked (no --config, and no updateforge.json in this folder); pass --config path/to/updateforge.json to check them.\n' +
        'Added alice (a@example.com) to teams bluebrid. Read from UPDATEFORGE_USERS, which is not set; set UPDATEFORGE_USERS to the line below.\n',
    );
    expect(parseUsers(run.stdout.trim())).toMatchObject([{ id: 'alice', teams: ['bluebrid'] }]);
  });
});

describe('--json', () => {
  test('user list --json: id, email and teams, never the hash', async () => {
    const dir = await tempDir();
    const users = (
      await runCli(['user', 'add', '--email', 'a@example.com', '--teams', 'acme', '--id', 'alice', '--config', await configFile()], { cwd: dir, input: 'a long password\n' })
    ).stdout.trim();
    const run = await runCli(['user', 'list', '--json'], { env: { UPDATEFORGE_USERS: users } });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${JSON.stringify([{ id: 'alice', email: 'a@example.com', teams: ['acme'] }], null, 2)}\n`);

    const none = await runCli(['user', 'list', '--json']);
    expect(none).toEqual({ code: 0, stdout: '[]\n', stderr: 'No users (read from UPDATEFORGE_USERS, which is not set).\n' });
  });

  test('doctor --json: one object with every check, exit 1 when something is wrong', async () => {
    const run = await runCli(['doctor', '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { ok: boolean; problems: number; checks: { ok: boolean; what: string; detail: string }[] };
    expect(report).toMatchObject({ ok: false, problems: 4 });
    expect(report.checks[0]).toEqual({ ok: false, what: 'configuration', detail: 'UPDATEFORGE_REPO is not set: the feed repository, owner/name.' });
    expect(report.checks).toHaveLength(4);
  });
});

async function configFile(): Promise<string> {
  const file = path.join(await tempDir(), 'updateforge.json');
  await writeFile(file, JSON.stringify(CONFIG));
  return file;
}
