import { z } from 'zod';
import { describe, expect, test } from 'vitest';
import { FormatVersionError, isNewerFormatError, NewerFormatError, VersionedFormat } from '../../src/feed/versioned-format.js';
import { ValidationError } from '../../src/util/validation.js';

// A toy format with the two steps a real one goes through: version 1, then a version 2
// that renames a field and adds a required one.
const DESCRIPTION = {
  versionKey: 'v',
  noun: 'notes files',
  whenDamaged: 'write it again.',
  whenNewer: (found: number) => `Upgrade to read version ${found}.`,
};
const V1 = z.object({ v: z.literal(1), text: z.string() });
const V2 = z.object({ v: z.literal(2), body: z.string(), tags: z.array(z.string()) });
const ONLY_V1 = VersionedFormat.first(DESCRIPTION, V1);
const V1_AND_V2 = ONLY_V1.next(V2, (v1) => ({ v: 2 as const, body: v1.text, tags: [] }));

describe('a versioned format', () => {
  test('reads each version it knows, upgraded to the newest', () => {
    expect(V1_AND_V2.newest).toBe(2);
    expect(V1_AND_V2.read({ v: 1, text: 'hi' }, 'notes.json')).toEqual({ v: 2, body: 'hi', tags: [] });
    expect(V1_AND_V2.read({ v: 2, body: 'hi', tags: ['a'] }, 'notes.json')).toEqual({ v: 2, body: 'hi', tags: ['a'] });
  });

  test('validates a document with its own version’s schema, dropping keys that version does not know', () => {
    expect(V1_AND_V2.read({ v: 1, text: 'hi', body: 'a v2 field in a v1 document', extra: true }, 'notes.json')).toEqual({ v: 2, body: 'hi', tags: [] });
    expect(() => V1_AND_V2.read({ v: 1, body: 'hi', tags: [] }, 'notes.json')).toThrow(ValidationError);
    expect(() => V1_AND_V2.read({ v: 1, body: 'hi', tags: [] }, 'notes.json')).toThrow('notes.json is invalid:\n  - text:');
  });

  test('writers validate against the newest schema', () => {
    expect(ONLY_V1.schema).toBe(V1);
    expect(V1_AND_V2.schema).toBe(V2);
  });

  test('a newer version is a NewerFormatError naming both versions, before any schema runs', () => {
    const read = () => ONLY_V1.read({ v: 2, body: 'hi', tags: [] }, 'notes.json');

    expect(read).toThrow(NewerFormatError);
    expect(read).toThrow(
      'notes.json has "v": 2: it was written by a newer UpdateForge action or CLI, and this UpdateForge reads notes files up to version 1 only. Upgrade to read version 2.',
    );
    try {
      read();
    } catch (error) {
      expect(isNewerFormatError(error)).toBe(true);
      expect(error).toMatchObject({ name: 'NewerFormatError', found: 2, newest: 1 });
    }
    expect(isNewerFormatError(new Error('x'))).toBe(false);
  });

  test.each([
    ['no version', { text: 'hi' }, 'notes.json has no "v" (its format version), so it cannot be read: write it again.'],
    ['a string', { v: '1', text: 'hi' }, 'notes.json has "v": "1", which is not a format version (a whole number from 1): write it again.'],
    ['zero', { v: 0, text: 'hi' }, 'notes.json has "v": 0, which is not a format version (a whole number from 1): write it again.'],
    ['a fraction', { v: 1.5, text: 'hi' }, 'notes.json has "v": 1.5, which is not a format version (a whole number from 1): write it again.'],
    ['null', { v: null, text: 'hi' }, 'notes.json has "v": null, which is not a format version (a whole number from 1): write it again.'],
    ['an array', [{ v: 1 }], 'notes.json is not a JSON object, so it has no "v" (its format version): write it again.'],
    ['a string document', 'v1', 'notes.json is not a JSON object, so it has no "v" (its format version): write it again.'],
  ])('%s as the version is a FormatVersionError that says what to do', (_label, value, message) => {
    expect(() => V1_AND_V2.read(value, 'notes.json')).toThrow(FormatVersionError);
    expect(() => V1_AND_V2.read(value, 'notes.json')).toThrow(message);
  });
});
