import yauzl from 'yauzl';
import { PublishInputError } from './errors.js';
import { errorMessage } from '../util/error-message.js';

/**
 * Checks that a .zip given as a bundle is one the plugin can install: readable, with no
 * entry that would land outside its folder (absolute, `..`, backslashes), and with
 * `index.html` at its root or inside its single top-level folder.
 */
export async function checkBundleZip(file: string): Promise<void> {
  let names: string[];
  try {
    const zip = await yauzl.openPromise(file, { strictFileNames: true });
    names = [];
    try {
      for await (const entry of zip.eachEntry()) names.push(entry.fileName);
    } finally {
      zip.close();
    }
  } catch (error) {
    const reason = errorMessage(error);
    throw new PublishInputError('path', `'${file}' is not a usable zip: ${reason}.`);
  }
  const files = names.filter((n) => !n.endsWith('/'));
  if (files.includes('index.html')) return;
  const tops = new Set(files.map((n) => n.split('/')[0]));
  const [top] = tops;
  if (tops.size === 1 && files.includes(`${top}/index.html`)) return;
  throw new PublishInputError('path', `'${file}' has no index.html at its root (or inside its single top-level folder); zip your web build output (e.g. dist/ or www/).`);
}
