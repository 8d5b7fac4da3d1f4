import { errorMessage } from '../util/error-message.js';

/**
 * The changes a publish has made so far, newest last, each with how to take it back:
 * a publish that fails part-way leaves the store as it found it.
 */
export class UndoLog {
  private readonly steps: { label: string; run: () => Promise<void> }[] = [];

  push(label: string, run: () => Promise<void>): void {
    this.steps.push({ label, run });
  }

  /** Undoes every step, newest first; returns what could not be undone. */
  async rollback(): Promise<string[]> {
    const failed: string[] = [];
    for (const step of this.steps.reverse()) {
      try {
        await step.run();
      } catch (error) {
        failed.push(`${step.label}: ${errorMessage(error)}`);
      }
    }
    this.steps.length = 0;
    return failed;
  }
}
