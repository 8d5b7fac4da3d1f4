import { errorMessage } from '../util/error-message.js';

/**
 * The changes a publish has made so far, newest last, each with how to take it back:
 * a publish that fails part-way leaves the store as it found it.
 */
export class UndoLog {
  private readonly steps: { label: string; run: () => Promise<void> }[] = [];
  private committedAt: string | null = null;

  push(label: string, run: () => Promise<void>): void {
    this.steps.push({ label, run });
  }

  /**
   * The point of no return: what was done so far stands, and a later failure is finished by
   * running again, never undone. Steps logged after it are still undone.
   */
  commit(label: string): void {
    this.steps.length = 0;
    this.committedAt = label;
  }

  /** What `commit` was told, or null while everything can still be undone. */
  get committed(): string | null {
    return this.committedAt;
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
