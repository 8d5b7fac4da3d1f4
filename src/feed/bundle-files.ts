import { z } from 'zod';
import { parseJson, validate } from '../util/validation.js';
import { VersionedFormat } from './versioned-format.js';

/** The file-list format version this build writes (docs/FORMATS.md says when it changes). */
export const BUNDLE_FILES_VERSION = 1;

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/**
 * One file of a live-update bundle and where its bytes are in the bundle's zip, so that a
 * server can serve it with a single range read of the stored zip: `offset` is where the
 * entry's data starts (after its local header), `compressedSize` how many bytes it has there.
 */
const BundleFileSchema = z.object({
  /** The path a device installs it at: relative to the bundle's root (a zip's single top-level folder is not part of it). */
  name: z.string().min(1),
  /** SHA-256 of the file itself (not of its compressed bytes): what the plugin checks. */
  sha256: Sha256Hex,
  size: z.number().int().nonnegative(),
  /** The zip's compression method: 0 stored, 8 deflated. */
  method: z.union([z.literal(0), z.literal(8)]),
  /** The entry's CRC-32, 8 hex digits: checked as the entry is inflated. */
  crc32: z.string().regex(/^[0-9a-f]{8}$/),
  offset: z.number().int().nonnegative(),
  compressedSize: z.number().int().nonnegative(),
});

/**
 * File list version 1: every file of one bundle, stored as a second asset of its release next to
 * the zip. Only the zip it was made from may be read with it, hence the zip's size and digest.
 */
const BundleFilesV1Schema = z.object({
  updateforgeFiles: z.literal(1),
  zip: z.object({ size: z.number().int().nonnegative(), sha256: Sha256Hex }),
  files: z.array(BundleFileSchema),
});

export const BUNDLE_FILES_FORMAT = VersionedFormat.first(
  {
    versionKey: 'updateforgeFiles',
    noun: 'bundle file lists',
    whenDamaged: 'it is not an UpdateForge file list, or it was damaged. Publish the version again with --overwrite to make it afresh.',
    whenNewer: (found) => `Upgrade UpdateForge here to a release that reads bundle file list version ${found}.`,
  },
  BundleFilesV1Schema,
);

export type BundleFiles = z.output<typeof BUNDLE_FILES_FORMAT.schema>;
export type BundleFile = BundleFiles['files'][number];

/** The name a bundle's file list is stored under, next to the zip's asset. */
export function fileListName(zipName: string): string {
  return `${zipName}.files.json`;
}

export function parseBundleFiles(bytes: Uint8Array, source: string): BundleFiles {
  return BUNDLE_FILES_FORMAT.read(parseJson(Buffer.from(bytes).toString('utf8'), source), source);
}

/** One line per file: a list of thousands of files stays readable in a diff and small. */
export function serializeBundleFiles(list: BundleFiles): Uint8Array {
  const valid = validate(BUNDLE_FILES_FORMAT.schema, list, 'bundle file list');
  const { files, ...head } = valid;
  const lines = files.map((f) => JSON.stringify(f));
  return Buffer.from(`${JSON.stringify(head).slice(0, -1)},"files":[\n${lines.join(',\n')}\n]}\n`, 'utf8');
}
