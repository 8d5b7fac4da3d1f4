import parseRange from 'range-parser';

export type RangeDecision = { readonly kind: 'full' } | { readonly kind: 'partial'; readonly start: number; readonly end: number } | { readonly kind: 'unsatisfiable' };

/**
 * What to send for a Range request on a representation of `size` bytes whose
 * strong validator is `etag`. Only single ranges are served; a multi-range, a
 * malformed header or a stale `If-Range` get the whole file (RFC 9110 lets a
 * server ignore Range), never multipart.
 */
export function decideRange(options: { range: string | null; ifRange: string | null; size: number; etag: string }): RangeDecision {
  const { range, ifRange, size, etag } = options;
  if (!range) return { kind: 'full' };
  // If-Range holds an ETag or a date; we send no Last-Modified, so only our exact strong ETag matches.
  if (ifRange !== null && ifRange.trim() !== etag) return { kind: 'full' };
  const parsed = parseRange(size, wholeFileSuffixes(range, size), { combine: true });
  if (parsed === -1) return { kind: 'unsatisfiable' };
  if (parsed === -2 || parsed.type !== 'bytes' || parsed.length !== 1) return { kind: 'full' };
  const only = parsed[0];
  return only ? { kind: 'partial', start: only.start, end: only.end } : { kind: 'full' };
}

/**
 * range-parser refuses a suffix range longer than the file (`bytes=-500` of a 100-byte
 * file), but RFC 9110 §14.1.2 says it selects the whole file; rewrite it to `0-`.
 */
function wholeFileSuffixes(range: string, size: number): string {
  const eq = range.indexOf('=');
  if (eq < 0 || size === 0) return range;
  const specs = range
    .slice(eq + 1)
    .split(',')
    .map((spec) => {
      const suffix = /^\s*-\s*(\d+)\s*$/.exec(spec);
      return suffix && Number(suffix[1]) > size ? '0-' : spec;
    });
  return `${range.slice(0, eq)}=${specs.join(',')}`;
}
