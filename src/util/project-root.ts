import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding UpdateForge's package.json, found by walking up from this
 * module, so the same code works from `src/` (tests) and from `build/src/`.
 */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'updateforge') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Cannot find the UpdateForge package.json above this module.');
    dir = parent;
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The version, or `unknown` when running from a bundle without its package.json nearby. */
export function packageVersionOrUnknown(): string {
  try {
    return packageVersion();
  } catch {
    return 'unknown';
  }
}
