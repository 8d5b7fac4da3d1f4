import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { LocalStore } from '../../src/store/local/store.js';
import { runCli } from '../helpers/cli.js';
import { readManifest } from '../helpers/feed.js';
import { tempDir, writeConfig } from '../helpers/fixtures.js';
import { capgoKeyPair, LIVE_CONFIG, webBuild } from '../helpers/live-feed.js';

async function feedArgs() {
  const store = path.join(await tempDir(), 'store');
  const config = await writeConfig(LIVE_CONFIG);
  const target = ['--store', store, '--config', config.path, '--app', 'rocket', '--build-type', 'release'];
  return { store, target };
}

describe('live updates from the command line', () => {
  test('publish a bundle with rollout, native minimum and encryption, then roll out and yank', async () => {
    const { store, target } = await feedArgs();
    const keyFile = path.join(await tempDir(), '.capgo_key_v2');
    await writeFile(keyFile, capgoKeyPair().privateKey);
    const published = await runCli([
      'publish',
      ...target,
      '--version',
      '1.0.0',
      '--path',
      await webBuild('one'),
      '--rollout',
      '25',
      '--min-native-version',
      '2.1',
      '--encrypt-key',
      keyFile,
    ]);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toContain('(bundle, encrypted)');
    expect(published.stdout).toContain('  native      2.1.0 or later\n');
    expect(published.stdout).toContain('  rollout     25% of devices\n');
    expect(published.stdout).toContain('  delta       none: devices download the whole zip\n');

    const raised = await runCli(['rollout', ...target, '--version', '1.0.0', '--percent', '60']);
    expect(raised.code, raised.stderr).toBe(0);
    expect(raised.stdout).toMatch(/^Rolled out rocket release 1\.0\.0 to 60% of devices\n/);
    expect(raised.stderr).toContain('devices outside the 60%');
    expect((await readManifest(await LocalStore.open(store)))?.versions[0]?.rollout).toBe(60);

    const yanked = await runCli(['yank', ...target, '--version', '1.0.0']);
    expect(yanked.code, yanked.stderr).toBe(0);
    expect((await readManifest(await LocalStore.open(store)))?.versions[0]?.yanked).toBe(true);
  });

  test.each([
    [['rollout', '--version', '1.0.0', '--percent', '120'], "error: option '--percent <percent>' argument '120' is invalid. expected a whole percentage from 0 to 100."],
    [['publish', '--version', '1.0.0', '--rollout', 'half'], "error: option '--rollout <percent>' argument 'half' is invalid. expected a whole percentage from 0 to 100."],
    [['publish', '--version', '1.0.0', '--path', '.', '--encrypt-key', '/no/key'], "error: --encrypt-key: Cannot read '/no/key': no such file or directory."],
    [['publish', '--version', '1.0.0', '--encrypt-key', 'k', '--session-key', 's'], "error: option '--encrypt-key <file>' cannot be used with option '--session-key <key>'"],
  ])('%j is refused in one line, exit 2', async (args, message) => {
    const { target } = await feedArgs();
    const [command, ...rest] = args;
    const run = await runCli([command!, ...target, ...rest]);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(message);
  });

  test('rolling out a version that is not published says so', async () => {
    const { target } = await feedArgs();
    await runCli(['publish', ...target, '--version', '1.0.0', '--path', await webBuild('one')]);
    const run = await runCli(['rollout', ...target, '--version', '9.9.9', '--percent', '10']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: --version: rocket release 9.9.9 is not a published version with a file.\n');
  });
});
