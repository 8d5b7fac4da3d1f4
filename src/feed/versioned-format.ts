import type { z } from 'zod';
import { validate } from '../util/validation.js';
import { UpdateForgeError } from '../errors.js';

/** How a format names itself in messages. */
export interface FormatDescription {
  /** The key the format version is written under, e.g. `schemaVersion`. */
  readonly versionKey: string;
  /** What a document of this format is, for messages: `the manifest`, `release metadata`. */
  readonly noun: string;
  /** What to do about a document whose version is missing or not a version at all. */
  readonly whenDamaged: string;
  /** What to do about a document of a newer version `found`: which UpdateForge to upgrade, and what not to do meanwhile. */
  readonly whenNewer: (found: number) => string;
}

type Upgrade = (document: unknown) => unknown;

interface FormatVersion {
  readonly schema: z.ZodType;
  /** Turns a document of this version into one of the next; absent on the newest. */
  readonly upgrade?: Upgrade;
}

/**
 * A document format whose version readers dispatch on. Version 1 is declared with
 * `first`, each later one with `next` (its schema, and how a document of the
 * version before becomes one of it), so a reader takes a document of any version
 * it knows and returns it upgraded, step by step, to the newest (in-memory) shape.
 * Versions are never dropped: every version ever written stays readable.
 */
export class VersionedFormat<Newest extends z.ZodType> {
  private constructor(
    readonly description: FormatDescription,
    /** Index i holds version i + 1. */
    private readonly versions: readonly FormatVersion[],
    /** The newest version's schema: what writers validate against. */
    readonly schema: Newest,
  ) {}

  static first<S extends z.ZodType>(description: FormatDescription, schema: S): VersionedFormat<S> {
    return new VersionedFormat(description, [{ schema }], schema);
  }

  /** Adds the next version: its schema, and how a document of the version before becomes one of it. */
  next<S extends z.ZodType>(schema: S, upgrade: (previous: z.output<Newest>) => z.output<S>): VersionedFormat<S> {
    const versions = [...this.versions];
    versions[versions.length - 1] = { ...versions[versions.length - 1]!, upgrade: upgrade as Upgrade };
    versions.push({ schema });
    return new VersionedFormat(this.description, versions, schema);
  }

  /** The version writers write. */
  get newest(): number {
    return this.versions.length;
  }

  /**
   * Reads the version field first: a version this build knows is validated with its
   * own schema (unknown keys dropped) and upgraded to the newest shape; a newer one
   * is a NewerFormatError; a missing or malformed one a FormatVersionError.
   */
  read(value: unknown, source: string): z.output<Newest> {
    const version = this.versionOf(value, source);
    let document: unknown = validate(this.versions[version - 1]!.schema, value, source);
    for (let v = version; v < this.newest; v++) document = this.versions[v - 1]!.upgrade!(document);
    return document as z.output<Newest>;
  }

  private versionOf(value: unknown, source: string): number {
    const { versionKey: key, whenDamaged } = this.description;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new FormatVersionError(`${source} is not a JSON object, so it has no "${key}" (its format version): ${whenDamaged}`);
    }
    if (!(key in value)) throw new FormatVersionError(`${source} has no "${key}" (its format version), so it cannot be read: ${whenDamaged}`);
    const found = (value as Record<string, unknown>)[key];
    if (typeof found !== 'number' || !Number.isInteger(found) || found < 1) {
      throw new FormatVersionError(`${source} has "${key}": ${JSON.stringify(found)}, which is not a format version (a whole number from 1): ${whenDamaged}`);
    }
    if (found > this.newest) throw new NewerFormatError({ description: this.description, source, found, newest: this.newest });
    return found;
  }
}

/**
 * A document written by a newer UpdateForge, in a format version this build cannot
 * read. Nothing is wrong with the document: this UpdateForge is too old for it.
 */
export class NewerFormatError extends UpdateForgeError {
  override readonly name = 'NewerFormatError';
  readonly kind = 'unsupported';
  readonly found: number;
  readonly newest: number;
  constructor(details: { description: FormatDescription; source: string; found: number; newest: number }) {
    const { description: d, source, found, newest } = details;
    super(
      `${source} has "${d.versionKey}": ${found}: it was written by a newer UpdateForge action or CLI, and this UpdateForge reads ${d.noun} up to version ${newest} only. ${d.whenNewer(found)}`,
    );
    this.found = found;
    this.newest = newest;
  }
}

/** A document whose format version is missing or is not a version at all. */
export class FormatVersionError extends UpdateForgeError {
  override readonly name = 'FormatVersionError';
  readonly kind = 'damaged';
}

export function isNewerFormatError(error: unknown): error is NewerFormatError {
  return error instanceof NewerFormatError;
}
