import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { publish } from '../../src/publish/publish.js';
import { LocalStore } from '../../src/store/local/store.js';
import { tempDir, writeConfig } from '../helpers/fixtures.js';
import { LIVE_CONFIG, webBuild } from '../helpers/live-feed.js';

/** The pid of a process that has ended: what a killed publish leaves its temp files under. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid!;
}

describe('what a killed publish leaves behind (security-findings.md F13)', () => {
  test("the next publish sweeps it at once: partial uploads in the store and bundle work folders, while a live writer's files stay", async () => {
    const root = path.join(await tempDir(), 'store');
    const config = await writeConfig(LIVE_CONFIG);
    await publish({ store: await LocalStore.openOrCreate(root), config, request: { app: 'rocket', buildType: 'release', version: '0.9.0', path: await webBuild('first') } });
    const dead = await deadPid();
    // pid 1 is always alive: a writer still at work, whose file must stay however old.
    await writeFile(path.join(root, 'tmp', `${dead}-0123456789abcdef.tmp`), Buffer.alloc(1024 * 1024));
    await writeFile(path.join(root, 'tmp', '1-0123456789abcdef.tmp'), 'in progress');
    const workDir = await mkdtemp(path.join(tmpdir(), `updateforge-bundle-${dead}-`));
    await writeFile(path.join(workDir, 'rocket-1.0.0.zip'), Buffer.alloc(1024));

    try {
      const store = await LocalStore.openOrCreate(root);
      await publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await webBuild('x') } });

      expect(await readdir(path.join(root, 'tmp'))).toEqual(['1-0123456789abcdef.tmp']);
      expect((await readdir(tmpdir())).filter((n) => n.startsWith(`updateforge-bundle-${dead}-`))).toEqual([]);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });
});
