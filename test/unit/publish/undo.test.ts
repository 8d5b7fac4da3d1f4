import { describe, expect, test } from 'vitest';
import { RollbackIncompleteError } from '../../../src/publish/errors.js';
import { UndoLog, withUndo } from '../../../src/publish/undo.js';

describe('UndoLog', () => {
  test('rollback undoes every step, newest first, and reports nothing when all worked', async () => {
    const undone: string[] = [];
    const log = new UndoLog();
    for (const step of ['create release', 'upload asset', 'write manifest']) log.push(step, async () => void undone.push(step));
    expect(await log.rollback()).toEqual([]);
    expect(undone).toEqual(['write manifest', 'upload asset', 'create release']);
  });

  test('a step that cannot be undone is reported with its label and reason, and the older steps are still undone', async () => {
    const undone: string[] = [];
    const log = new UndoLog();
    log.push('create release', async () => void undone.push('create release'));
    log.push('upload asset', () => Promise.reject(new Error('GitHub said 502')));
    log.push('tag', async () => void undone.push('tag'));
    expect(await log.rollback()).toEqual(['upload asset: GitHub said 502']);
    expect(undone).toEqual(['tag', 'create release']);
  });

  test('each step is undone once: a second rollback does nothing', async () => {
    let runs = 0;
    const log = new UndoLog();
    log.push('create release', async () => void runs++);
    await log.rollback();
    expect(await log.rollback()).toEqual([]);
    expect(runs).toBe(1);
  });

  test('commit is the point of no return: what came before stands, what comes after is still undone', async () => {
    const undone: string[] = [];
    const log = new UndoLog();
    expect(log.committed).toBeNull();
    log.push('upload asset', async () => void undone.push('upload asset'));
    log.commit('manifest written');
    expect(log.committed).toBe('manifest written');
    log.push('mark release published', async () => void undone.push('mark release published'));
    expect(await log.rollback()).toEqual([]);
    expect(undone).toEqual(['mark release published']);
    expect(log.committed).toBe('manifest written');
  });

  test('steps are run one after another, each awaited before the next', async () => {
    const events: string[] = [];
    const log = new UndoLog();
    for (const step of ['a', 'b']) {
      log.push(step, async () => {
        events.push(`start ${step}`);
        await new Promise<void>((resolve) => queueMicrotask(resolve));
        events.push(`end ${step}`);
      });
    }
    await log.rollback();
    expect(events).toEqual(['start b', 'end b', 'start a', 'end a']);
  });
});

describe('withUndo', () => {
  test('a failure undoes what the work logged and is thrown again as it was', async () => {
    const undone: string[] = [];
    const failure = new Error('manifest write failed');
    const run = withUndo(
      async (undo) => {
        undo.push('create release', async () => void undone.push('create release'));
        throw failure;
      },
      { what: 'the edit' },
    );
    await expect(run).rejects.toBe(failure);
    expect(undone).toEqual(['create release']);
  });

  test('when undoing fails too, the error says what is left over', async () => {
    const run = withUndo(
      async (undo) => {
        undo.push('restore release r', () => Promise.reject(new Error('GitHub said 502')));
        throw new Error('manifest write failed');
      },
      { what: 'the edit' },
    );
    await expect(run).rejects.toThrow(new RollbackIncompleteError('manifest write failed\nUndoing the edit also failed; left over:\n  - restore release r: GitHub said 502'));
  });

  test('past the commit, what came before stands and `committed` says what to throw', async () => {
    const undone: string[] = [];
    const run = withUndo(
      async (undo) => {
        undo.push('upload asset', async () => void undone.push('upload asset'));
        undo.commit('release published');
        throw new Error('icons failed');
      },
      { what: 'the partial publish', committed: (error) => new Error(`unfinished: ${(error as Error).message}`) },
    );
    await expect(run).rejects.toThrow('unfinished: icons failed');
    expect(undone).toEqual([]);
  });

  test('what the work returns is returned, and nothing is undone', async () => {
    let undone = false;
    const result = await withUndo(
      async (undo) => {
        undo.push('create release', async () => void (undone = true));
        return 42;
      },
      { what: 'the edit' },
    );
    expect(result).toBe(42);
    expect(undone).toBe(false);
  });
});
