import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';
import { webBuild } from '../helpers/live-feed.js';

describe('updateforge publish --page-url: the install link testers open', () => {
  test('an app binary is reported with its tester page link (from UPDATEFORGE_PUBLIC_URL too); --build-type defaults to release', async () => {
    const store = path.join(await tempDir(), 'store');
    const config = await writeConfig();
    const feed = ['--store', store, '--config', config.path, '--app', 'rocket'];
    const text = await runCli(['publish', ...feed, '--version', '1.2.0', '--path', await writeBuild('apk bytes', 'rocket.apk'), '--page-url', 'https://updates.example.com']);
    expect(text.code, text.stderr).toBe(0);
    const id = /version id {2}(\S+)/.exec(text.stdout)![1]!;
    expect(text.stdout).toContain(`Published rocket release 1.2.0`);
    expect(text.stdout).toContain(`  install at  https://updates.example.com/#version=${id}\n`);

    const json = await runCli(['publish', ...feed, '--version', '1.2.1', '--path', await writeBuild('apk two', 'rocket.apk'), '--json'], {
      env: { UPDATEFORGE_PUBLIC_URL: 'https://testers.example.com/feed' },
    });
    const result = JSON.parse(json.stdout) as { installUrl: string; version: { id: string; buildType: string } };
    expect(result.installUrl).toBe(`https://testers.example.com/feed#version=${result.version.id}`);
    expect(result.version.buildType).toBe('release');
  });

  test('a bundle or a pending version has nothing for testers to install: no link', async () => {
    const store = path.join(await tempDir(), 'store');
    const config = await writeConfig();
    const feed = ['--store', store, '--config', config.path, '--app', 'rocket', '--page-url', 'https://updates.example.com'];
    const bundle = await runCli(['publish', ...feed, '--version', '1.0.1', '--path', await webBuild('live'), '--json']);
    const pending = await runCli(['publish', ...feed, '--version', '1.1.0']);
    expect(JSON.parse(bundle.stdout)).toMatchObject({ installUrl: null });
    expect(pending.code, pending.stderr).toBe(0);
    expect(pending.stdout).not.toContain('install at');
  });

  test('a page URL that is no http(s) address is refused before anything is written', async () => {
    const store = path.join(await tempDir(), 'store');
    const config = await writeConfig();
    const run = await runCli([
      'publish',
      '--store',
      store,
      '--config',
      config.path,
      '--app',
      'rocket',
      '--version',
      '1.0.0',
      '--path',
      await writeBuild('x'),
      '--page-url',
      'updates.example.com',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("error: --page-url: 'updates.example.com' is not an http(s) address. Give your deployment's, e.g. https://updates.example.com.\n");
    expect(existsSync(store)).toBe(false);
  });
});
