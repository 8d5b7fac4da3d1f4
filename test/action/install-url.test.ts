import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { buildFile, runAction, workspace } from '../helpers/action.js';
import { readManifest } from '../helpers/feed.js';
import { CONFIG } from '../helpers/fixtures.js';
import { githubStore, useFakeGitHub } from '../helpers/github.js';

const github = useFakeGitHub();

/** What a phone camera reads off the PNG (pngjs and jsQR: not our code). */
async function scan(file: string): Promise<string | null> {
  const image = PNG.sync.read(await readFile(file), { checkCRC: true });
  return jsqr.default(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

describe('the install-url and qr-code outputs (page-url), run as the runner runs dist/index.js', () => {
  test('an app binary gets the tester page link to it, a QR code PNG of that link, and both in the job summary', async () => {
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app-release.apk', 'apk bytes');
    const run = await runAction(github.fake(), {
      repo,
      cwd,
      inputs: { app: 'rocket', path: 'app-release.apk', version: '1.2.3', 'page-url': 'https://updates.example.com/testers' },
    });
    expect(run.code, run.stdout).toBe(0);
    const version = (await readManifest(githubStore(github.fake(), repo)))!.versions[0]!;
    const url = `https://updates.example.com/testers#version=${version.id}`;
    expect(run.outputs['install-url']).toBe(url);
    expect(run.outputs['qr-code']).toMatch(/\/updateforge-install-rocket-release-1\.2\.3\.png$/);
    expect(await scan(run.outputs['qr-code']!)).toBe(url);
    expect(run.summary).toContain(`| Install | [${url}](${url}) (QR code: \`${run.outputs['qr-code']}\`, the \`qr-code\` output) |`);
    expect(run.stdout).toContain(`Testers install it at ${url}`);
  });

  test('a live-update bundle and a pending version have nothing for testers to install: both outputs are empty', async () => {
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await mkdir(path.join(cwd, 'dist'));
    await writeFile(path.join(cwd, 'dist', 'index.html'), '<!doctype html><title>live</title>');
    const bundle = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'dist', version: '1.2.4', 'page-url': 'https://updates.example.com' } });
    const pending = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', version: '1.3.0', 'page-url': 'https://updates.example.com' } });
    for (const run of [bundle, pending]) {
      expect(run.code, run.stdout).toBe(0);
      expect(run.outputs).toMatchObject({ 'install-url': '', 'qr-code': '' });
      expect(run.summary).not.toContain('| Install |');
    }
  });

  test('a page-url that is no http(s) address is refused before anything is written, naming the input', async () => {
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app.apk', 'apk');
    const run = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'app.apk', version: '1.0.0', 'page-url': 'updates.example.com' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^::error::Input `page-url`: 'updates\.example\.com' is not an http\(s\) address\. Give your deployment's, e.g\. https:\/\/updates\.example\.com\.$/m,
    );
    expect(github.fake().repos.get(repo.toLowerCase())!.releases.size).toBe(0);
  });
});
