import type { Release } from './types.js';
import { UpdateForgeError } from '../errors.js';

/** Someone else changed the thing first: a tag already taken, a branch file whose sha moved on. */
export class StoreConflictError extends UpdateForgeError {
  override readonly name = 'StoreConflictError';
  readonly kind = 'conflict';
}

/** The store will never accept this tag again (GitHub reserves a tag an immutable release had): a new version is the only way on. */
export class TagUnavailableError extends UpdateForgeError {
  override readonly name = 'TagUnavailableError';
  readonly kind = 'conflict';
}

/**
 * The store will not list every release (GitHub stops at the first 1,000): `listed` holds what it did
 * list, newest first. Whatever needs them all must find the rest another way (`updateforge repair`).
 */
export class ReleaseListCapped extends UpdateForgeError {
  override readonly name = 'ReleaseListCapped';
  readonly kind = 'damaged';
  constructor(
    message: string,
    readonly listed: readonly Release[],
    options: ErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** The release, asset or file is not (or no longer) in the store. */
export class StoreNotFoundError extends UpdateForgeError {
  override readonly name = 'StoreNotFoundError';
  readonly kind = 'not-found';
}

/** The store cannot be used: as configured (no such folder, no access), or for now (GitHub down or rate-limited). */
export class StoreUnavailableError extends UpdateForgeError {
  override readonly name = 'StoreUnavailableError';
  readonly kind = 'unavailable';
  /** Seconds until it is worth asking again, when the store was told (GitHub's rate limits say); else unknown. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: ErrorOptions & { retryAfterSeconds?: number } = {}) {
    super(message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isStoreConflict(error: unknown): error is StoreConflictError {
  return error instanceof StoreConflictError;
}
