import path from 'node:path';
import { BENCH, run } from './processes.js';

export const MiB = 1024 * 1024;

/** What the download client in the second process measured. */
export interface Transfer {
  readonly bytes: number;
  readonly seconds: number;
}

/** Runs the download client: `file PATH`, or `http URL [TOKEN]`. */
export const client = (args: string[]) => run(process.execPath, [path.join(BENCH, 'download-client.js'), ...args]).then((out) => JSON.parse(out) as Transfer);
export const rate = (t: Transfer) => t.bytes / MiB / t.seconds;

/** The median of three runs: a 2-core machine running client and server at once is noisy. */
export async function median(measure: () => Promise<Transfer>): Promise<Transfer> {
  const runs = [await measure(), await measure(), await measure()].sort((a, b) => rate(a) - rate(b));
  return runs[1]!;
}

/** Says from the measurements, not by assumption, whether the server's memory followed the file size. */
export function memoryVerdict(peaks: readonly { sizeMiB: number; rssMiB: number }[]): string {
  const rss = peaks.map((p) => p.rssMiB);
  const spread = Math.max(...rss) - Math.min(...rss);
  const sizes = peaks.map((p) => p.sizeMiB);
  if (peaks.length < 2) return `Server peak RSS ${Math.max(...rss).toFixed(0)} MiB (one file size measured).`;
  const range = `${Math.min(...sizes)} MiB to ${Math.max(...sizes)} MiB`;
  return spread <= Math.min(...sizes) / 8
    ? `Server peak RSS ${Math.max(...rss).toFixed(0)} MiB, within ${spread.toFixed(0)} MiB from ${range} files: memory does not follow the file size.`
    : `Server peak RSS grew by ${spread.toFixed(0)} MiB from ${range} files: memory follows the file size.`;
}
