import { CommanderError } from 'commander';
import { ConfigFileError } from '../feed/config.js';
import { PublishInputError } from '../publish/errors.js';
import { ServerConfigError } from '../server/tokens.js';
import { UserEditError } from '../users/manage.js';
import { ValidationError } from '../util/validation.js';
import { UsageError } from './errors.js';
import { errorMessage } from '../util/error-message.js';

/** Exit code 2: the command was called wrongly (flags, config, environment); nothing was written. */
const USAGE_ERRORS = [UsageError, ValidationError, ConfigFileError, UserEditError, ServerConfigError];

/** The CLI's one catch: prints what went wrong and what to do, returns the exit code. No stack unless UPDATEFORGE_DEBUG=1. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream, env: NodeJS.ProcessEnv = {}): number {
  // Commander has already printed its message (or the help).
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof PublishInputError) {
    stderr.write(`error: --${error.field}: ${error.message}\n`);
    return 2;
  }
  const message = errorMessage(error);
  if (USAGE_ERRORS.some((type) => error instanceof type)) {
    stderr.write(`error: ${message}\n`);
    return 2;
  }
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') stderr.write('error: that port is already in use; pick another with --port (or PORT=... npm start).\n');
  else stderr.write(`error: ${message}\n`);
  if (env['UPDATEFORGE_DEBUG'] === '1' && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  return 1;
}
