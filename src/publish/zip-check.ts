import yauzl from 'yauzl';
import { clashingNames, entryNameProblem } from './bundle-entry-names.js';
import { PublishInputError } from './errors.js';
import { errorMessage } from '../util/error-message.js';

/** A web build is tens of MiB; beyond this a bundle is a mistake or a bomb. */
const MAX_INFLATED = 1024 * 1024 * 1024;
/** Minified code and assets compress a few times over; a thousandfold is zeros, i.e. a bomb. */
const MAX_RATIO = 100;
const RATIO_FROM = 1024 * 1024;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Checks that a .zip given as a bundle is one the plugin can install and nothing else:
 * readable, every entry a plain file or folder whose name stays inside the bundle and
 * means one file (bundle-entry-names.ts), no bomb, every entry's real size its declared
 * one (yauzl checks that while it inflates), and `index.html` at its root or inside its
 * single top-level folder.
 */
export async function checkBundleZip(file: string): Promise<void> {
  const refuse = (why: string) => new PublishInputError('path', `Bundle '${file}': ${why}.`);
  let names: string[];
  try {
    const zip = await yauzl.openPromise(file, { strictFileNames: true });
    names = [];
    let inflated = 0;
    try {
      for await (const entry of zip.eachEntry()) {
        const name = entry.fileName;
        if (entry.fileNameRaw.includes(0)) throw refuse(`an entry name has a NUL byte, which cuts it short to '${name}'`);
        const problem = entryNameProblem(name);
        if (problem) throw refuse(`the entry '${name}' ${problem}`);
        if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) throw refuse(`'${name}' is a symbolic link; a bundle can hold only plain files and folders`);
        if (name.endsWith('/')) continue;
        names.push(name);
        inflated += entry.uncompressedSize;
        if (inflated > MAX_INFLATED) throw refuse(`it inflates to more than ${MAX_INFLATED / 1024 ** 3} GiB`);
        if (entry.uncompressedSize > RATIO_FROM && entry.uncompressedSize > MAX_RATIO * Math.max(1, entry.compressedSize)) {
          throw refuse(`'${name}' inflates to ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))} times its size (a zip bomb?)`);
        }
        for await (const chunk of await zip.openReadStreamPromise(entry)) void chunk;
      }
    } finally {
      zip.close();
    }
  } catch (error) {
    if (error instanceof PublishInputError) throw error;
    throw new PublishInputError('path', `'${file}' is not a usable zip: ${errorMessage(error)}.`, { cause: error });
  }
  const clash = clashingNames(names);
  if (clash) throw refuse(clash);
  if (names.includes('index.html')) return;
  const tops = new Set(names.map((n) => n.split('/')[0]));
  const [top] = tops;
  if (tops.size === 1 && names.includes(`${top}/index.html`)) return;
  throw new PublishInputError('path', `'${file}' has no index.html at its root (or inside its single top-level folder); zip your web build output (e.g. dist/ or www/).`);
}
