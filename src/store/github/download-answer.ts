import type { ByteRange } from '../types.js';

/**
 * Why a download host's answer is not the bytes that were asked for, or null when it is.
 * GitHub has served an HTML error page with status 200 in place of a release asset
 * (microsoft/git#934, tracing microsoft/homebrew-git#102), so a 200 alone proves nothing:
 * - never HTML;
 * - a range: 206 whose `content-range` is that very range (of a file of the expected size),
 *   or else the whole file as below, which the caller then slices;
 * - the whole file: 200 with `content-length` the expected size, when the size is known.
 */
export function whyNotTheBytes(answer: { status: number; headers: Headers }, want: { range?: ByteRange | undefined; size?: number | undefined }): string | null {
  const type = answer.headers.get('content-type') ?? '';
  if (/^\s*text\/html\b/i.test(type)) return `answered ${answer.status} with an HTML page (${type}) instead of the file`;
  const { range, size } = want;
  const length = answer.headers.get('content-length');
  if (range && answer.status === 206) {
    const asked = `bytes ${range.start}-${range.end}/${size ?? '*'}`;
    const got = answer.headers.get('content-range') ?? '';
    const parts = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(got.trim());
    const matches = parts !== null && Number(parts[1]) === range.start && Number(parts[2]) === range.end && (size === undefined || parts[3] === '*' || Number(parts[3]) === size);
    if (!matches) return `answered 206 with content-range '${got}' when asked for ${asked}`;
    if (length !== null && Number(length) !== range.end - range.start + 1) return `answered 206 with ${length} bytes for the ${range.end - range.start + 1} of ${asked}`;
    return null;
  }
  if (answer.status !== 200) return `answered ${answer.status}`;
  if (size !== undefined && (length === null || Number(length) !== size)) return `answered 200 with ${length === null ? 'no length' : `${length} bytes`} for a file of ${size}`;
  return null;
}
