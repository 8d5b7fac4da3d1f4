import { z } from 'zod';
import { validate } from '../util/validation.js';
import { isBuildType, precedenceKey, type BuildType } from './version.js';
import { FileRecordSchema, VersionRecordSchema } from './version-record.js';
import { VersionedFormat } from './versioned-format.js';

/** The release-metadata version this build writes (docs/FORMATS.md says when it changes). */
export const RELEASE_METADATA_VERSION = 1;

/**
 * Release metadata version 1: everything about a version that is not the asset itself,
 * kept in its release body as an HTML comment (invisible on GitHub), so the whole feed
 * can be rebuilt from the release list alone. The source of truth of the feed.
 *
 * `state` says where the version is in its life: `pending` (registered, no file),
 * `uploading` (a publish is attaching its file: invisible until it finishes) or
 * `published` (its file is attached and verified).
 *
 * The key order here is the order writers write, `updateforge` first.
 */
const ReleaseMetadataV1Schema = z
  .object({ updateforge: z.literal(1) })
  .extend(VersionRecordSchema.pick({ app: true, buildType: true, version: true, name: true, public: true, created: true, rollout: true, yanked: true }).shape)
  .extend({
    state: z.enum(['pending', 'uploading', 'published']),
    file: FileRecordSchema.nullable(),
  });

/**
 * Every release-metadata version this build reads, dispatched on `updateforge` and
 * upgraded step by step to the newest. A version 2 is one schema and one upgrade:
 * `.next(ReleaseMetadataV2Schema, (v1) => ({ ...v1, updateforge: 2, ... }))`, then
 * RELEASE_METADATA_VERSION = 2.
 */
export const RELEASE_METADATA_FORMAT = VersionedFormat.first(
  {
    versionKey: 'updateforge',
    noun: 'release metadata',
    whenDamaged: 'its UpdateForge block was edited by hand or damaged. Put back the block UpdateForge wrote, or delete the release and publish the version again.',
    whenNewer: (found) =>
      `Upgrade UpdateForge to a release that reads release metadata version ${found} before you publish, edit or repair this feed: rewriting this release with this UpdateForge would lose what version ${found} records.`,
  },
  ReleaseMetadataV1Schema,
);

/** Release metadata as the version writers write it. */
export type ReleaseMetadata = z.output<typeof RELEASE_METADATA_FORMAT.schema>;

const MARKER = '<!-- updateforge ';
const END = ' -->';

/** The git tag of a version: one release per (app, build type, version precedence). */
export function releaseTag(app: string, buildType: BuildType, version: string): string {
  return `${app}/${buildType}/v${precedenceKey(version)}`;
}

/** The release title people see on GitHub. */
export function releaseTitle(meta: Pick<ReleaseMetadata, 'app' | 'buildType' | 'version' | 'name'>): string {
  const base = `${meta.app} ${meta.version} (${meta.buildType})`;
  return meta.name ? `${base}: ${meta.name}` : base;
}

/**
 * The release body: the notes, then the metadata block. The metadata is validated
 * first (a bug can never write a block readers refuse) and written in one key order
 * whatever order `meta` has, so the same metadata is always the same bytes.
 */
export function renderReleaseBody(notes: string, meta: ReleaseMetadata): string {
  const valid = validate(RELEASE_METADATA_FORMAT.schema, meta, 'release metadata to write');
  // Escaping <, > and & keeps a note or name containing "-->" from closing the comment early.
  const json = JSON.stringify(valid).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const block = `${MARKER}${json}${END}`;
  return notes.trim() ? `${notes.trim()}\n\n${block}` : block;
}

/**
 * Reads a release body back, its metadata upgraded to the current version.
 *
 * Null when the body carries no UpdateForge block: no marker, no end, or no JSON
 * object after it (a release made by hand, or notes that only quote a block). A
 * JSON object after the marker is ours, and must be usable: NewerFormatError when a
 * newer UpdateForge wrote it (so an older one refuses to rewrite it and lose what it
 * cannot read), FormatVersionError when `updateforge` is missing or malformed,
 * ValidationError when the rest is invalid.
 */
export function parseReleaseBody(body: string): { notes: string; metadata: ReleaseMetadata } | null {
  const start = body.lastIndexOf(MARKER);
  if (start < 0) return null;
  const end = body.indexOf(END, start + MARKER.length);
  if (end < 0) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(body.slice(start + MARKER.length, end));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const metadata = RELEASE_METADATA_FORMAT.read(raw, describeBlock(raw as Record<string, unknown>));
  return { notes: body.slice(0, start).trim(), metadata };
}

/** Names a block in messages by its release's tag when the block says enough to know it. */
function describeBlock(raw: Record<string, unknown>): string {
  const { app, buildType, version } = raw;
  if (typeof app === 'string' && isBuildType(buildType) && typeof version === 'string') {
    return `The UpdateForge metadata of release '${releaseTag(app, buildType, version)}'`;
  }
  return 'The UpdateForge metadata of a release';
}
