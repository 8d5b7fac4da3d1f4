import { z } from 'zod';
import { DEFAULT_CHANNEL, resolveChannels } from './channels.js';
import { TeamSchema } from './config.js';
import { BUILD_TYPES } from './version.js';
import { parseJson, validate } from '../util/validation.js';
import { VersionRecordSchema } from './version-record.js';
import { VersionedFormat } from './versioned-format.js';

/** Where the manifest lives on the manifest branch. */
export const MANIFEST_PATH = 'manifest.json';
/** The manifest version this build writes (docs/FORMATS.md says when it changes). */
export const MANIFEST_SCHEMA_VERSION = 1;

const ManifestAppSchema = z.object({
  id: z.string().min(1),
  team: z.string().min(1),
  title: z.string().min(1),
  packageName: z.string().min(1),
  /** Path of the icon on the manifest branch (`icons/<app>/<file>`), or null. */
  icon: z.string().nullable(),
  /** The channel devices follow unless they ask for another. */
  defaultChannel: z.string().default(DEFAULT_CHANNEL),
  /** Whether the app's devices have a Capgo public key (updateforge.json); absent: not declared. */
  encryptedBundles: z.boolean().optional(),
});

const ChannelSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1),
  buildType: z.enum(BUILD_TYPES),
  allowSelfSet: z.boolean(),
});

/**
 * Manifest version 1: teams and apps from `updateforge.json`, and every version
 * record rebuilt from the releases. Derived data: releases are the source of truth.
 * Unknown keys are dropped rather than refused, so an older server can read a
 * manifest to which a newer action added optional fields (docs/FORMATS.md).
 */
const ManifestV1Schema = z.object({
  schemaVersion: z.literal(1),
  generatedAt: z.iso.datetime(),
  teams: z.array(z.object(TeamSchema.shape)),
  apps: z.array(ManifestAppSchema),
  /** Live-update channels; manifests written before channels existed get the build types. */
  channels: z.array(ChannelSchema).default(() => resolveChannels()),
  versions: z.array(VersionRecordSchema),
});

/**
 * Every manifest version this build reads, dispatched on `schemaVersion` and upgraded
 * step by step to the newest. A version 2 is one schema and one upgrade:
 * `.next(ManifestV2Schema, (v1) => ({ ...v1, schemaVersion: 2, ... }))`, then
 * MANIFEST_SCHEMA_VERSION = 2.
 */
export const MANIFEST_FORMAT = VersionedFormat.first(
  {
    versionKey: 'schemaVersion',
    noun: 'manifests',
    whenDamaged: "it is not an UpdateForge manifest, or it was damaged. The manifest is derived from the releases: rebuild it with 'updateforge repair'.",
    whenNewer: (found) =>
      `Upgrade UpdateForge here (the server, or the CLI or action reading it) to a release that reads manifest version ${found}; servers are upgraded before the action that writes a new version (docs/FORMATS.md).`,
  },
  ManifestV1Schema,
);

/** A manifest as the version writers write it. */
export type Manifest = z.output<typeof MANIFEST_FORMAT.schema>;
export type ManifestApp = z.output<typeof ManifestAppSchema>;

/**
 * Reads a manifest of any version this build knows, upgraded to the current shape.
 * Throws NewerFormatError for a manifest a newer UpdateForge wrote, FormatVersionError
 * when `schemaVersion` is missing or malformed, ValidationError when the rest is invalid.
 */
export function parseManifest(bytes: Uint8Array, source = MANIFEST_PATH): Manifest {
  return MANIFEST_FORMAT.read(parseJson(Buffer.from(bytes).toString('utf8'), source), source);
}

/** Writes the current version, validated first, so a bug can never publish a manifest the server would refuse. */
export function serializeManifest(manifest: Manifest): Uint8Array {
  const valid = validate(MANIFEST_FORMAT.schema, manifest, 'generated manifest');
  return Buffer.from(`${JSON.stringify(valid, null, 2)}\n`, 'utf8');
}

/**
 * True when two manifests describe the same feed (only `generatedAt` may differ). Compared as they
 * would be written, so that a record read back from the branch and the same record made afresh
 * from its release are equal whatever order their keys were made in.
 */
export function sameFeed(a: Manifest, b: Manifest): boolean {
  const stamp = new Date(0).toISOString();
  return Buffer.from(serializeManifest({ ...a, generatedAt: stamp })).equals(serializeManifest({ ...b, generatedAt: stamp }));
}
