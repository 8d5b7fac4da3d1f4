import { z } from 'zod';
import { DEFAULT_CHANNEL, resolveChannels } from './channels.js';
import { TeamSchema } from './config.js';
import { BUILD_TYPES } from './version.js';
import { parseJson, validate } from '../util/validation.js';
import { VersionRecordSchema } from './version-record.js';

/** Where the manifest lives on the manifest branch. */
export const MANIFEST_PATH = 'manifest.json';
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
 * The feed index: teams and apps from `updateforge.json`, and every version
 * record rebuilt from the releases. Derived data: releases are the source of truth.
 * Unknown keys are dropped rather than refused, so an older server can read a
 * manifest written by a newer action.
 */
export const ManifestSchema = z.object({
  schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
  generatedAt: z.iso.datetime(),
  teams: z.array(z.object(TeamSchema.shape)),
  apps: z.array(ManifestAppSchema),
  /** Live-update channels; manifests written before channels existed get the build types. */
  channels: z.array(ChannelSchema).default(() => resolveChannels()),
  versions: z.array(VersionRecordSchema),
});

export type Manifest = z.output<typeof ManifestSchema>;
export type ManifestInput = z.input<typeof ManifestSchema>;
export type ManifestApp = z.output<typeof ManifestAppSchema>;

export function parseManifest(bytes: Uint8Array, source = MANIFEST_PATH): Manifest {
  return validate(ManifestSchema, parseJson(Buffer.from(bytes).toString('utf8'), source), source);
}

/** Validates before writing, so a bug can never publish a manifest the server would refuse. */
export function serializeManifest(manifest: Manifest): Uint8Array {
  const valid = validate(ManifestSchema, manifest, 'generated manifest');
  return Buffer.from(`${JSON.stringify(valid, null, 2)}\n`, 'utf8');
}

/** True when two manifests describe the same feed (only `generatedAt` may differ). */
export function sameFeed(a: Manifest, b: Manifest): boolean {
  return JSON.stringify({ ...a, generatedAt: '' }) === JSON.stringify({ ...b, generatedAt: '' });
}
