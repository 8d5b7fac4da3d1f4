import type { LogFields, Logger } from '../util/logger.js';

/** The store's retries and rate-limit waits, as one `warning:` line each on stderr; nothing else is chatty. */
export function stderrLogger(stderr: NodeJS.WritableStream): Logger {
  const line = (event: string, fields: LogFields = {}) =>
    [
      event,
      ...Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${String(v)}`),
    ].join(' ');
  return {
    info: () => {},
    warn: (event, fields) => stderr.write(`warning: ${line(event, fields)}\n`),
    error: (event, fields) => stderr.write(`error: ${line(event, fields)}\n`),
  };
}
