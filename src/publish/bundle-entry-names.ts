/**
 * The names a bundle may hold, one set of rules for the zips we are given and the zips
 * we make from a folder: devices extract them, and each plugin's extractor differs, so
 * a name must mean one place inside the bundle folder everywhere.
 */

/** Why `name` is unsafe for a device to extract, or null. */
export function entryNameProblem(name: string): string | null {
  if (name.includes('\u0000')) return 'has a NUL byte, which cuts the name short';
  // eslint-disable-next-line no-control-regex -- finding control characters is this check's purpose
  if (/[\u0001-\u001f\u007f]/.test(name)) return 'has a control character';
  // archiver turns `\` into `/` and strips a leading `x:`: `..\evil.js` and `x:index.html` would become other names.
  if (name.includes('\\')) return 'has a backslash, which extractors may take for a folder separator';
  if (name.includes(':')) return 'has a colon, which extractors may take for a drive letter or a stream name';
  if (name.startsWith('/')) return 'is an absolute path';
  if (
    name
      .replace(/\/$/, '')
      .split('/')
      .some((part) => part === '' || part === '.' || part === '..')
  )
    return "has an empty, '.' or '..' part";
  return null;
}

/**
 * Two names that are one file on a device: the same name twice, or names that differ
 * only in case or Unicode form (iOS and macOS file systems ignore both), so that which
 * one a device ends up with depends on its extractor.
 */
export function clashingNames(names: readonly string[]): string | null {
  const seen = new Map<string, string>();
  for (const name of names) {
    const key = name.normalize('NFC').toLowerCase();
    const earlier = seen.get(key);
    if (earlier === name) return `'${name}' is in it twice`;
    if (earlier !== undefined) return `'${earlier}' and '${name}' are the same file on a case-insensitive file system (iOS, macOS, Windows)`;
    seen.set(key, name);
  }
  return null;
}
