import { describe, expect, test } from 'vitest';
import { decideRange } from '../../../src/server/range.js';

const ETAG = '"abc123"';
const decide = (range: string | null, options: { ifRange?: string; size?: number } = {}) =>
  decideRange({ range, ifRange: options.ifRange ?? null, size: options.size ?? 100, etag: ETAG });

describe('decideRange', () => {
  test('no Range header is the whole file', () => {
    expect(decide(null)).toEqual({ kind: 'full' });
    expect(decide('')).toEqual({ kind: 'full' });
  });

  test('a single range is served as asked, its end clamped to the file', () => {
    expect(decide('bytes=0-9')).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(decide('bytes=90-')).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(decide('bytes=50-1000')).toEqual({ kind: 'partial', start: 50, end: 99 });
  });

  test('a suffix range is the last bytes; one longer than the file is the whole file (RFC 9110 §14.1.2)', () => {
    expect(decide('bytes=-10')).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(decide('bytes=-100')).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(decide('bytes=-500')).toEqual({ kind: 'partial', start: 0, end: 99 });
  });

  test('a range past the end is unsatisfiable', () => {
    expect(decide('bytes=100-')).toEqual({ kind: 'unsatisfiable' });
    expect(decide('bytes=200-300')).toEqual({ kind: 'unsatisfiable' });
    expect(decide('bytes=0-0', { size: 0 })).toEqual({ kind: 'unsatisfiable' });
    // range-parser's reading of an inverted range (RFC 9110 calls it invalid, which a server may also ignore).
    expect(decide('bytes=9-1')).toEqual({ kind: 'unsatisfiable' });
  });

  test('malformed headers, other units and several ranges get the whole file, never multipart', () => {
    expect(decide('bytes=abc')).toEqual({ kind: 'full' });
    expect(decide('items=0-9')).toEqual({ kind: 'full' });
    expect(decide('bytes=0-9,50-59')).toEqual({ kind: 'full' });
  });

  test('overlapping ranges are combined into one and served', () => {
    expect(decide('bytes=0-9,5-19')).toEqual({ kind: 'partial', start: 0, end: 19 });
  });

  test('If-Range with our exact strong ETag keeps the range; anything else (other ETag, a date) gets the whole file', () => {
    expect(decide('bytes=0-9', { ifRange: ETAG })).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(decide('bytes=0-9', { ifRange: ` ${ETAG} ` })).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(decide('bytes=0-9', { ifRange: '"other"' })).toEqual({ kind: 'full' });
    expect(decide('bytes=0-9', { ifRange: `W/${ETAG}` })).toEqual({ kind: 'full' });
    expect(decide('bytes=0-9', { ifRange: 'Tue, 01 Dec 2026 09:00:00 GMT' })).toEqual({ kind: 'full' });
    // A stale If-Range wins even over an unsatisfiable range: the client gets the new file whole.
    expect(decide('bytes=500-', { ifRange: '"other"' })).toEqual({ kind: 'full' });
  });
});
