import { formatSize } from '../util/format-size.js';
import type { PublishProgress } from './publish.js';

const LARGE = 8 * 1024 * 1024;
const VERBS: Record<PublishProgress['phase'], string> = { hashing: 'Hashing', zipping: 'Zipping', encrypting: 'Encrypting', uploading: 'Uploading' };

/** Where progress is written: the CLI's stderr, the action's stdout. */
export interface ProgressStream {
  readonly isTTY?: boolean | undefined;
  write(text: string): unknown;
}

/**
 * Progress for large files: one line redrawn in place on a terminal, a line per quarter
 * elsewhere (CI logs). Small files stay quiet.
 */
export function progressReporter(stream: ProgressStream, now: () => number = Date.now): (p: PublishProgress) => void {
  let lastDraw = 0;
  let lastQuarter = new Map<string, number>();
  let phaseOnLine: string | null = null;
  return (p) => {
    if (p.total < LARGE) return;
    const percent = Math.floor((p.done / p.total) * 100);
    const line = `${VERBS[p.phase]} ${formatSize(p.done)} of ${formatSize(p.total)} (${percent}%)`;
    const finished = p.done >= p.total;
    if (stream.isTTY) {
      // Redrawn at most ten times a second: a terminal cannot show more, and each write costs.
      const drawn = now();
      if (!finished && drawn - lastDraw < 100 && phaseOnLine === p.phase) return;
      lastDraw = drawn;
      phaseOnLine = p.phase;
      stream.write(`\r\x1b[2K${line}${finished ? '\n' : ''}`);
      return;
    }
    const quarter = Math.floor(percent / 25);
    if ((lastQuarter.get(p.phase) ?? -1) >= quarter) return;
    lastQuarter = new Map(lastQuarter).set(p.phase, quarter);
    stream.write(`${line}\n`);
  };
}
