// One function each, not the package's index: that loads all of semver (47 modules), and every route and command pays for it.
import semverCompare from 'semver/functions/compare.js';
import semverInc from 'semver/functions/inc.js';
import semverParse from 'semver/functions/parse.js';

/** The three build types every app has, in the order the API lists them. */
export const BUILD_TYPES = ['release', 'debug', 'profile'] as const;
export type BuildType = (typeof BUILD_TYPES)[number];

export function isBuildType(value: unknown): value is BuildType {
  return typeof value === 'string' && (BUILD_TYPES as readonly string[]).includes(value);
}

/** A parsed strict version; `version` is its precedence part (`1.2.3-rc.1`, build metadata dropped). Ours, not semver's type, so the package's declarations need no @types/semver. */
export interface StrictVersion {
  readonly version: string;
}

const STARTS_LIKE_A_VERSION = /^\d+\.\d+\.\d+/;

/**
 * Parses a strict semver string. Loose forms that `semver` would quietly accept
 * (`v1.2.3`, surrounding spaces) are refused, so the string a maintainer typed is
 * exactly the string testers and devices see.
 */
export function parseStrictVersion(input: string): StrictVersion | null {
  // semver.parse throws and catches for anything else, and a device sends `builtin` at every poll until its first update.
  if (input.length > 256 || !STARTS_LIKE_A_VERSION.test(input)) return null;
  const parsed = semverParse(input);
  if (parsed === null) return null;
  const canonical = parsed.version + (parsed.build.length > 0 ? `+${parsed.build.join('.')}` : '');
  return canonical === input ? parsed : null;
}

/** Explains why a version string is refused, with the fix when there is an obvious one. */
export function describeBadVersion(input: string): string {
  const loose = semverParse(input.trim(), { loose: true });
  const hint = loose ? ` Did you mean '${loose.version}'?` : ' Expected MAJOR.MINOR.PATCH, e.g. 1.2.3 or 1.3.0-rc.1.';
  return `'${input}' is not a strict semantic version.${hint}`;
}

/** Semver precedence: build metadata is ignored, `1.10.0 > 1.9.0`, `1.2.0 > 1.2.0-rc.1`. */
export function compareVersions(a: string, b: string): number {
  return semverCompare(a, b);
}

/**
 * The part of a version that decides its identity: two versions that differ only
 * in build metadata have the same precedence, so they are the same version.
 */
export function precedenceKey(version: string): string {
  return version.split('+', 1)[0] ?? version;
}

/** The next patch version (`1.2.0` → `1.2.1`, `1.2.0-rc.1` → `1.2.0`): a suggestion when one is taken. */
export function nextPatch(version: string): string {
  return semverInc(version, 'patch') ?? version;
}
