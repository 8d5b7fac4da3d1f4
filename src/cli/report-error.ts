import { CommanderError } from 'commander';
import { answerFor, fieldOf } from '../errors.js';
import { errorMessage } from '../util/error-message.js';

/**
 * The CLI's one catch: prints what went wrong and what to do, returns the exit code its kind
 * gives (src/errors.ts: 2 when the call itself was wrong and nothing was written, else 1).
 * No stack unless UPDATEFORGE_DEBUG=1.
 */
export function reportError(error: unknown, stderr: NodeJS.WritableStream, env: NodeJS.ProcessEnv = {}): number {
  // Commander has already printed its message (or the help).
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  const field = fieldOf(error);
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') stderr.write('error: that port is already in use; pick another with --port (or PORT=... npm start).\n');
  else stderr.write(`error: ${field === undefined ? '' : `--${field}: `}${errorMessage(error)}\n`);
  const { exitCode } = answerFor(error);
  if (exitCode === 1 && env['UPDATEFORGE_DEBUG'] === '1' && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  return exitCode;
}
