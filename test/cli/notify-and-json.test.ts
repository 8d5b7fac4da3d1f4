import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';
import { webBuild } from '../helpers/live-feed.js';
import { useWebhookReceiver } from '../helpers/webhook-receiver.js';

/** The CLI's `--notify-webhook` on publish, and `--json` on rollout and yank. */

const receiver = useWebhookReceiver();
const hook = () => receiver.url('/hook?key=keep-this-quiet');

describe('the CLI', () => {
  test('publish tells the webhook from UPDATEFORGE_NOTIFY_WEBHOOK, once; rollout and yank print JSON with --json', async () => {
    const store = path.join(await tempDir(), 'store');
    const config = await writeConfig();
    const feed = ['--store', store, '--config', config.path, '--app', 'rocket'];
    const publishArgs = ['publish', ...feed, '--build-type', 'release', '--version', '2.0.0', '--path', await webBuild('bundle two')];
    const published = await runCli(publishArgs, { env: { UPDATEFORGE_NOTIFY_WEBHOOK: hook() } });
    expect(published.code, published.stderr).toBe(0);
    expect(receiver.posts.map((p) => ({ path: p.path, body: JSON.parse(p.body) as unknown }))).toEqual([
      { path: '/hook?key=keep-this-quiet', body: expect.objectContaining({ event: 'version.published', outcome: 'published', version: '2.0.0', kind: 'bundle' }) },
    ]);
    expect(`${published.stdout}${published.stderr}`).not.toContain('keep-this-quiet');
    expect((await runCli(publishArgs, { env: { UPDATEFORGE_NOTIFY_WEBHOOK: hook() } })).code).toBe(0);
    expect(receiver.posts).toHaveLength(1);

    const rollout = await runCli(['rollout', ...feed, '--version', '2.0.0', '--percent', '30', '--json']);
    expect(rollout.code, rollout.stderr).toBe(0);
    expect(JSON.parse(rollout.stdout)).toMatchObject({ changed: true, version: { version: '2.0.0', rollout: 30 }, manifestSha: expect.any(String) });
    const yank = await runCli(['yank', ...feed, '--version', '2.0.0', '--json']);
    expect(JSON.parse(yank.stdout)).toMatchObject({ changed: true, version: { version: '2.0.0', yanked: true } });
  });

  test('a webhook that is not a URL is refused before anything is published, without repeating it', async () => {
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
      '--build-type',
      'release',
      '--version',
      '1.0.0',
      '--path',
      await writeBuild('apk'),
      '--notify-webhook',
      'hooks.example.com/secretish',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: --notify-webhook: is not an http(s) URL.\n');
  });
});
