import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { resolveChannels } from '../src/feed/channels.js';
import { MANIFEST_PATH, serializeManifest, type Manifest } from '../src/feed/manifest.js';
import { BUILD_TYPES } from '../src/feed/version.js';
import type { VersionRecord } from '../src/feed/version-record.js';
import { LocalStore } from '../src/store/local/store.js';

/**
 * A store whose manifest lists `apps` apps × 3 build types × `versions` versions
 * (every tenth pending), all in one team. Only the manifest is written: `/apps`
 * reads nothing else, and building 3,000 real releases would only slow the bench.
 */
export async function writeLargeFeed(root: string, options: { apps: number; versions: number; kind?: 'binary' | 'bundle' }): Promise<void> {
  const versions: VersionRecord[] = [];
  const apps = Array.from({ length: options.apps }, (_, i) => ({
    id: `app-${i}`,
    team: 'bench',
    title: `Bench App ${i}`,
    packageName: `com.bench.app${i}`,
    icon: `icons/app-${i}/icon.png`,
    defaultChannel: 'release',
  }));
  for (const app of apps) {
    for (const buildType of BUILD_TYPES) {
      for (let v = 0; v < options.versions; v++) {
        const id = `${app.id}-${buildType}-${v}`;
        versions.push({
          id,
          app: app.id,
          buildType,
          version: `1.${v}.0`,
          name: v % 5 === 0 ? `Milestone ${v}` : '',
          public: v % 2 === 0,
          created: new Date(Date.UTC(2026, 0, 1) + v * 3_600_000).toISOString(),
          notes: `Notes for ${id}`,
          file:
            v % 10 === 9
              ? null
              : {
                  assetId: createHash('sha1').update(id).digest('hex').slice(0, 16),
                  name: `${id}.apk`,
                  size: 1000 + v,
                  sha256: createHash('sha256').update(id).digest('hex'),
                  contentType: options.kind === 'bundle' ? 'application/zip' : 'application/vnd.android.package-archive',
                  kind: options.kind ?? 'binary',
                  crc32: createHash('sha1').update(id).digest('hex').slice(0, 8),
                },
        });
      }
    }
  }
  const manifest: Manifest = { schemaVersion: 1, generatedAt: new Date().toISOString(), teams: [{ id: 'bench', name: 'Bench' }], apps, channels: resolveChannels(), versions };
  const store = await LocalStore.openOrCreate(root);
  await store.writeBranchFile(MANIFEST_PATH, serializeManifest(manifest), { expectedSha: null, message: 'bench' });
}

/** A file of `size` bytes of non-repeating data, written in 8 MiB blocks. */
export async function writeBigFile(file: string, size: number): Promise<void> {
  const handle = await open(file, 'w');
  const block = Buffer.alloc(8 * 1024 * 1024);
  try {
    for (let written = 0, n = 0; written < size; n++) {
      for (let i = 0; i < block.length; i += 32)
        createHash('sha256')
          .update(`${path.basename(file)}:${n}:${i}`)
          .digest()
          .copy(block, i);
      const length = Math.min(block.length, size - written);
      await handle.write(block, 0, length);
      written += length;
    }
  } finally {
    await handle.close();
  }
}

/** What Capgo plugin 8 on Android posts to check for an update; autocannon's `-I` puts a new device id in place of `[<id>]` at every request. */
export function deviceBody(appId: string, versionName: string): string {
  return JSON.stringify({
    app_id: appId,
    device_id: '[<id>]',
    version_name: versionName,
    version_build: '1.0.0',
    plugin_version: '8.51.14',
    platform: 'android',
    is_emulator: false,
    is_prod: true,
  });
}
