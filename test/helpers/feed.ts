import { MANIFEST_PATH, parseManifest, type Manifest } from '../../src/feed/manifest.js';
import type { Store } from '../../src/store/store.js';

/** The manifest a store holds now (null when none was written yet). */
export async function readManifest(store: Store): Promise<Manifest | null> {
  const file = await store.readBranchFile(MANIFEST_PATH);
  if (file === null || file === 'not-modified') return null;
  return parseManifest(file.content);
}

/** Every manifest entry's file must be an asset the store can open: the invariant no failure may break. */
export async function assertNoDanglingAssets(store: Store): Promise<void> {
  const manifest = await readManifest(store);
  for (const v of manifest?.versions ?? []) {
    if (!v.file) continue;
    const stream = await store.openAsset(v.file.assetId);
    await stream.cancel();
  }
}
