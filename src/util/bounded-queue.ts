import { UpdateForgeError } from '../errors.js';
/** Thrown instead of queueing once the queue is full: the caller answers "busy" rather than wait without bound. */
export class QueueFullError extends UpdateForgeError {
  override readonly name = 'QueueFullError';
  readonly kind = 'unavailable';
}

/**
 * Runs at most `concurrency` tasks at once, queues up to `maxWaiting` more in order,
 * and refuses the rest at once.
 */
export class BoundedQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) throw new QueueFullError(`${this.waiting.length} tasks are already waiting`);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
