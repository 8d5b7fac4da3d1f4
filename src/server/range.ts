import parseRange from 'range-parser';

export type RangeDecision =
  | { readonly kind: 'full' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

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
  const parsed = parseRange(size, range, { combine: true });
  if (parsed === -1) return { kind: 'unsatisfiable' };
  if (parsed === -2 || parsed.type !== 'bytes' || parsed.length !== 1) return { kind: 'full' };
  const only = parsed[0];
  return only ? { kind: 'partial', start: only.start, end: only.end } : { kind: 'full' };
}
