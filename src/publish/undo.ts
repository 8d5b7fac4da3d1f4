import { errorMessage } from '../util/error-message.js';
import { RollbackIncompleteError } from './errors.js';

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

export interface UndoOptions {
  /** What is undone, for the message when undoing fails too: "the partial publish". */
  readonly what: string;
  /** What to throw instead when `work` failed past the log's commit, where nothing before it is undone. */
  readonly committed?: (error: unknown) => Error;
}

/**
 * Runs `work` with a fresh undo log. When it fails, what it logged is undone and its error
 * thrown again; when undoing fails too, a RollbackIncompleteError says what is left over.
 */
export async function withUndo<T>(work: (undo: UndoLog) => Promise<T>, options: UndoOptions): Promise<T> {
  const undo = new UndoLog();
  try {
    return await work(undo);
  } catch (error) {
    const leftovers = await undo.rollback();
    if (undo.committed && options.committed) throw options.committed(error);
    if (leftovers.length === 0) throw error;
    const list = leftovers.map((l) => `  - ${l}`).join('\n');
    throw new RollbackIncompleteError(`${errorMessage(error)}\nUndoing ${options.what} also failed; left over:\n${list}`, { cause: error });
  }
}
