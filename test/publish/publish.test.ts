import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import yauzl from 'yauzl';
import { PublishInputError, VersionConflictError } from '../../src/publish/errors.js';
import { packageArtifact } from '../../src/publish/package.js';
import { publish, type PublishOptions } from '../../src/publish/publish.js';
import { LocalStore } from '../../src/store/local/store.js';
import { readAll } from '../store/store-contract.js';
import { readManifest } from '../helpers/feed.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';

async function setup() {
  const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
  const config = await writeConfig();
  const run = (request: Partial<PublishOptions['request']>, options: Partial<PublishOptions> = {}) =>
    publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '1.0.0', ...request }, ...options });
  return { store, config, run };
}

async function zipEntries(file: string): Promise<Map<string, string>> {
  const zip = await yauzl.openPromise(file);
  const out = new Map<string, string>();
  for await (const entry of zip.eachEntry()) {
    const stream = await zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    out.set(entry.fileName, Buffer.concat(chunks).toString());
  }
  return out;
}

describe('publish', () => {
  test('uploads a file, records its checksum and lists it in the manifest', async () => {
    const { store, run } = await setup();
    const result = await run({ path: await writeBuild('hello world', 'Rocket – café.apk'), name: 'First', notes: 'Hi', public: true });
    expect(result.outcome).toBe('published');
    expect(result.version).toMatchObject({
      app: 'rocket',
      buildType: 'release',
      version: '1.0.0',
      name: 'First',
      notes: 'Hi',
      public: true,
      file: { name: 'Rocket – café.apk', size: 11, sha256: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9', kind: 'binary' },
    });
    expect(result.downloadPath).toBe(`/api/v1/versions/${result.version.id}/download`);
    expect((await readManifest(store))?.versions).toEqual([result.version]);
    const release = await store.findReleaseByTag('rocket/release/v1.0.0');
    // GitHub would rename the odd characters; the original name is kept in the label.
    expect(release?.assets.map((a) => [a.name, a.label])).toEqual([['Rocket.caf.apk', 'Rocket – café.apk']]);
    expect(release?.draft).toBe(false);
    expect(await readAll(await store.openAsset(result.version.file!.assetId))).toBe('hello world');
  });

  test('the same bytes again are a no-op', async () => {
    const { store, run } = await setup();
    const first = await run({ path: await writeBuild('same') });
    const before = await store.listReleases();
    const again = await run({ path: await writeBuild('same') });
    expect(again.outcome).toBe('unchanged');
    expect(again.manifestChanged).toBe(false);
    expect(again.manifestSha).toBe(first.manifestSha);
    expect(await store.listReleases()).toEqual(before);
  });

  test('different bytes for a published version fail, and change nothing', async () => {
    const { store, run } = await setup();
    await run({ path: await writeBuild('one') });
    const before = await store.listReleases();
    await expect(run({ path: await writeBuild('two') })).rejects.toThrow(VersionConflictError);
    await expect(run({ path: await writeBuild('two') })).rejects.toThrow(/already published with different bytes .* pass --overwrite/);
    expect(await store.listReleases()).toEqual(before);
  });

  test('--overwrite replaces the file, keeps the version id and removes the old asset', async () => {
    const { store, run } = await setup();
    const first = await run({ path: await writeBuild('one') });
    const replaced = await run({ path: await writeBuild('two!'), overwrite: true });
    expect(replaced.outcome).toBe('replaced');
    expect(replaced.version.id).toBe(first.version.id);
    expect(replaced.version.file?.size).toBe(4);
    expect(await readAll(await store.openAsset(replaced.version.file!.assetId))).toBe('two!');
    await expect(store.openAsset(first.version.file!.assetId)).rejects.toThrow();
    expect((await store.findReleaseByTag('rocket/release/v1.0.0'))?.assets).toHaveLength(1);
  });

  test('a version differing only in build metadata is the same version', async () => {
    const { run } = await setup();
    await run({ version: '1.0.0+build.1', path: await writeBuild('one') });
    await expect(run({ version: '1.0.0+build.2', path: await writeBuild('one') })).rejects.toThrow(/same precedence as 1\.0\.0\+build\.2/);
    const overwritten = await run({ version: '1.0.0+build.2', path: await writeBuild('one'), overwrite: true });
    expect(overwritten.version.version).toBe('1.0.0+build.2');
  });

  test('without a path it registers a pending version; its file later makes it a current candidate', async () => {
    const { store, run } = await setup();
    const pending = await run({ version: '2.0.0', name: 'Next sprint' });
    expect(pending.outcome).toBe('registered');
    expect(pending.version.file).toBeNull();
    expect(pending.downloadPath).toBeNull();
    expect((await store.findReleaseByTag('rocket/release/v2.0.0'))?.draft).toBe(true);

    const completed = await run({ version: '2.0.0', path: await writeBuild('v2') });
    expect(completed.outcome).toBe('published');
    expect(completed.version.id).toBe(pending.version.id);
    expect(completed.version.name).toBe('Next sprint');
    expect(completed.version.created).toBe(pending.version.created);
    expect(completed.version.file?.size).toBe(2);
  });

  test('changing only name, notes or public updates the version', async () => {
    const { run } = await setup();
    await run({ path: await writeBuild('x'), name: 'a' });
    const updated = await run({ name: 'b', notes: 'new notes', public: true });
    expect(updated.outcome).toBe('updated');
    expect(updated.version).toMatchObject({ name: 'b', notes: 'new notes', public: true, file: { size: 1 } });
  });

  test('zips a web build folder with stable bytes, so a re-run is a no-op', async () => {
    const { run } = await setup();
    const dir = await tempDir();
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<h1>hi</h1>');
    await writeFile(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    const first = await run({ path: dir });
    expect(first.version.file).toMatchObject({ name: 'rocket-1.0.0.zip', kind: 'bundle', contentType: 'application/zip' });
    // Touching the files changes their dates but not the zip.
    await writeFile(path.join(dir, 'index.html'), '<h1>hi</h1>');
    expect((await run({ path: dir })).outcome).toBe('unchanged');
  });

  test('the zip holds the folder contents at its root', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<h1>hi</h1>');
    await writeFile(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    const artifact = await packageArtifact({ input: dir, zipName: 'b.zip' });
    try {
      expect(await zipEntries(artifact.file)).toEqual(
        new Map([
          ['assets/app.js', 'console.log(1)'],
          ['index.html', '<h1>hi</h1>'],
        ]),
      );
    } finally {
      await artifact.cleanup();
    }
  });

  test.each([
    [{ app: 'nope' }, 'app', /Unknown app 'nope'. Apps in updateforge.json: 'rocket', 'anvil', 'gadget'/],
    [{ buildType: 'beta' }, 'build-type', /Invalid build type 'beta'/],
    [{ version: 'v1.0.0' }, 'version', /Did you mean '1.0.0'/],
    [{ path: '/no/such/build.apk' }, 'path', /Cannot read '\/no\/such\/build.apk': no such file or directory/],
    [{ name: 'x'.repeat(201) }, 'name', /limit is 200/],
  ])('refuses %j naming the input', async (request, field, message) => {
    const { run } = await setup();
    const error = await run(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishInputError);
    expect((error as PublishInputError).field).toBe(field);
    expect((error as Error).message).toMatch(message);
  });

  test('refuses an empty folder', async () => {
    const { run } = await setup();
    await expect(run({ path: await tempDir() })).rejects.toThrow(/is empty/);
  });

  test('publishes the app icons next to the manifest', async () => {
    const { store, run } = await setup();
    const result = await run({ path: await writeBuild('x') });
    expect(result.iconsWritten).toBe(1);
    expect(await store.readBranchFile('icons/rocket/rocket.png')).not.toBeNull();
    expect((await run({ path: await writeBuild('x') })).iconsWritten).toBe(0);
  });

  test('reports progress while hashing and uploading', async () => {
    const { run } = await setup();
    const phases = new Set<string>();
    await run({ path: await writeBuild(Buffer.alloc(3 * 1024 * 1024, 7)) }, { onProgress: (p) => phases.add(p.phase) });
    expect([...phases]).toEqual(['hashing', 'uploading']);
  });
});
