import { describe, expect, test } from 'vitest';
import { whyNotTheBytes } from '../../src/store/github/download-answer.js';

const answer = (status: number, headers: Record<string, string>) => ({ status, headers: new Headers(headers) });
const BINARY = { 'content-type': 'application/octet-stream' };

describe('whyNotTheBytes', () => {
  test('takes the whole file as 200 with the expected length, and a range as 206 with that very content-range', () => {
    expect(whyNotTheBytes(answer(200, { ...BINARY, 'content-length': '300' }), { size: 300 })).toBeNull();
    expect(whyNotTheBytes(answer(206, { ...BINARY, 'content-length': '100', 'content-range': 'bytes 100-199/300' }), { range: { start: 100, end: 199 }, size: 300 })).toBeNull();
    // A host that ignores Range sends the whole file: the caller cuts the part from it.
    expect(whyNotTheBytes(answer(200, { ...BINARY, 'content-length': '300' }), { range: { start: 100, end: 199 }, size: 300 })).toBeNull();
    // Without a known size, only what can be checked is.
    expect(whyNotTheBytes(answer(200, BINARY), {})).toBeNull();
  });

  test('refuses HTML whatever its status (GitHub’s error page has come with 200)', () => {
    expect(whyNotTheBytes(answer(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': '300' }), { size: 300 })).toMatch(/HTML page/);
    expect(whyNotTheBytes(answer(206, { 'content-type': 'TEXT/HTML', 'content-range': 'bytes 0-9/300' }), { range: { start: 0, end: 9 }, size: 300 })).toMatch(/HTML page/);
  });

  test('refuses another range, another total, a wrong length, or a whole file of another size', () => {
    const range = { start: 100, end: 199 };
    expect(whyNotTheBytes(answer(206, { ...BINARY, 'content-range': 'bytes 0-299/300' }), { range, size: 300 })).toMatch(
      /content-range 'bytes 0-299\/300' when asked for bytes 100-199\/300/,
    );
    expect(whyNotTheBytes(answer(206, { ...BINARY, 'content-range': 'bytes 100-199/400' }), { range, size: 300 })).toMatch(/content-range/);
    expect(whyNotTheBytes(answer(206, BINARY), { range, size: 300 })).toMatch(/content-range ''/);
    expect(whyNotTheBytes(answer(206, { ...BINARY, 'content-range': 'bytes 100-199/300', 'content-length': '50' }), { range, size: 300 })).toMatch(/50 bytes/);
    expect(whyNotTheBytes(answer(200, { ...BINARY, 'content-length': '299' }), { size: 300 })).toBe('answered 200 with 299 bytes for a file of 300');
    expect(whyNotTheBytes(answer(200, BINARY), { size: 300 })).toBe('answered 200 with no length for a file of 300');
    expect(whyNotTheBytes(answer(404, BINARY), { size: 300 })).toBe('answered 404');
  });
});
