import { readFileSync } from 'node:fs';
import { indexManifest } from '../../../src/feed/feed-snapshot.js';
import { parseManifest, type Manifest } from '../../../src/feed/manifest.js';
import type { FileRecord, VersionRecord } from '../../../src/feed/version-record.js';

/** The format fixture's teams, apps and channels; the versions are each test's own. */
const BASE = parseManifest(readFileSync(new URL('../../fixtures/formats/manifest/v1.json', import.meta.url)));

/** The SHA-256 a test bundle of `version` is recorded with. */
export const shaOf = (version: string) => Buffer.from(version.padEnd(32, '.')).toString('hex');

/** A live-update bundle of app `rocket` (release), as the manifest records one. */
export function bundle(version: string, over: { app?: string; file?: Partial<FileRecord>; rollout?: number; yanked?: boolean } = {}): VersionRecord {
  return {
    id: `id-${over.app ?? 'rocket'}-${version}`,
    app: over.app ?? 'rocket',
    buildType: 'release',
    version,
    name: '',
    public: false,
    created: '2026-03-01T00:00:00.000Z',
    notes: '',
    file: { assetId: `asset-${version}`, name: `bundle-${version}.zip`, size: 10, sha256: shaOf(version), contentType: 'application/zip', kind: 'bundle', ...over.file },
    ...(over.rollout === undefined ? {} : { rollout: over.rollout }),
    ...(over.yanked ? { yanked: true } : {}),
  };
}

/** The fixture's feed holding just `versions`, indexed as the server holds it. */
export const feed = (...versions: VersionRecord[]) => indexManifest({ ...BASE, versions } satisfies Manifest);
