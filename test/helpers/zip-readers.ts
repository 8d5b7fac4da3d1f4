import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Independent zip readers for checking the zips we write: Info-ZIP's `unzip -t`, Python's
 * zipfile, and java.util.zip.ZipInputStream as the Android plugin uses it. A reader that is
 * not installed fails its test with the package to install (as .ci/run installs it), never skips it.
 */
const HERE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'zip-readers');

function run(tool: string, debianPackage: string, args: string[]): string {
  if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) throw new Error(`${tool} is not installed: apt-get install ${debianPackage}, as .ci/run does.`);
  return execFileSync(tool, args, { encoding: 'utf8' });
}

/** `unzip -t`'s verdict: it inflates every entry and checks its CRC-32. */
export function unzipTest(zip: string): string {
  return run('unzip', 'unzip', ['-t', zip]);
}

export interface PythonEntry {
  readonly name: string;
  readonly method: number;
  readonly centralFlags: number;
  readonly localFlags: number;
  readonly size: number;
  readonly sha256: string;
}

/** Every entry as Python's zipfile reads it, with the flags of both its headers. */
export function pythonEntries(zip: string): PythonEntry[] {
  const out = run('python3', 'python3', [path.join(HERE, 'python_zipfile.py'), zip]);
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PythonEntry);
}

/** Every file as java.util.zip.ZipInputStream streams it: name → `<sha256> <size>`. */
export function javaZipInputStream(zip: string): Map<string, string> {
  // A single-file source program: the JDK's launcher compiles it (a JRE alone cannot).
  const out = run('java', 'default-jdk-headless', [path.join(HERE, 'AndroidUnzip.java'), zip]);
  return new Map(
    out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha256, size, ...name] = line.split(' ');
        return [name.join(' '), `${sha256} ${size}`];
      }),
  );
}
