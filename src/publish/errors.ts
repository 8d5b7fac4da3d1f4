/** A publish input is wrong; `field` is the flag / action input to fix (e.g. `build-type`). */
export class PublishInputError extends Error {
  override readonly name = 'PublishInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The version is already published with other bytes, and `overwrite` was not asked for. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
}

/** Another publish of the same version is under way and did not finish in time. */
export class PublishBusyError extends Error {
  override readonly name = 'PublishBusyError';
}

/** The store received other bytes than the ones we packaged. */
export class DigestMismatchError extends Error {
  override readonly name = 'DigestMismatchError';
}

/** Another publisher kept changing the manifest; every attempt lost the race. */
export class ManifestContentionError extends Error {
  override readonly name = 'ManifestContentionError';
}

/** A change failed, and taking back what it had done failed too: the message says what is left over. */
export class RollbackIncompleteError extends Error {
  override readonly name = 'RollbackIncompleteError';
}

/**
 * The release is published, but what follows it (icons, manifest) failed. Nothing was undone: on a
 * repository with immutable releases a deleted release's tag can never be used again. Running the
 * same publish again finishes it.
 */
export class PublishUnfinishedError extends Error {
  override readonly name = 'PublishUnfinishedError';
}

/** The manifest must be rebuilt from every release, which a publish does not do in passing: `updateforge repair` does. */
export class RepairNeededError extends Error {
  override readonly name = 'RepairNeededError';
}
