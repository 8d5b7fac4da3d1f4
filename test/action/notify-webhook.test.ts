import { describe, expect, test } from 'vitest';
import { CONFIG } from '../helpers/fixtures.js';
import { useFakeGitHub } from '../helpers/github.js';
import { buildFile, runAction, workspace } from '../helpers/action.js';
import { useWebhookReceiver } from '../helpers/webhook-receiver.js';

/** `notify-webhook`: the bundled action, run as the runner runs it, telling a receiver on loopback. */

const github = useFakeGitHub();
const receiver = useWebhookReceiver();
const hook = () => receiver.url('/hooks/T0B0?key=do-not-print-me');
const posts = () => receiver.posts.map((p) => JSON.parse(p.body) as unknown);

describe('notify-webhook', () => {
  test('a publish tells the webhook once; a re-run that changes nothing does not; the URL is masked and never printed', async () => {
    receiver.answer.status = 204;
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app.apk', 'apk bytes');
    const inputs = { app: 'rocket', path: 'app.apk', version: '3.1.0', name: 'March', 'notify-webhook': hook() };
    const run = await runAction(github.fake(), { repo, cwd, inputs });
    expect(run.code, run.stdout).toBe(0);
    expect(posts()).toEqual([
      expect.objectContaining({
        event: 'version.published',
        outcome: 'published',
        headline: 'Published rocket release 3.1.0',
        feed: repo,
        app: 'rocket',
        version: '3.1.0',
        name: 'March',
        kind: 'binary',
        size: 9,
        downloadPath: expect.stringMatching(/^\/api\/v1\/versions\/\d+\/download$/),
      }),
    ]);
    expect(run.stdout).toContain(`::add-mask::${hook()}`);
    expect(run.stdout.replaceAll(`::add-mask::${hook()}`, '')).not.toContain('do-not-print-me');

    const again = await runAction(github.fake(), { repo, cwd, inputs });
    expect(again.code).toBe(0);
    expect(posts()).toHaveLength(1);
  });

  test('a webhook that fails is a warning, not a failed publish', async () => {
    receiver.answer.status = 500;
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app.apk', 'apk bytes');
    const run = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'app.apk', version: '1.0.0', 'notify-webhook': hook() } });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('::warning::the notify webhook answered HTTP 500; the publish itself succeeded.');
  });

  test('a URL that is not one fails before anything is published, without repeating it', async () => {
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app.apk', 'apk bytes');
    const run = await runAction(github.fake(), {
      repo,
      cwd,
      inputs: { app: 'rocket', path: 'app.apk', version: '1.0.0', 'notify-webhook': 'hooks.slack.com/services/T0/B0/secretish' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::Input `notify-webhook`: is not an http(s) URL.');
    expect(run.stdout.replaceAll('::add-mask::hooks.slack.com/services/T0/B0/secretish', '')).not.toContain('secretish');
    expect(github.fake().repos.get(repo.toLowerCase())!.releases.size).toBe(0);
  });
});
