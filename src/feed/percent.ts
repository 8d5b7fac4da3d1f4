import { parseWholeNumber } from '../util/whole-number.js';

// The share of devices a live-update bundle is offered to (`rollout` on a publish, `percent` on a
// rollout): a whole percentage from 0 to 100. Each entry point words its own error around these.

/** Whether `value` is a whole percentage from 0 to 100. */
export function isPercent(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 100;
}

/** A percentage as typed on the command line: `'0'` to `'100'`, digits only (`'007'` is 7); `undefined` when it is not one. */
export function parsePercent(text: string): number | undefined {
  const percent = parseWholeNumber(text);
  return percent !== undefined && isPercent(percent) ? percent : undefined;
}
