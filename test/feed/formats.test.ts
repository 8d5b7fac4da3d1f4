import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { resolveChannels } from '../../src/feed/channels.js';
import { channelKey, indexManifest } from '../../src/feed/feed-snapshot.js';
import { MANIFEST_FORMAT, MANIFEST_SCHEMA_VERSION, parseManifest, serializeManifest } from '../../src/feed/manifest.js';
import { parseReleaseBody, RELEASE_METADATA_FORMAT, RELEASE_METADATA_VERSION, renderReleaseBody } from '../../src/feed/release-body.js';
import { FormatVersionError, NewerFormatError } from '../../src/feed/versioned-format.js';
import { BUNDLE_FILES_FORMAT, BUNDLE_FILES_VERSION, parseBundleFiles, serializeBundleFiles } from '../../src/feed/bundle-files.js';

/** The file record of the binary in the v1 fixtures, as the publish that wrote them recorded it. */
const BINARY_FILE = {
  assetId: 'b607f9db0ab58ab0',
  name: 'Rocket Tracker – café.apk',
  size: 15,
  sha256: '5c422bdb1e69a6d4aa7ead6910b33583e8e2acf203c775074425c9825e58d9d4',
  contentType: 'application/vnd.android.package-archive',
  kind: 'binary',
};

// Golden fixtures (test/fixtures/formats/README.md): files as UpdateForge wrote them. Never regenerated here.
const fixture = (name: string) => readFile(new URL(`../fixtures/formats/${name}`, import.meta.url));
const text = async (name: string) => (await fixture(name)).toString('utf8');

/** The parsed notes and metadata of a release-body fixture (which must be one of ours). */
async function metadataOf(name: string) {
  const parsed = parseReleaseBody(await text(`release-body/${name}`));
  if (parsed === null) throw new Error(`${name} has no UpdateForge block`);
  return parsed;
}

const V1_BODIES = [
  'v1-published-binary.md',
  'v1-published-ipa.md',
  'v1-pending.md',
  'v1-uploading.md',
  'v1-bundle-rollout-min-native.md',
  'v1-bundle-no-notes.md',
  'v1-encrypted-bundle.md',
  'v1-yanked-bundle.md',
  'v1-before-rollout.md',
];

describe('the formats this build writes', () => {
  test('are the newest versions it reads', () => {
    expect(MANIFEST_FORMAT.newest).toBe(MANIFEST_SCHEMA_VERSION);
    expect(RELEASE_METADATA_FORMAT.newest).toBe(RELEASE_METADATA_VERSION);
  });
});

describe('manifest v1 (golden)', () => {
  test('keeps parsing to the feed it was written for', async () => {
    const manifest = parseManifest(await fixture('manifest/v1.json'));

    expect(manifest.schemaVersion).toBe(1);
    expect(manifest.generatedAt).toBe('2026-03-09T12:00:00.000Z');
    expect(manifest.teams).toEqual([
      { id: 'acme', name: 'Acme Mobile' },
      { id: 'globex', name: 'Globex QA' },
    ]);
    expect(manifest.apps).toEqual([
      { id: 'rocket', team: 'acme', title: 'Rocket Tracker', packageName: 'com.acme.rocket', icon: 'icons/rocket/rocket.png', defaultChannel: 'release' },
      { id: 'gadget', team: 'globex', title: 'Gadget Hub', packageName: 'com.globex.gadget', icon: null, defaultChannel: 'production', encryptedBundles: false },
      { id: 'vault', team: 'acme', title: 'Vault', packageName: 'com.acme.vault', icon: null, defaultChannel: 'release', encryptedBundles: true },
    ]);
    expect(manifest.channels.map((c) => [c.id, c.name, c.buildType, c.allowSelfSet])).toEqual([
      [1, 'release', 'release', false],
      [2, 'debug', 'debug', true],
      [3, 'profile', 'profile', false],
      [4, 'production', 'release', false],
      [5, 'beta', 'debug', true],
    ]);
    // The interrupted upload (rocket 1.2.0) was never listed.
    expect(manifest.versions.map((v) => `${v.app} ${v.buildType} ${v.version}`)).toEqual([
      'rocket release 1.1.0',
      'rocket release 1.0.0+build.7',
      'rocket profile 1.0.0',
      'gadget release 2.0.0',
      'gadget release 1.9.0',
      'gadget debug 2.1.0-beta.1',
      'vault release 3.0.0',
    ]);
  });

  test('each kind of version keeps its fields', async () => {
    const manifest = parseManifest(await fixture('manifest/v1.json'));
    const find = (app: string, version: string) => manifest.versions.find((v) => v.app === app && v.version === version)!;

    const binary = find('rocket', '1.0.0+build.7');
    expect(binary).toMatchObject({ id: '1238e306234a9d75', name: 'January update --> "final"', public: true, created: '2026-03-02T09:00:00.000Z' });
    expect(binary.file).toEqual(BINARY_FILE);
    expect(binary.notes).toContain('<!-- updateforge {"updateforge":9,"app":"evil"} -->');
    expect(binary.notes).toContain('Windows line end here\r\n');
    expect(binary.rollout).toBeUndefined();

    const pending = find('rocket', '1.1.0');
    expect(pending).toMatchObject({ id: '27cb4bdd1040d1e9', name: 'Next sprint <soon>', file: null });

    const staged = find('gadget', '2.0.0');
    expect(staged.rollout).toBe(25);
    expect(staged.file).toMatchObject({ kind: 'bundle', contentType: 'application/zip', crc32: '53ad88ce', minNativeVersion: '2.0.0' });
    expect(staged.file?.encryption).toBeUndefined();

    expect(find('gadget', '1.9.0')).toMatchObject({ yanked: true, file: { kind: 'bundle', crc32: '9689ce48' } });
    const beta = find('gadget', '2.1.0-beta.1');
    expect(beta.notes).toBe('');
    expect(beta).not.toHaveProperty('yanked');
    expect(beta).not.toHaveProperty('rollout');

    const encrypted = find('vault', '3.0.0').file!;
    expect(encrypted.crc32).toBeUndefined();
    expect(encrypted.encryption).toMatchObject({ plainSha256: '25a921f1e359cc21b567a1edf0f9a6e8abff707ecfe8512c997286695f30ac53', keyId: 'MIIBCgKCAQEA42J8PZhF' });
    expect(encrypted.encryption?.sessionKey).toMatch(/^qKBDugtoZAsvHMPGIy9xlA==:[A-Za-z0-9+/]{342}==$/);
    expect(encrypted.encryption?.checksum).toMatch(/^5491ca44[0-9a-f]{504}$/);
    expect(encrypted.encryption?.legacyChecksum).toMatch(/^AgPwhJYO[A-Za-z0-9+/]{334}==$/);
  });

  test('still answers who gets what: current, pending and live bundles', async () => {
    const snapshot = indexManifest(parseManifest(await fixture('manifest/v1.json')));

    expect(snapshot.currentAndPending.get('rocket')?.release.current?.version).toBe('1.0.0+build.7');
    expect(snapshot.currentAndPending.get('rocket')?.release.pending?.version).toBe('1.1.0');
    // gadget ships live-update bundles only: devices get them, testers have no build to install.
    expect(snapshot.currentAndPending.get('gadget')?.release.current).toBeNull();
    expect(snapshot.liveBundles.get(channelKey('gadget', 'release'))?.map((v) => v.version)).toEqual(['2.0.0']); // 1.9.0 is yanked
    expect(snapshot.appsByPackageName.get('com.acme.vault')?.encryptedBundles).toBe(true);
  });

  test('written again, it is the same bytes', async () => {
    const bytes = await fixture('manifest/v1.json');

    expect(Buffer.from(serializeManifest(parseManifest(bytes))).equals(bytes)).toBe(true);
  });

  test('each version record is what its release body says (releases are the source of truth)', async () => {
    const manifest = parseManifest(await fixture('manifest/v1.json'));
    const listed = V1_BODIES.filter((name) => !['v1-uploading.md', 'v1-before-rollout.md'].includes(name));

    for (const name of listed) {
      const { notes, metadata } = await metadataOf(name);
      const record = manifest.versions.find((v) => v.app === metadata.app && v.buildType === metadata.buildType && v.version === metadata.version);
      expect(record, name).toBeDefined();
      expect({ ...record, id: undefined }, name).toEqual({
        id: undefined,
        app: metadata.app,
        buildType: metadata.buildType,
        version: metadata.version,
        name: metadata.name,
        public: metadata.public,
        created: metadata.created,
        notes,
        file: metadata.file,
        rollout: metadata.rollout,
        yanked: metadata.yanked,
      });
    }
  });
});

describe('manifest v1 written before channels existed (golden)', () => {
  test('reads with the build types as channels and release as every default channel', async () => {
    const manifest = parseManifest(await fixture('manifest/v1-before-channels.json'));

    expect(manifest.channels).toEqual(resolveChannels());
    expect(manifest.apps.map((a) => [a.id, a.icon, a.defaultChannel, a.encryptedBundles])).toEqual([
      ['rocket', 'icons/rocket/rocket.png', 'release', undefined],
      ['gadget', null, 'release', undefined],
    ]);
    expect(manifest.versions.map((v) => [v.id, v.buildType, v.version, v.file?.kind ?? null])).toEqual([
      ['c9a674e1adfcead2', 'release', '0.9.0', 'binary'],
      ['34be6576259ee540', 'debug', '1.0.0-rc.1', null],
      ['5849f5e9ada50013', 'release', '0.5.0', 'bundle'],
    ]);
    expect(manifest.versions[0]).toMatchObject({ name: 'First', public: true, notes: 'The first build & its notes.' });
    expect(manifest.versions[2]?.file).toMatchObject({ name: 'gadget-0.5.0.zip', size: 173, sha256: '1724db70046d199b7154a119c13a02743043ccd80c6b9c9dee4702d1f8c2b033' });
    expect(manifest.versions[2]?.file?.crc32).toBeUndefined();
  });

  test('written again, it is a current manifest that reads back the same', async () => {
    const manifest = parseManifest(await fixture('manifest/v1-before-channels.json'));
    const rewritten = serializeManifest(manifest);

    expect(JSON.parse(Buffer.from(rewritten).toString('utf8'))).toMatchObject({ schemaVersion: MANIFEST_SCHEMA_VERSION, channels: resolveChannels() });
    expect(parseManifest(rewritten)).toEqual(manifest);
  });
});

describe('manifests this build cannot read', () => {
  test('a newer version says to upgrade, naming both versions', async () => {
    const read = async () => parseManifest(await fixture('manifest/v2-newer.json'));

    await expect(read()).rejects.toThrow(NewerFormatError);
    await expect(read()).rejects.toThrow(
      'manifest.json has "schemaVersion": 2: it was written by a newer UpdateForge action or CLI, and this UpdateForge reads manifests up to version 1 only. ' +
        'Upgrade UpdateForge here (the server, or the CLI or action reading it) to a release that reads manifest version 2; servers are upgraded before the action that writes a new version (docs/FORMATS.md).',
    );
  });

  test('a missing version says so, and how to rebuild', async () => {
    const read = async () => parseManifest(await fixture('manifest/no-version.json'));

    await expect(read()).rejects.toThrow(FormatVersionError);
    await expect(read()).rejects.toThrow(
      `manifest.json has no "schemaVersion" (its format version), so it cannot be read: it is not an UpdateForge manifest, or it was damaged. The manifest is derived from the releases: rebuild it with 'updateforge repair'.`,
    );
  });
});

describe('release bodies v1 (golden)', () => {
  test('a published binary, with notes that quote a block, an arrow and a CRLF', async () => {
    const { notes, metadata } = await metadataOf('v1-published-binary.md');

    expect(notes.split('\n')[0]).toBe("## What's new");
    expect(notes).toContain('- A note that says --> and <!-- updateforge {"updateforge":9,"app":"evil"} --> in passing');
    expect(notes).toContain('- <script>alert("x")</script> & `code` \\u003c escaped-looking text');
    expect(notes).toContain('Windows line end here\r\n- and a "quoted" one\t(tab)');
    expect(metadata).toEqual({
      updateforge: 1,
      app: 'rocket',
      buildType: 'release',
      version: '1.0.0+build.7',
      name: 'January update --> "final"',
      public: true,
      created: '2026-03-02T09:00:00.000Z',
      state: 'published',
      file: BINARY_FILE,
    });
  });

  test('a pending and an uploading version have no file', async () => {
    const pending = await metadataOf('v1-pending.md');
    const uploading = await metadataOf('v1-uploading.md');

    expect(pending).toEqual({
      notes: 'Registered before its build finished.',
      metadata: {
        updateforge: 1,
        app: 'rocket',
        buildType: 'release',
        version: '1.1.0',
        name: 'Next sprint <soon>',
        public: false,
        created: '2026-03-04T11:30:00.000Z',
        state: 'pending',
        file: null,
      },
    });
    expect(uploading).toEqual({
      notes: 'Interrupted upload.',
      metadata: {
        updateforge: 1,
        app: 'rocket',
        buildType: 'release',
        version: '1.2.0',
        name: '',
        public: false,
        created: '2026-03-10T07:45:00.000Z',
        state: 'uploading',
        file: null,
      },
    });
  });

  test('bundles keep rollout, minimum native version, yank and encryption', async () => {
    const staged = (await metadataOf('v1-bundle-rollout-min-native.md')).metadata;
    const yanked = (await metadataOf('v1-yanked-bundle.md')).metadata;
    const bare = await metadataOf('v1-bundle-no-notes.md');
    const encrypted = (await metadataOf('v1-encrypted-bundle.md')).metadata;

    expect(staged).toMatchObject({
      app: 'gadget',
      version: '2.0.0',
      name: 'Staged',
      rollout: 25,
      state: 'published',
      file: { kind: 'bundle', crc32: '53ad88ce', minNativeVersion: '2.0.0' },
    });
    expect(yanked).toMatchObject({ app: 'gadget', version: '1.9.0', yanked: true, state: 'published', file: { assetId: 'f1017e87d75ccb2e', kind: 'bundle' } });
    expect(yanked.rollout).toBeUndefined();
    expect(bare.notes).toBe('');
    expect(bare.metadata).toMatchObject({ buildType: 'debug', version: '2.1.0-beta.1', file: { name: 'gadget-2.1.0-beta.1.zip', size: 316, crc32: 'fa35a779' } });
    expect(encrypted.file?.encryption).toMatchObject({ plainSha256: '25a921f1e359cc21b567a1edf0f9a6e8abff707ecfe8512c997286695f30ac53', keyId: 'MIIBCgKCAQEA42J8PZhF' });
    expect(encrypted.file?.encryption?.checksum).toHaveLength(512);
    expect(encrypted.file?.encryption?.legacyChecksum).toHaveLength(344);
  });

  test('the first writer’s body (before rollouts) reads the same way', async () => {
    const { notes, metadata } = await metadataOf('v1-before-rollout.md');

    expect(notes).toBe('The first build & its notes.');
    expect(metadata).toMatchObject({
      updateforge: 1,
      app: 'rocket',
      version: '0.9.0',
      name: 'First',
      public: true,
      state: 'published',
      file: { assetId: '2c9449335b94bc37', kind: 'binary' },
    });
  });

  test.each(V1_BODIES.filter((name) => name !== 'v1-yanked-bundle.md'))('%s written again is the same bytes', async (name) => {
    const body = await text(`release-body/${name}`);
    const { notes, metadata } = parseReleaseBody(body)!;

    expect(renderReleaseBody(notes, metadata)).toBe(body);
  });

  test('a body an edit wrote with its keys in another order is written again in the one order, with the same content', async () => {
    const body = await text('release-body/v1-yanked-bundle.md');
    const { notes, metadata } = parseReleaseBody(body)!;
    const rewritten = renderReleaseBody(notes, metadata);

    expect(rewritten).not.toBe(body);
    expect(rewritten).toContain('<!-- updateforge {"updateforge":1,"app":"gadget",');
    expect(parseReleaseBody(rewritten)).toEqual({ notes, metadata });
  });
});

describe('release bodies this build cannot read', () => {
  test('a newer version says to upgrade before touching the release, naming both versions', async () => {
    const body = await text('release-body/v2-newer.md');

    expect(() => parseReleaseBody(body)).toThrow(NewerFormatError);
    expect(() => parseReleaseBody(body)).toThrow(
      `The UpdateForge metadata of release 'rocket/release/v2.0.0' has "updateforge": 2: it was written by a newer UpdateForge action or CLI, and this UpdateForge reads release metadata up to version 1 only. ` +
        'Upgrade UpdateForge to a release that reads release metadata version 2 before you publish, edit or repair this feed: rewriting this release with this UpdateForge would lose what version 2 records.',
    );
  });

  test('a missing version says so, and what to do', async () => {
    const body = await text('release-body/no-version.md');

    expect(() => parseReleaseBody(body)).toThrow(FormatVersionError);
    expect(() => parseReleaseBody(body)).toThrow(
      `The UpdateForge metadata of release 'rocket/release/v0.9.0' has no "updateforge" (its format version), so it cannot be read: its UpdateForge block was edited by hand or damaged. Put back the block UpdateForge wrote, or delete the release and publish the version again.`,
    );
  });
});

describe('bundle file lists (golden)', () => {
  test('v1 keeps every file with its hash and its place in the zip, and writes back byte for byte', async () => {
    const bytes = await fixture('bundle-files/v1.json');
    const list = parseBundleFiles(bytes, 'v1.json');
    expect(BUNDLE_FILES_FORMAT.newest).toBe(BUNDLE_FILES_VERSION);
    expect(list.zip).toEqual({ size: 204775, sha256: '72793a29c62d82dfea745d992f2ed4dd70097524cf45215fbbdfe80b142c00ee' });
    expect(list.files.map((f) => [f.name, f.method, f.size])).toEqual([
      ['assets/app.js', 8, 270177],
      ['assets/style.css', 0, 7],
      ['index.html', 8, 16],
    ]);
    expect(list.files[2]).toEqual({
      name: 'index.html',
      sha256: '55c1ab9f95f9ecccd89d852850e87d5194714857e0f7e83a39682491ea9b08ac',
      size: 16,
      method: 8,
      crc32: '0b0da5fa',
      offset: 204562,
      compressedSize: 14,
    });
    expect(Buffer.from(serializeBundleFiles(list)).equals(bytes)).toBe(true);
  });

  test('the release body of such a bundle points at its list', async () => {
    const { metadata } = await metadataOf('v1-bundle-with-files.md');
    expect(metadata.file?.files).toEqual({ assetId: 'a413f46a1333a6bd', size: 668, sha256: '1dbc5fa6d89456bea404b1019a4ce1f83b5654903eb49c8d633e6d86fd61fbe0', count: 3 });
  });

  test('a newer list says to upgrade', async () => {
    const bytes = await fixture('bundle-files/v2-newer.json');
    expect(() => parseBundleFiles(bytes, 'The file list of rocket-1.0.1.zip')).toThrow(NewerFormatError);
  });
});
