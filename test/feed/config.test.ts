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

  test('a file that is not JSON is named in the error', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'updateforge.json'), '{ "teams": [');
    await expect(loadConfig(path.join(dir, 'updateforge.json'))).rejects.toThrow(/updateforge\.json is invalid:\n {2}- not valid JSON/);
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
