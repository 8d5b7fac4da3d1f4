import { UpdateForgeError } from '../errors.js';

/** The server cannot run as configured; the message names the setting and the fix. */
export class ServerConfigError extends UpdateForgeError {
  override readonly name = 'ServerConfigError';
  readonly kind = 'config';
}
