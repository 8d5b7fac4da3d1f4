import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { qrPng } from '../../../src/action/qr-png.js';

/** Decoded by libraries that are not ours: pngjs reads the file (checking every CRC), jsQR reads the code. */
function scan(png: Buffer): { text: string | null; width: number; height: number } {
  const image = PNG.sync.read(png, { checkCRC: true });
  return { text: jsqr.default(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null, width: image.width, height: image.height };
}

describe('the QR code PNG of an install link', () => {
  test.each([
    'https://updates.example.com/#version=101',
    `https://updates.example.com/#version=${'9'.repeat(19)}`,
    'https://a-very-long-deployment-name-for-a-team.vercel.app/#version=rocket%2Frelease%2Fv1.2.3-rc.1',
  ])('is a valid PNG that scans back to %s', (url) => {
    const scanned = scan(qrPng(url));
    expect(scanned.text).toBe(url);
    expect(scanned.width).toBe(scanned.height);
    expect(scanned.width).toBeGreaterThanOrEqual(200);
  });
});
