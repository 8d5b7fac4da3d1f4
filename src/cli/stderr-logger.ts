import { humanLine, type Logger } from '../util/logger.js';

/** The store's retries and rate-limit waits, as one `warning:` line each on stderr; nothing else is chatty. */
export function stderrLogger(stderr: NodeJS.WritableStream): Logger {
  return {
    info: () => {},
    warn: (event, fields) => stderr.write(`warning: ${humanLine(event, fields)}\n`),
    error: (event, fields) => stderr.write(`error: ${humanLine(event, fields)}\n`),
  };
}
