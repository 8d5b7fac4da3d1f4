import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ALREADY_COMPRESSED_EXTENSIONS } from '../src/publish/compressed-formats.js';
import { BENCH, run } from './processes.js';
import type { BenchContext, BenchSection } from './run.js';

const MiB = 1024 * 1024;

/**
 * A web build of `totalMiB`: half script-like text (compresses well), half binary
 * assets (does not), in files of 20 KiB to 1 MiB across nested folders.
 */
async function writeWebBuild(dir: string, totalMiB: number): Promise<number> {
  await mkdir(path.join(dir, 'assets', 'img'), { recursive: true });
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><script src="assets/app-0.js"></script>');
  let written = 0;
  for (let i = 0; written < totalMiB * MiB; i++) {
    const size = 20 * 1024 + ((i * 7919) % (1004 * 1024));
    let content: Buffer;
    if (i % 2 === 0) {
      const words = Array.from({ length: 64 }, (_, w) => `function f${i}_${w}(a,b){return a*${w}+b-${i % 97};}`);
      content = Buffer.from(Array.from({ length: Math.ceil(size / 3000) }, (_, k) => words[k % words.length]!.repeat(60)).join('\n')).subarray(0, size);
      await writeFile(path.join(dir, 'assets', `app-${i}.js`), content);
    } else {
      const blocks: Buffer[] = [];
      for (let b = 0; b * 32 < size; b++) blocks.push(createHash('sha256').update(`${i}:${b}`).digest());
      content = Buffer.concat(blocks).subarray(0, size);
      await writeFile(path.join(dir, 'assets', 'img', `img-${i}.webp`), content);
    }
    written += content.length;
  }
  return written;
}

const median = <T>(runs: T[], key: (t: T) => number): T => [...runs].sort((a, b) => key(a) - key(b))[Math.floor(runs.length / 2)]!;

/** `updateforge publish --path DIR` packaging (zip + SHA-256 + CRC32 in one pass) against the `zip` tool on the same folder. */
export async function benchPackaging(ctx: BenchContext): Promise<BenchSection> {
  const folder = path.join(ctx.dir, 'web-build');
  const bytes = await writeWebBuild(folder, ctx.webBuildMiB);
  // `-n` is how the zip tool is told not to deflate some types: with our list, it shows how much
  // of the difference is storing what is compressed already, and how much the rest.
  const zipTool = async (storing: readonly string[] = []) => {
    const out = path.join(ctx.dir, `zip-tool-${Date.now()}.zip`);
    const suffixes = storing.length > 0 ? `-n ${storing.join(':')}` : '';
    const started = process.hrtime.bigint();
    await run('/bin/sh', ['-c', `cd "${folder}" && zip -q -r -6 ${suffixes} "${out}" .`]);
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, size: (await stat(out)).size };
  };
  const ours = async () => JSON.parse(await run(process.execPath, [path.join(BENCH, 'package-folder.js'), folder])) as { seconds: number; size: number; peakRssMiB: number };
  const zipRuns = [await zipTool(), await zipTool(), await zipTool()];
  const storingRuns = [await zipTool(ALREADY_COMPRESSED_EXTENSIONS), await zipTool(ALREADY_COMPRESSED_EXTENSIONS), await zipTool(ALREADY_COMPRESSED_EXTENSIONS)];
  const ourRuns = [await ours(), await ours(), await ours()];
  const zip = median(zipRuns, (r) => r.seconds);
  const storing = median(storingRuns, (r) => r.seconds);
  const mine = median(ourRuns, (r) => r.seconds);
  const rate = (seconds: number) => (bytes / MiB / seconds).toFixed(0);
  return {
    title: 'Packaging a web build',
    body: [
      `A ${(bytes / MiB).toFixed(0)} MiB web build (half script text, half binary assets), zipped at compression level 6 (median of 3 runs each).`,
      'UpdateForge also computes the SHA-256 and CRC32 of the zip in the same pass; the `zip` tool computes neither.',
      'UpdateForge stores files whose type is compressed already (images, fonts, media, `.gz`/`.br`) rather than deflating them again; `zip` deflates every file unless told otherwise with `-n`, hence the second row.',
      '',
      '| packager | time | throughput | zip size | peak RSS |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| \`zip -q -r -6\` (baseline) | ${zip.seconds.toFixed(2)} s | ${rate(zip.seconds)} MiB/s | ${(zip.size / MiB).toFixed(1)} MiB | |`,
      `| \`zip -q -r -6 -n\` (the same types stored) | ${storing.seconds.toFixed(2)} s | ${rate(storing.seconds)} MiB/s | ${(storing.size / MiB).toFixed(1)} MiB | |`,
      `| UpdateForge (own zip writer: deflate on the thread pool, compressed types stored, streaming) | ${mine.seconds.toFixed(2)} s | ${rate(mine.seconds)} MiB/s | ${(mine.size / MiB).toFixed(1)} MiB | ${mine.peakRssMiB.toFixed(0)} MiB |`,
      '',
      `**Ratio: ${((zip.seconds / mine.seconds) * 100).toFixed(0)}% of the zip tool's speed, with the checksums included** (${((storing.seconds / mine.seconds) * 100).toFixed(0)}% of \`zip -n\` storing the same types).`,
    ].join('\n'),
  };
}
