import semverCoerce from 'semver/functions/coerce.js';
import { BundleKeyError, checksumForm, isSessionKey, loadBundleKey } from '../capgo/bundle-encryption.js';
import type { AppConfig, Config } from '../feed/config.js';
import { isPercent } from '../feed/percent.js';
import { BUILD_TYPES, describeBadVersion, isBuildType, parseStrictVersion, type BuildType } from '../feed/version.js';
import { PublishInputError } from './errors.js';
import type { BundleEncryptionInput } from './package.js';

/** What a maintainer asks to publish, as the CLI flags and action inputs give it. */
export interface PublishRequest {
  readonly app: string;
  readonly buildType: string;
  readonly version: string;
  /** A file uploaded as-is, or a folder zipped into a bundle; absent: register a pending version. */
  readonly path?: string | undefined;
  readonly name?: string | undefined;
  readonly notes?: string | undefined;
  readonly public?: boolean | undefined;
  readonly overwrite?: boolean | undefined;
  /** Live updates: devices whose native app version is lower are told to update from the store instead. */
  readonly minNativeVersion?: string | undefined;
  /** Live updates: the percentage of devices offered this bundle (default 100). */
  readonly rollout?: number | undefined;
  /** Live updates: the RSA private key (PEM text) to encrypt the bundle with, and where it was read from. Never stored. */
  readonly encryptKey?: { readonly pem: string; readonly source: string } | undefined;
  /** Live updates: a bundle already encrypted by `@capgo/cli bundle encrypt`, with what it printed. */
  readonly sessionKey?: string | undefined;
  readonly checksum?: string | undefined;
}

export interface ValidPublishRequest {
  readonly app: AppConfig;
  readonly buildType: BuildType;
  readonly version: string;
  readonly path: string | null;
  /** Undefined fields keep what the version already has (or the default for a new one). */
  readonly name: string | undefined;
  readonly notes: string | undefined;
  readonly public: boolean | undefined;
  readonly overwrite: boolean;
  readonly minNativeVersion: string | undefined;
  readonly rollout: number | undefined;
  readonly encryption: BundleEncryptionInput | undefined;
}

const MAX_NAME = 200;
// GitHub refuses release bodies over 125,000 characters; leave room for the metadata block.
const MAX_NOTES = 100_000;

/** Checks that app, build type and version name a possible version of this feed. */
export function validateVersionTarget(target: { app: string; buildType: string; version: string }, config: Config): { app: AppConfig; buildType: BuildType; version: string } {
  const app = config.apps.find((a) => a.id === target.app);
  if (!app) {
    const known = config.apps.map((a) => `'${a.id}'`).join(', ') || 'none';
    throw new PublishInputError('app', `Unknown app '${target.app}'. Apps in updateforge.json: ${known}.`);
  }
  if (!isBuildType(target.buildType)) {
    throw new PublishInputError('build-type', `Invalid build type '${target.buildType}'. Expected one of: ${BUILD_TYPES.join(', ')}.`);
  }
  if (parseStrictVersion(target.version) === null) throw new PublishInputError('version', describeBadVersion(target.version));
  return { app, buildType: target.buildType, version: target.version };
}

/** Checks a version's name and notes against their limits (a publish's, and an edit's). */
export function validateNameAndNotes(request: { readonly name?: string | undefined; readonly notes?: string | undefined }): void {
  if (request.name !== undefined && request.name.length > MAX_NAME) {
    throw new PublishInputError('name', `Name is ${request.name.length} characters long; the limit is ${MAX_NAME}.`);
  }
  if (request.notes !== undefined && request.notes.length > MAX_NOTES) {
    throw new PublishInputError('notes', `Notes are ${request.notes.length} characters long; the limit is ${MAX_NOTES}.`);
  }
}

/** Checks everything that can be checked before touching the store. */
export function validatePublishRequest(request: PublishRequest, config: Config): ValidPublishRequest {
  const { app, buildType } = validateVersionTarget(request, config);
  validateNameAndNotes(request);
  if (request.path !== undefined && request.path.trim() === '') throw new PublishInputError('path', 'Path is empty; omit it to register a pending version.');
  if (request.rollout !== undefined && !isPercent(request.rollout)) {
    throw new PublishInputError('rollout', `Rollout '${request.rollout}' is not a whole percentage from 0 to 100.`);
  }
  const minNativeVersion = request.minNativeVersion === undefined ? undefined : semverCoerce(request.minNativeVersion)?.version;
  if (request.minNativeVersion !== undefined && (!minNativeVersion || request.path === undefined)) {
    throw new PublishInputError(
      'min-native-version',
      minNativeVersion ? 'The minimum native version belongs to a bundle: give --path too.' : `'${request.minNativeVersion}' is not a version (e.g. 2.1.0).`,
    );
  }
  return {
    app,
    buildType,
    version: request.version,
    path: request.path ?? null,
    name: request.name,
    notes: request.notes,
    public: request.public,
    overwrite: request.overwrite ?? false,
    minNativeVersion,
    rollout: request.rollout,
    encryption: validateEncryption(request),
  };
}

function validateEncryption(request: PublishRequest): BundleEncryptionInput | undefined {
  const preEncrypted = request.sessionKey !== undefined || request.checksum !== undefined;
  if (!request.encryptKey && !preEncrypted) return undefined;
  if (request.path === undefined) throw new PublishInputError(request.encryptKey ? 'encrypt-key' : 'session-key', 'Encryption applies to a bundle: give --path too.');
  if (request.encryptKey && preEncrypted) {
    throw new PublishInputError('encrypt-key', 'Give either --encrypt-key (to encrypt here) or --session-key and --checksum (for a bundle already encrypted), not both.');
  }
  if (request.encryptKey) {
    try {
      return { key: loadBundleKey(request.encryptKey.pem, request.encryptKey.source) };
    } catch (error) {
      if (error instanceof BundleKeyError) throw new PublishInputError('encrypt-key', error.message, { cause: error });
      throw error;
    }
  }
  if (request.sessionKey === undefined || !isSessionKey(request.sessionKey)) {
    throw new PublishInputError('session-key', 'Expected the ivSessionKey printed by `@capgo/cli bundle encrypt` (base64 IV, a colon, base64 key).');
  }
  const form = request.checksum === undefined ? null : checksumForm(request.checksum);
  if (request.checksum === undefined || form === null) {
    throw new PublishInputError('checksum', 'Expected the checksum printed by `@capgo/cli bundle encrypt` (512 hex digits, or base64 from older CLIs).');
  }
  return { sessionKey: request.sessionKey, checksum: request.checksum, form };
}
