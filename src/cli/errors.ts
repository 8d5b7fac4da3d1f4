import { UpdateForgeError } from '../errors.js';
/** A mistake in how the command was called: reported in one line, exit code 2. */
export class UsageError extends UpdateForgeError {
  override readonly name = 'UsageError';
  readonly kind = 'usage';
}
