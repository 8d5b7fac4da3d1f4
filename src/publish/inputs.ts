import type { AppConfig, Config } from '../feed/config.js';
import { BUILD_TYPES, describeBadVersion, isBuildType, parseStrictVersion, type BuildType } from '../feed/version.js';
import { PublishInputError } from './errors.js';

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
}

const MAX_NAME = 200;
// GitHub refuses release bodies over 125,000 characters; leave room for the metadata block.
const MAX_NOTES = 100_000;

/** Checks everything that can be checked before touching the store. */
export function validatePublishRequest(request: PublishRequest, config: Config): ValidPublishRequest {
  const app = config.apps.find((a) => a.id === request.app);
  if (!app) {
    const known = config.apps.map((a) => `'${a.id}'`).join(', ') || 'none';
    throw new PublishInputError('app', `Unknown app '${request.app}'. Apps in updateforge.json: ${known}.`);
  }
  if (!isBuildType(request.buildType)) {
    throw new PublishInputError('build-type', `Invalid build type '${request.buildType}'. Expected one of: ${BUILD_TYPES.join(', ')}.`);
  }
  if (parseStrictVersion(request.version) === null) throw new PublishInputError('version', describeBadVersion(request.version));
  if (request.name !== undefined && request.name.length > MAX_NAME) {
    throw new PublishInputError('name', `Name is ${request.name.length} characters long; the limit is ${MAX_NAME}.`);
  }
  if (request.notes !== undefined && request.notes.length > MAX_NOTES) {
    throw new PublishInputError('notes', `Notes are ${request.notes.length} characters long; the limit is ${MAX_NOTES}.`);
  }
  if (request.path !== undefined && request.path.trim() === '') throw new PublishInputError('path', 'Path is empty; omit it to register a pending version.');
  return {
    app,
    buildType: request.buildType,
    version: request.version,
    path: request.path ?? null,
    name: request.name,
    notes: request.notes,
    public: request.public,
    overwrite: request.overwrite ?? false,
  };
}
