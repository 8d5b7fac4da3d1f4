import { downloadPath } from '../feed/api-paths.js';
import type { LoadedConfig } from '../feed/config.js';
import type { Manifest } from '../feed/manifest.js';
import type { VersionRecord } from '../feed/version-record.js';
import { releaseTag } from '../feed/release-body.js';
import type { Store } from '../store/store.js';
import { checkStoreKeepsApps } from './apps-left-out.js';
import { checkBundleEncryption } from './bundle-encryption-policy.js';
import { PublishInputError, PublishUnfinishedError } from './errors.js';
import { readIcons, syncIcons } from './icons.js';
import { validatePublishRequest, type PublishRequest, type ValidPublishRequest } from './inputs.js';
import { packageArtifact, type PackagedArtifact, type PackageProgress } from './package.js';
import { applyRelease, type ReleaseOutcome } from './release-step.js';
import { withUndo } from './undo.js';
import { currentPublisher, leasedWhenWriting, type LeaseOptions, type Publisher, type VersionLease } from './version-lease.js';
import { recordInManifest } from './write-manifest.js';
import { errorMessage } from '../util/error-message.js';

export type PublishProgress = PackageProgress | { readonly phase: 'uploading'; readonly done: number; readonly total: number };

export interface PublishOptions {
  readonly store: Store;
  readonly config: LoadedConfig;
  readonly request: PublishRequest;
  readonly now?: () => Date;
  readonly onProgress?: (progress: PublishProgress) => void;
  /** Told when this publish waits for another publish of the same version to finish. */
  readonly onWait?: (message: string) => void;
  /** The commit the build was made from, where the release's tag goes (default: the default branch's head). */
  readonly commit?: string | undefined;
  /** Who publishes, so that others can tell when it has died (default: this process). */
  readonly publisher?: Publisher;
  /** Tuning of the per-version lease (tests). */
  readonly lease?: Omit<LeaseOptions, 'onWait'>;
}

export interface PublishResult {
  readonly outcome: ReleaseOutcome;
  /** The version as the manifest now lists it. */
  readonly version: VersionRecord;
  /** The whole feed after this publish. */
  readonly manifest: Manifest;
  /** The release's tag. */
  readonly tag: string;
  readonly manifestSha: string;
  readonly manifestChanged: boolean;
  readonly iconsWritten: number;
  /** Where testers download it on the API, or null while it has no file. */
  readonly downloadPath: string | null;
  /** Things worth telling the maintainer that did not stop the publish. */
  readonly warnings: readonly string[];
}

/**
 * The one publish pipeline, shared by the CLI and the action:
 * validate → package → lease the version → release (+ asset) → icons → manifest (compare-and-swap).
 *
 * Anything that fails before the release is published is undone, so the store is
 * left as it was. Publishing the release is the point of no return: a failure after
 * it (icons, manifest) is finished by running the publish again, never undone. Once
 * the manifest is written, what follows (removing superseded assets) only warns. Publishes of one
 * version run one at a time (the lease); publishes of different versions at once.
 */
export async function publish(options: PublishOptions): Promise<PublishResult> {
  const now = options.now ?? (() => new Date());
  const request = validatePublishRequest(options.request, options.config.config);
  await checkStoreKeepsApps(options.store, options.config.config);
  const icons = await readIcons(options.config);
  const artifact = await packageRequest(request, options.onProgress);
  const tag = releaseTag(request.app.id, request.buildType, request.version);
  const publisher = options.publisher ?? currentPublisher();
  try {
    const recorded = await leasedWhenWriting(options.store, tag, publisher, { ...options.lease, onWait: options.onWait }, (store, lease) =>
      recordRelease({ options: { ...options, store }, request, artifact, icons, now, tag, lease }),
    );
    return resultOf(recorded);
  } finally {
    await artifact?.cleanup();
  }
}

/** The build, packaged for upload; null for a pending version. */
async function packageRequest(request: ValidPublishRequest, onProgress: PublishOptions['onProgress']): Promise<PackagedArtifact | null> {
  if (!request.path) return null;
  const artifact = await packageArtifact({ input: request.path, zipName: `${request.app.id}-${request.version}.zip`, encryption: request.encryption, onProgress });
  // Only packaging knows a binary from a bundle: it looks at the file, not at the request.
  if (artifact.kind === 'binary' && (request.minNativeVersion !== undefined || request.rollout !== undefined)) {
    await artifact.cleanup();
    throw new PublishInputError(
      request.rollout !== undefined ? 'rollout' : 'min-native-version',
      'Rollouts and minimum native versions apply to live-update bundles (a web build folder or a .zip), not to app binaries.',
    );
  }
  return artifact;
}

function resultOf({ step, iconsWritten, written, warnings }: Awaited<ReturnType<typeof recordRelease>>): PublishResult {
  const version = written.manifest.versions.find((v) => v.id === step.release.id);
  if (!version) throw new Error(`Release '${step.release.tag}' is published but missing from the manifest; run the publish again.`);
  return {
    outcome: step.outcome,
    version,
    manifest: written.manifest,
    tag: step.release.tag,
    manifestSha: written.sha,
    manifestChanged: written.changed,
    iconsWritten,
    downloadPath: version.file ? downloadPath(version.id) : null,
    warnings,
  };
}

/** Release, icons and manifest, undone on failure; then the superseded assets go. Runs under the version's lease. */
async function recordRelease({
  options,
  request,
  artifact,
  icons,
  now,
  tag,
  lease,
}: {
  options: PublishOptions;
  request: ValidPublishRequest;
  artifact: PackagedArtifact | null;
  icons: Awaited<ReturnType<typeof readIcons>>;
  now: () => Date;
  tag: string;
  lease: VersionLease | null;
}) {
  const stepWarnings: string[] = [];
  const { step, iconsWritten, written } = await withUndo(
    async (undo) => {
      const step = await applyRelease({
        store: options.store,
        request,
        artifact,
        now: now(),
        commit: options.commit,
        undo,
        onUploadProgress: (done, total) => options.onProgress?.({ phase: 'uploading', done, total }),
        admitFile: (file) => stepWarnings.push(...checkBundleEncryption(request.app, file)),
        warn: (message) => stepWarnings.push(message),
      });
      const iconsWritten = await syncIcons(options.store, icons, undo);
      await lease?.assertHeld();
      return { step, iconsWritten, written: await recordInManifest({ store: options.store, config: options.config.config, now, release: step.release }) };
    },
    { what: 'the partial publish', committed: (error) => unfinished(tag, error) },
  );

  // The manifest is written: the publish has happened, and nothing below undoes it.
  // Other publishers' releases still uploading are their business, not this job's.
  const warnings = [...stepWarnings, ...written.skipped.filter((s) => s.tag === tag).map((s) => `Release '${s.tag}' is not in the manifest: ${s.reason}.`)];
  for (const asset of step.obsoleteAssets) {
    await options.store.deleteAsset(step.release, asset).catch((error: unknown) => {
      warnings.push(`Could not remove superseded asset '${asset.name}': ${errorMessage(error)}.`);
    });
  }
  return { step, iconsWritten, written, warnings };
}

// Past the published release nothing is undone: the release stays, and a second run finishes the publish.
function unfinished(tag: string, error: unknown): PublishUnfinishedError {
  return new PublishUnfinishedError(
    `${tag} is published, but the feed does not list it yet: ${errorMessage(error)}\nRun the same publish again to finish it. Nothing was undone: a published release is never deleted, since a repository with immutable releases could never use its tag again.`,
    { cause: error },
  );
}
