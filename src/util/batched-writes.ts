/** At most this much text waits for the next turn of the event loop. */
const MAX_PENDING = 64 * 1024;

export interface BatchedWrites {
  write(text: string): void;
  /** Writes what is waiting now (before the process exits). */
  flush(): void;
}

/**
 * Text written together once per turn of the event loop. A log line written to a pipe is a
 * system call of its own, synchronous on Linux: under a fleet's polls those calls were a
 * tenth of the server's CPU time. Nothing is reordered, and nothing waits longer than the
 * turn it was written in.
 */
export function batchedWrites(write: (text: string) => void): BatchedWrites {
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    write(text);
  };
  return {
    write(text) {
      if (pending === '') setImmediate(flush);
      pending += text;
      if (pending.length >= MAX_PENDING) flush();
    },
    flush,
  };
}
