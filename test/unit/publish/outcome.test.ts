import { describe, expect, test } from 'vitest';
import type { EditResult } from '../../../src/publish/edit-version.js';
import { editHeadline } from '../../../src/publish/outcome.js';

const version = { id: '1', app: 'rocket', buildType: 'release', version: '1.2.0', name: '', public: false, created: new Date(0).toISOString(), notes: '', file: null } as const;
const result = (changed: boolean, more: Partial<EditResult> = {}): EditResult => ({ changed, version, manifestSha: 'abc', ...more });

describe('editHeadline', () => {
  test('names the fields an edit was given', () => {
    expect(editHeadline(result(true, { fields: ['name'] }), 'edit')).toBe('Edited the name of rocket release 1.2.0');
    expect(editHeadline(result(true, { fields: ['notes', 'public'] }), 'edit')).toBe('Edited the notes and public flag of rocket release 1.2.0');
    expect(editHeadline(result(false, { fields: ['name', 'notes', 'public'] }), 'edit')).toBe('Unchanged: rocket release 1.2.0 already had the name, notes and public flag given');
  });

  test('rollouts and yanks keep their headlines', () => {
    expect(editHeadline(result(true, { version: { ...version, rollout: 40 } }), 'rollout')).toBe('Rolled out rocket release 1.2.0 to 40% of devices');
    expect(editHeadline(result(false), 'yank')).toBe('Unchanged: rocket release 1.2.0 was already yanked');
  });
});
