import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/util/project-root.js';

/** One fenced block of the README, where a reader finds it. */
export interface FencedBlock {
  /** The info string after the opening fence (`sh`, `yaml`, `json`, `text`, or empty). */
  readonly lang: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The heading the block sits under. */
  readonly heading: string;
  readonly text: string;
}

export const README = path.join(projectRoot(), 'README.md');

/** Every fenced block of the README, in reading order. */
export function readmeBlocks(file = README): FencedBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: FencedBlock[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
    const fence = /^```(\S*)\s*$/.exec(line);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !/^```\s*$/.test(lines[i]!)) body.push(lines[i]!);
    blocks.push({ lang: fence[1]!, line: start + 1, heading, text: `${body.join('\n')}\n` });
  }
  return blocks;
}

/** The block's first line that is not a comment: how the tests name a block, stable when others move. */
export function firstCommand(block: FencedBlock): string {
  return (
    block.text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '' && !l.startsWith('#')) ?? ''
  );
}
