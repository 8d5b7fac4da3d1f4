import { z } from 'zod';
import { BUILD_TYPES, parseStrictVersion } from './version.js';

const StrictVersion = z.string().refine((v) => parseStrictVersion(v) !== null, { message: 'must be a strict semantic version' });
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/**
 * How a bundle was encrypted for the Capgo plugin. Nothing here is secret: devices
 * receive all of it, and only the private key (never stored) could make it.
 */
const EncryptionSchema = z.object({
  /** `base64(iv):base64(RSA-private-encrypted AES key)`, sent to devices as `session_key`. */
  sessionKey: z.string().min(1),
  /** The SHA-256 of the decrypted zip, RSA-encrypted, hex: what plugins 5.30+/6.30+/7.30+/8 read. */
  checksum: z
    .string()
    .regex(/^[0-9a-f]{512}$/)
    .optional(),
  /** The same in the older base64 form, for plugins below those versions. */
  legacyChecksum: z
    .string()
    .regex(/^[A-Za-z0-9+/]{342}==$/)
    .optional(),
  /** SHA-256 of the zip before encryption: what makes a re-run with the same build a no-op. */
  plainSha256: Sha256Hex.optional(),
  /** Capgo's key id (start of the public key), which plugin 8 sends as `key_id`. */
  keyId: z.string().optional(),
});

/** The artifact of a version. `kind: bundle` files are Capacitor live updates; `binary` are APK/AAB/IPA. */
export const FileRecordSchema = z.object({
  assetId: z.string().min(1),
  name: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
  /** Of the stored bytes (for an encrypted bundle, the ciphertext). */
  sha256: Sha256Hex,
  contentType: z.string().min(1),
  kind: z.enum(['binary', 'bundle']),
  /** CRC32 of an unencrypted bundle, 8 hex digits: the checksum the oldest plugins verify. */
  crc32: z
    .string()
    .regex(/^[0-9a-f]{8}$/)
    .optional(),
  encryption: EncryptionSchema.optional(),
  /** Devices whose native app version is lower must update from the store first. */
  minNativeVersion: z.string().optional(),
  /**
   * The bundle's file list (src/feed/bundle-files.ts), a second asset of the release: what lets
   * devices fetch only the files they lack (delta updates). Absent: full zip only.
   */
  files: z
    .object({
      assetId: z.string().min(1),
      size: z.number().int().positive(),
      sha256: Sha256Hex,
      /** How many files the bundle has. */
      count: z.number().int().nonnegative(),
    })
    .optional(),
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
  /** Percentage of devices offered this bundle (staged rollout); absent means 100. */
  rollout: z.number().int().min(0).max(100).optional(),
  /** Withdrawn: never offered or listed again; devices go back to the previous bundle. */
  yanked: z.boolean().optional(),
});

export type FileRecord = z.output<typeof FileRecordSchema>;
export type Encryption = z.output<typeof EncryptionSchema>;
export type VersionRecord = z.output<typeof VersionRecordSchema>;
