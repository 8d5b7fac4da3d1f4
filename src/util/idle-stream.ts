/**
 * Passes `body` through, and ends it with an error when its source sends nothing for
 * `ms` while being read, after calling `abort` (which should stop the source's request).
 * Only waits on the source count: a slow reader holding the stream back is not idleness.
 * A download whose source stalls then ends, and the client can resume it with a Range,
 * instead of holding a connection open forever.
 */
export function failWhenIdle(body: ReadableStream<Uint8Array>, ms: number, abort: (reason: Error) => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const timer = setTimeout(() => abort(new Error(`the download stalled: nothing came for ${ms / 1000} s`)), ms);
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } finally {
        clearTimeout(timer);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
