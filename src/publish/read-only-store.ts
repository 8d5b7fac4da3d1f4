import type { Store } from '../store/store.js';
import { UpdateForgeError } from '../errors.js';

/** Thrown by a read-only store at the first write: the caller has to take the version's lease and run again. */
export class WriteNeeded extends UpdateForgeError {
  override readonly name = 'WriteNeeded';
  readonly kind = 'internal';
}

/**
 * The store with every write refused before it happens. A publish first runs against
 * this: a re-run that changes nothing then finishes without taking the version's lease,
 * which on GitHub would cost two commits and three requests for nothing.
 */
export function readOnlyStore(store: Store): Store {
  const refuse = () => Promise.reject(new WriteNeeded('this publish changes the store'));
  return {
    location: store.location,
    listReleases: () => store.listReleases(),
    listTags: (prefix) => store.listTags(prefix),
    findReleaseByTag: (tag) => store.findReleaseByTag(tag),
    openAsset: (assetId, range) => store.openAsset(assetId, range),
    assetLink: (assetId) => store.assetLink(assetId),
    readBranchFile: (file, options) => store.readBranchFile(file, options),
    downloadCounts: (assetIds) => store.downloadCounts(assetIds),
    createRelease: refuse,
    updateRelease: refuse,
    deleteRelease: refuse,
    uploadAsset: refuse,
    deleteAsset: refuse,
    writeBranchFile: refuse,
    deleteBranchFile: refuse,
  };
}
