import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { loadConfig, type LoadedConfig } from '../../src/feed/config.js';
import { sweepStores } from './sweep/record.js';

const made: string[] = [];

/** A temp folder, removed once the test file is done (fixtures may be shared by its tests). */
export async function tempDir(prefix = 'uf-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterAll(async () => {
  const dirs = made.splice(0);
  // The last look at the stores the file made before they go: nothing secret may be in one.
  await sweepStores(dirs);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A 1x1 PNG: enough for an icon. */
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082',
  'hex',
);

export const CONFIG = {
  teams: [
    { id: 'acme', name: 'Acme' },
    { id: 'globex', name: 'Globex' },
  ],
  apps: [
    { id: 'rocket', team: 'acme', title: 'Rocket', packageName: 'com.acme.rocket', icon: 'icons/rocket.png' },
    { id: 'anvil', team: 'acme', title: 'Anvil', packageName: 'com.acme.anvil' },
    { id: 'gadget', team: 'globex', title: 'Gadget', packageName: 'com.globex.gadget' },
  ],
};

/** Writes updateforge.json (and its icon) into a temp folder and loads it. */
export async function writeConfig(config: unknown = CONFIG): Promise<LoadedConfig> {
  const dir = await tempDir('uf-config-');
  await mkdir(path.join(dir, 'icons'));
  await writeFile(path.join(dir, 'icons', 'rocket.png'), PNG);
  await writeFile(path.join(dir, 'updateforge.json'), JSON.stringify(config, null, 2));
  return loadConfig(path.join(dir, 'updateforge.json'));
}

/** A build file with the given content. */
export async function writeBuild(content: string | Buffer, name = 'app.apk'): Promise<string> {
  const dir = await tempDir('uf-build-');
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

/** A folder holding `files` (path → bytes, subfolders made as needed): a web build of exactly these files. */
export async function writeFolder(files: ReadonlyMap<string, Buffer>): Promise<string> {
  const dir = await tempDir('uf-folder-');
  for (const [name, bytes] of files) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), bytes);
  }
  return dir;
}

/** Every file under `dir` with a hash of its bytes: equal snapshots mean a byte-for-byte equal tree. */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const { createHash } = await import('node:crypto');
  const { readdir, readFile } = await import('node:fs/promises');
  const out: Record<string, string> = {};
  async function walk(current: string): Promise<void> {
    for (const entry of await readdir(current, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else
        out[path.relative(dir, full)] = createHash('sha256')
          .update(await readFile(full))
          .digest('hex');
    }
  }
  await walk(dir);
  return out;
}
