import type { FeedReader } from '../store/store.js';
import { MANIFEST_PATH, parseManifest, type Manifest } from './manifest.js';

/** The feed's manifest as the store holds it now, and its sha; null when none is written yet. Throws when it cannot be read. */
export async function readFeedManifest(store: FeedReader): Promise<{ readonly manifest: Manifest; readonly sha: string } | null> {
  const file = await store.readBranchFile(MANIFEST_PATH);
  return file === null || file === 'not-modified' ? null : { manifest: parseManifest(file.content), sha: file.sha };
}
