/** Someone else changed the thing first: a tag already taken, a branch file whose sha moved on. */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
}

/** The release, asset or file is not (or no longer) in the store. */
export class StoreNotFoundError extends Error {
  override readonly name = 'StoreNotFoundError';
}

/** The store cannot be used: as configured (no such folder, no access), or for now (GitHub down or rate-limited). */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

export function isStoreConflict(error: unknown): error is StoreConflictError {
  return error instanceof StoreConflictError;
}
