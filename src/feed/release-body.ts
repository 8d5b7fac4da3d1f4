import { z } from 'zod';
import { precedenceKey, type BuildType } from './version.js';
import { FileRecordSchema, VersionRecordSchema } from './version-record.js';

/**
 * Everything about a version that is not the asset itself, kept in its release body
 * as an HTML comment (invisible on GitHub), so the whole feed can be rebuilt from
 * the release list alone.
 *
 * `state` says where the version is in its life: `pending` (registered, no file),
 * `uploading` (a publish is attaching its file: invisible until it finishes) or
 * `published` (its file is attached and verified).
 */
export const ReleaseMetadataSchema = VersionRecordSchema.pick({ app: true, buildType: true, version: true, name: true, public: true, created: true, rollout: true, yanked: true }).extend({
  updateforge: z.literal(1),
  state: z.enum(['pending', 'uploading', 'published']),
  file: FileRecordSchema.nullable(),
});
export type ReleaseMetadata = z.output<typeof ReleaseMetadataSchema>;

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

export function renderReleaseBody(notes: string, meta: ReleaseMetadata): string {
  // Escaping <, > and & keeps a note or name containing "-->" from closing the comment early.
  const json = JSON.stringify(meta).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const block = `${MARKER}${json}${END}`;
  return notes.trim() ? `${notes.trim()}\n\n${block}` : block;
}

/** Reads a release body back: null when it carries no (readable) UpdateForge block. */
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
  const parsed = ReleaseMetadataSchema.safeParse(raw);
  if (!parsed.success) return null;
  return { notes: body.slice(0, start).trim(), metadata: parsed.data };
}
