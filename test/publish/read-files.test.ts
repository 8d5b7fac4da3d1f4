import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/feed/config.js';
import { PublishInputError } from '../../src/publish/errors.js';
import { publish } from '../../src/publish/publish.js';
import { LocalStore } from '../../src/store/local/store.js';
import { runCli } from '../helpers/cli.js';
import { PNG, snapshotTree, tempDir } from '../helpers/fixtures.js';
import { webBuild } from '../helpers/live-feed.js';

/**
 * A file the publisher reads on the user's behalf is read only where its name says it
 * is: a symbolic link in a checked-out repository could otherwise publish the runner's
 * environment (its token and keys) as an icon or release notes (security-findings.md F2).
 */

const SECRET = 'UPDATEFORGE_TEST_SECRET=s3cr3t-value-4a7b';

async function project(icon: (dir: string) => Promise<void>) {
  const dir = await tempDir('uf-project-');
  await mkdir(path.join(dir, 'icons'));
  await icon(dir);
  await writeFile(
    path.join(dir, 'updateforge.json'),
    JSON.stringify({ teams: [{ id: 'acme', name: 'Acme' }], apps: [{ id: 'rocket', team: 'acme', title: 'Rocket', packageName: 'com.acme.rocket', icon: 'icons/rocket.png' }] }),
  );
  return dir;
}

async function secretFile(): Promise<string> {
  const file = path.join(await tempDir('uf-secret-'), 'environ');
  await writeFile(file, SECRET);
  return file;
}

async function storeText(store: LocalStore): Promise<string> {
  const files = await snapshotTree(store.location);
  return Object.keys(files).length ? (await Promise.all(Object.keys(files).map((f) => readFile(path.join(store.location, f), 'latin1')))).join('\n') : '';
}

describe('icons', () => {
  test.each([
    [
      'a symbolic link to a file outside the config folder',
      async (dir: string) => symlink(await secretFile(), path.join(dir, 'icons', 'rocket.png')),
      /Icon of app 'rocket' \('icons\/rocket\.png'\) resolves to '.*environ', outside '.*uf-project-[^']*'/,
    ],
    [
      'a symbolic link to the process environment',
      async (dir: string) => symlink('/proc/self/environ', path.join(dir, 'icons', 'rocket.png')),
      /resolves to '\/proc\/.*environ', outside/,
    ],
    [
      'not an image',
      async (dir: string) => writeFile(path.join(dir, 'icons', 'rocket.png'), SECRET),
      /Icon of app 'rocket' \('icons\/rocket\.png'\) is not a PNG, JPEG, GIF, WebP or SVG image/,
    ],
    ['a folder', async (dir: string) => mkdir(path.join(dir, 'icons', 'rocket.png')), /is not a file/],
  ])('%s is refused before anything is stored', async (_label, make, message) => {
    const dir = await project(make);
    const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
    const error = await publish({
      store,
      config: await loadConfig(path.join(dir, 'updateforge.json')),
      request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await webBuild('x') },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof PublishInputError)) throw new Error(`expected a refusal, got ${String(error)}`);
    expect(error.field).toBe('config');
    expect(error.message).toMatch(message);
    expect(await storeText(store)).not.toContain('s3cr3t');
    expect(await store.listReleases()).toEqual([]);
  });

  test('a symbolic link that stays inside the config folder is fine', async () => {
    const dir = await project(async (d) => {
      await writeFile(path.join(d, 'logo.png'), PNG);
      await symlink('../logo.png', path.join(d, 'icons', 'rocket.png'));
    });
    const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
    const result = await publish({
      store,
      config: await loadConfig(path.join(dir, 'updateforge.json')),
      request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await webBuild('x') },
    });
    expect(result.iconsWritten).toBe(1);
  });
});

describe('the CLI', () => {
  test('--notes-file that is a symbolic link out of its folder is refused, naming the path', async () => {
    const dir = await project((d) => writeFile(path.join(d, 'icons', 'rocket.png'), PNG));
    await symlink(await secretFile(), path.join(dir, 'NOTES.md'));
    const store = path.join(await tempDir(), 'store');
    const run = await runCli(
      [
        'publish',
        '--store',
        store,
        '--config',
        'updateforge.json',
        '--app',
        'rocket',
        '--build-type',
        'release',
        '--version',
        '1.0.0',
        '--path',
        await webBuild('x'),
        '--notes-file',
        'NOTES.md',
      ],
      { cwd: dir },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: --notes-file: 'NOTES\.md' resolves to '.*environ', outside '.*uf-project-[^']*'/m);
    expect(run.stdout + run.stderr).not.toContain('s3cr3t');
  });

  test('--path that is a symbolic link out of its folder is refused', async () => {
    const dir = await project((d) => writeFile(path.join(d, 'icons', 'rocket.png'), PNG));
    await symlink(await secretFile(), path.join(dir, 'app.apk'));
    const run = await runCli(['publish', '--store', path.join(await tempDir(), 'store'), '--app', 'rocket', '--build-type', 'release', '--version', '1.0.0', '--path', 'app.apk'], {
      cwd: dir,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: --path: 'app\.apk' resolves to '.*environ', outside/m);
  });
});
