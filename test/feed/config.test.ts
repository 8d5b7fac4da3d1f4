import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CONFIG_SCHEMA_FILE, configJsonSchema } from '../../src/feed/config-json-schema.js';
import { iconBranchPath, loadConfig, parseConfig } from '../../src/feed/config.js';
import { ValidationError } from '../../src/util/validation.js';
import { projectRoot } from '../../src/util/project-root.js';
import { CONFIG, tempDir } from '../helpers/fixtures.js';

function problems(value: unknown): readonly string[] {
  try {
    parseConfig(value);
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('updateforge.json', () => {
  test('accepts a valid config and keeps declaration order', () => {
    const config = parseConfig(CONFIG);
    expect(config.teams.map((t) => t.id)).toEqual(['acme', 'globex']);
    expect(config.apps.map((a) => a.id)).toEqual(['rocket', 'anvil', 'gadget']);
  });

  test('lists every problem at once, each with its place', () => {
    const found = problems({
      teams: [
        { id: 'acme', name: 'Acme' },
        { id: 'acme', name: 'Again' },
      ],
      apps: [
        { id: 'Bad Id', team: 'acme', title: 'x', packageName: 'com.x' },
        { id: 'y', team: 'nope', title: 'y', packageName: 'not-a-package' },
      ],
      extra: true,
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^apps\[0\]\.id: must be 1-64 lowercase/),
        expect.stringMatching(/^apps\[1\]\.packageName: must be a reverse-domain id/),
        expect.stringMatching(/extra/),
        "teams[1].id: duplicate team id 'acme'",
        "apps[1].team: unknown team 'nope' (teams: 'acme')",
      ]),
    );
  });

  test.each(['/etc/passwd.png', '../outside.png', 'icons\\win.png', 'icons/bad name.png', 'icons/icon.exe'])('refuses icon path %j', (icon) => {
    expect(problems({ teams: [{ id: 't', name: 'T' }], apps: [{ id: 'a', team: 't', title: 'A', packageName: 'com.a', icon }] })[0]).toMatch(/^apps\[0\]\.icon: /);
  });

  test('an icon is published as icons/<app>/<file name>', () => {
    expect(iconBranchPath({ id: 'rocket', team: 't', title: 'R', packageName: 'com.r', icon: 'assets/img/rocket.png' })).toBe('icons/rocket/rocket.png');
  });

  test('a file that is not JSON is named in the error, with the line and column where it stops being JSON', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'updateforge.json');
    await writeFile(file, '{ "teams": [');
    await expect(loadConfig(file)).rejects.toThrow(`${file} is invalid:\n  - ${file}:1:13: not valid JSON (Unexpected end of JSON input)`);
    await writeFile(file, '{\n  "teams": [\n    { "id": "acme", "name": "Acme" },\n  ]\n}\n');
    await expect(loadConfig(file)).rejects.toThrow(`${file} is invalid:\n  - ${file}:4:3: not valid JSON (Unexpected token ']')`);
    await writeFile(file, '{\n  "teams": [],\n  "apps": [],\n}\n');
    await expect(loadConfig(file)).rejects.toThrow(`${file} is invalid:\n  - ${file}:4:1: not valid JSON (Expected double-quoted property name)`);
  });

  test('each problem in a file names its line and column, in file order, with the key it most likely meant', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'updateforge.json');
    const text = [
      '{',
      '  "teams": [{ "id": "acme", "name": "Acme" }],',
      '  "apps": [',
      '    { "id": "rocket", "tem": "acme", "title": "Rocket", "packageName": "com.acme.rocket" }',
      '  ],',
      '  "channel": [],',
      '  "channels": [{ "name": "beta", "buildType": "debugg" }]',
      '}',
    ].join('\n');
    await writeFile(file, text);
    await expect(loadConfig(file)).rejects.toThrow(
      [
        `${file} is invalid:`,
        `  - ${file}:4:5: apps[0].team: missing (expected string)`,
        `  - ${file}:4:23: apps[0].tem: unknown key 'tem'; did you mean 'team'?`,
        `  - ${file}:6:3: channel: unknown key 'channel'; did you mean 'channels'?`,
        `  - ${file}:7:47: channels[0].buildType: Invalid option: expected one of "release"|"debug"|"profile"; did you mean 'debug'?`,
      ].join('\n'),
    );
  });

  test('an unknown team or channel suggests the closest declared one, at its line', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'updateforge.json');
    const config = {
      teams: [{ id: 'bluebird', name: 'Bluebird' }],
      apps: [{ id: 'rocket', team: 'bluebrid', title: 'Rocket', packageName: 'com.acme.rocket', defaultChannel: 'relase' }],
    };
    await writeFile(file, JSON.stringify(config, null, 2));
    await expect(loadConfig(file)).rejects.toThrow(
      [
        `${file} is invalid:`,
        `  - ${file}:11:15: apps[0].team: unknown team 'bluebrid' (teams: 'bluebird'); did you mean 'bluebird'?`,
        `  - ${file}:14:25: apps[0].defaultChannel: unknown channel 'relase' (channels: release, debug, profile); did you mean 'release'?`,
      ].join('\n'),
    );
    expect(problems({ ...config, apps: [{ ...config.apps[0], team: 'nope', defaultChannel: 'stable' }] })).toEqual([
      "apps[0].defaultChannel: unknown channel 'stable' (channels: release, debug, profile)",
      "apps[0].team: unknown team 'nope' (teams: 'bluebird')",
    ]);
  });

  test('a missing file says so', async () => {
    await expect(loadConfig('/nonexistent/updateforge.json')).rejects.toThrow("Cannot read config '/nonexistent/updateforge.json': no such file or directory");
  });

  test('the committed JSON Schema is the one the zod schema generates (run `npm run schema` if not)', async () => {
    expect(await readFile(path.join(projectRoot(), CONFIG_SCHEMA_FILE), 'utf8')).toBe(configJsonSchema());
  });

  test('the demo config is valid', async () => {
    const loaded = await loadConfig(path.join(projectRoot(), 'demo', 'updateforge.json'));
    expect(loaded.config.apps).toHaveLength(3);
  });
});
