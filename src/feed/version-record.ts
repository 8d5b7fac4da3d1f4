import { z } from 'zod';
import { BUILD_TYPES, parseStrictVersion } from './version.js';

const StrictVersion = z.string().refine((v) => parseStrictVersion(v) !== null, { message: 'must be a strict semantic version' });
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/** The artifact of a version. `kind: bundle` files are Capacitor live updates; `binary` are APK/AAB/IPA. */
export const FileRecordSchema = z.object({
  assetId: z.string().min(1),
  name: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
  sha256: Sha256Hex,
  contentType: z.string().min(1),
  kind: z.enum(['binary', 'bundle']),
  sessionKey: z.string().optional(),
  minNativeVersion: z.string().optional(),
});

/** One version of one app and build type, as the manifest lists it. */
export const VersionRecordSchema = z.object({
  /** The release id: stable and opaque. */
  id: z.string().min(1),
  app: z.string().min(1),
  buildType: z.enum(BUILD_TYPES),
  version: StrictVersion,
  name: z.string(),
  public: z.boolean(),
  created: z.iso.datetime(),
  notes: z.string(),
  file: FileRecordSchema.nullable(),
});

export type FileRecord = z.output<typeof FileRecordSchema>;
export type VersionRecord = z.output<typeof VersionRecordSchema>;
