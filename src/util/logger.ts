export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** Structured logging, passed in: core modules never write to the console themselves. */
export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

/** One JSON object per line: what log collectors (and Vercel's log view) read best. */
export function jsonLogger(write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const emit =
    (level: string) =>
    (event: string, fields: LogFields = {}) => {
      write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`);
    };
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** An event as one human-readable line, `event key=value …`, for loggers that print to people (CLI, Actions log). */
export function humanLine(event: string, fields: LogFields = {}): string {
  return [
    event,
    ...Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${String(v)}`),
  ].join(' ');
}

/** A loggable description of an error: its name, code and message, never its stack. */
export function describeError(error: unknown): LogFields {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: error.name, message: error.message, ...(code ? { code } : {}) };
  }
  return { error: 'NonError', message: String(error) };
}
