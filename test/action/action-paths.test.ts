import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CONFIG, tempDir } from '../helpers/fixtures.js';
import { useFakeGitHub, WRITE_TOKEN } from '../helpers/github.js';
import { buildFile, runAction, workspace } from '../helpers/action.js';

const github = useFakeGitHub();

/** Everything the run left in the repository: releases, assets, the feed branch's blobs. */
function repositoryText(repo: string): string {
  const state = github.fake().repos.get(repo.toLowerCase());
  if (!state) return '';
  return [
    ...[...state.releases.values()].map((r) => `${r.name} ${r.body}`),
    ...[...state.blobs.values()].map((b) => b.toString('latin1')),
    ...[...state.assets.values()].map((a) => a.label),
  ].join('\n');
}

describe('the action reads only inside the workspace (security-findings.md F2)', () => {
  test("an icon linked to the runner's environment fails the run, and the token is published nowhere", async () => {
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await writeFile(path.join(cwd, 'icons', 'rocket.png'), '');
    const icon = path.join(cwd, 'icons', 'rocket.png');
    await import('node:fs/promises').then((fs) => fs.rm(icon));
    await symlink('/proc/self/environ', icon);
    await buildFile(cwd, 'app.apk', 'apk');
    const run = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'app.apk', version: '1.0.0' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::Input `config`: Icon of app 'rocket' \('icons\/rocket\.png'\) resolves to '\/proc\/[^']*environ', outside/m);
    expect(repositoryText(repo)).not.toContain(WRITE_TOKEN);
  });

  test.each([
    ['notes-file', async (outside: string) => ({ 'notes-file': path.join(outside, 'NOTES.md') })],
    ['path', async (outside: string) => ({ path: path.join(outside, 'app.apk') })],
    ['config', async (outside: string) => ({ config: path.join(outside, 'updateforge.json'), path: 'app.apk' })],
  ])('`%s` naming a file outside the workspace fails the run, naming the path', async (field, inputs) => {
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app.apk', 'apk');
    const outside = await tempDir('uf-outside-');
    await writeFile(path.join(outside, 'NOTES.md'), 'notes');
    await writeFile(path.join(outside, 'app.apk'), 'apk');
    await writeFile(path.join(outside, 'updateforge.json'), JSON.stringify(CONFIG));
    const before = repositoryText(repo);
    const run = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', version: '1.0.0', path: 'app.apk', ...(await inputs(outside)) } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(`^::error::Input \`${field}\`: '[^']*uf-outside-[^']*' resolves to '[^']*', outside '${cwd.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`, 'm'),
    );
    expect(repositoryText(repo)).toBe(before);
  });
});
