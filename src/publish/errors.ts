import { UpdateForgeError } from '../errors.js';
/** A publish input is wrong; `field` is the flag / action input to fix (e.g. `build-type`). */
export class PublishInputError extends UpdateForgeError {
  override readonly name = 'PublishInputError';
  readonly kind = 'input';
  declare readonly field: string;
  constructor(field: string, message: string, options: ErrorOptions = {}) {
    super(message, { ...options, field });
  }
}

/** The version is already published with other bytes, and `overwrite` was not asked for. */
export class VersionConflictError extends UpdateForgeError {
  override readonly name = 'VersionConflictError';
  readonly kind = 'conflict';
}

/** updateforge.json no longer declares apps the feed has versions of; a write from it would drop them. */
export class AppsLeftOutError extends UpdateForgeError {
  override readonly name = 'AppsLeftOutError';
  readonly kind = 'config';
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { ...options, field: 'config' });
  }
}

/** Another publish of the same version is under way and did not finish in time. */
export class PublishBusyError extends UpdateForgeError {
  override readonly name = 'PublishBusyError';
  readonly kind = 'conflict';
}

/** The store received other bytes than the ones we packaged. */
export class DigestMismatchError extends UpdateForgeError {
  override readonly name = 'DigestMismatchError';
  readonly kind = 'unavailable';
}

/** Another publisher kept changing the manifest; every attempt lost the race. */
export class ManifestContentionError extends UpdateForgeError {
  override readonly name = 'ManifestContentionError';
  readonly kind = 'conflict';
}

/** A change failed, and taking back what it had done failed too: the message says what is left over. */
export class RollbackIncompleteError extends UpdateForgeError {
  override readonly name = 'RollbackIncompleteError';
  readonly kind = 'unfinished';
}

/**
 * The release is published, but what follows it (icons, manifest) failed. Nothing was undone: on a
 * repository with immutable releases a deleted release's tag can never be used again. Running the
 * same publish again finishes it.
 */
export class PublishUnfinishedError extends UpdateForgeError {
  override readonly name = 'PublishUnfinishedError';
  readonly kind = 'unfinished';
}

/** The manifest must be rebuilt from every release, which a publish does not do in passing: `updateforge repair` does. */
export class RepairNeededError extends UpdateForgeError {
  override readonly name = 'RepairNeededError';
  readonly kind = 'damaged';
}

/** A prune stopped after deleting some releases; what it deleted is out of the manifest (as far as it could write it), and running it again finishes it. */
export class PruneUnfinishedError extends UpdateForgeError {
  override readonly name = 'PruneUnfinishedError';
  readonly kind = 'unfinished';
}
