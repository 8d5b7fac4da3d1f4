import { describe, expect, test } from 'vitest';
import { formatSize } from '../../../src/util/format-size.js';

describe('formatSize: one way to write a size in the CLI, the job summary and the tester page', () => {
  test.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [999, '999 bytes'],
    [1000, '1 KB'],
    [2254, '2.3 KB'],
    [40_000, '40 KB'],
    [99_949, '99.9 KB'],
    [150_000, '150 KB'],
    [999_960, '1 MB'], // 999.96 KB would round to "1000 KB"
    [20 * 1024 * 1024, '21 MB'],
    [48_200_000, '48.2 MB'],
    [3_500_000_000, '3.5 GB'],
    [2e15, '2000 TB'],
  ])('%i bytes → %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});
