import type { RunningServer } from '../server/node-server.js';
import { batchedWrites } from '../util/batched-writes.js';
import { jsonLogger, type Logger } from '../util/logger.js';

/**
 * The JSON log of a server the CLI runs, on standard error: its lines are written once per turn
 * of the event loop (src/util/batched-writes.ts), and all of them by the time the server has closed.
 */
export function serverLog(stderr: { write(text: string): unknown }): { log: Logger; flushedOnClose(server: RunningServer): RunningServer } {
  const lines = batchedWrites((text) => void stderr.write(text));
  return {
    log: jsonLogger(lines.write),
    flushedOnClose: (server) => ({ ...server, close: () => server.close().finally(lines.flush) }),
  };
}
