import type { LoadedConfig } from '../feed/config.js';
import { isPercent } from '../feed/percent.js';
import { parseReleaseBody, releaseTag, renderReleaseBody, type ReleaseMetadata } from '../feed/release-body.js';
import type { VersionRecord } from '../feed/version-record.js';
import type { Store } from '../store/store.js';
import { PublishInputError, VersionConflictError } from './errors.js';
import { validateVersionTarget } from './inputs.js';
import { withUndo } from './undo.js';
import { currentPublisher, leasedWhenWriting, type Publisher } from './version-lease.js';
import { recordInManifest } from './write-manifest.js';

export interface VersionEdit {
  readonly store: Store;
  readonly config: LoadedConfig;
  readonly app: string;
  readonly buildType: string;
  readonly version: string;
  readonly now?: () => Date;
  /** Told when this edit waits for a publish of the same version to finish. */
  readonly onWait?: (message: string) => void;
  /** Who edits, so that a re-run of a killed workflow run need not wait out its lease (default: this process). */
  readonly publisher?: Publisher;
}

export interface EditResult {
  readonly changed: boolean;
  readonly version: VersionRecord;
  readonly manifestSha: string;
}

/** Raises (or lowers) the share of devices offered a published bundle. */
export function setRollout(edit: VersionEdit & { readonly percent: number }): Promise<EditResult> {
  if (!isPercent(edit.percent)) {
    throw new PublishInputError('percent', `'${edit.percent}' is not a whole percentage from 0 to 100.`);
  }
  return editMetadata(edit, (meta) => {
    if (meta.yanked) throw new VersionConflictError(`${meta.app} ${meta.buildType} ${meta.version} was yanked; it cannot be rolled out again. Publish a new version.`);
    const { rollout: _old, ...rest } = meta;
    return edit.percent === 100 ? rest : { ...rest, rollout: edit.percent };
  });
}

/** Withdraws a version for good: devices go back to the previous bundle, testers no longer see it. */
export function yankVersion(edit: VersionEdit): Promise<EditResult> {
  return editMetadata(edit, (meta) => ({ ...meta, yanked: true }));
}

/**
 * Changes the metadata of one published version in its release, then regenerates the
 * manifest. If the manifest cannot be written, the release is put back as it was. Holds
 * the version's lease while it writes, like a publish.
 */
async function editMetadata(edit: VersionEdit, change: (meta: ReleaseMetadata) => ReleaseMetadata): Promise<EditResult> {
  const { app, buildType } = validateVersionTarget(edit, edit.config.config);
  const tag = releaseTag(app.id, buildType, edit.version);
  return leasedWhenWriting(edit.store, tag, edit.publisher ?? currentPublisher(), { onWait: edit.onWait }, (store) => editRelease({ ...edit, store }, tag, app.id, change));
}

async function editRelease(edit: VersionEdit, tag: string, appId: string, change: (meta: ReleaseMetadata) => ReleaseMetadata): Promise<EditResult> {
  const release = await edit.store.findReleaseByTag(tag);
  const parsed = release ? parseReleaseBody(release.body) : null;
  if (!release || !parsed || parsed.metadata.state !== 'published' || !parsed.metadata.file) {
    throw new PublishInputError('version', `${appId} ${edit.buildType} ${edit.version} is not a published version with a file.`);
  }
  if (parsed.metadata.file.kind !== 'bundle') {
    throw new PublishInputError('version', `${appId} ${edit.buildType} ${edit.version} is an app binary; rollouts and yanks are for live-update bundles.`);
  }
  const body = renderReleaseBody(parsed.notes, change(parsed.metadata));
  const changed = body !== release.body;
  // If the manifest cannot be written, the release's metadata is put back as it was.
  const written = await withUndo(
    async (undo) => {
      const current = changed ? await edit.store.updateRelease(release, { body }) : release;
      if (changed) {
        undo.push(`restore release ${tag}`, async () => {
          await edit.store.updateRelease(current, { body: release.body });
        });
      }
      return recordInManifest({ store: edit.store, config: edit.config.config, now: edit.now ?? (() => new Date()), release: current });
    },
    { what: 'the edit' },
  );
  const version = written.manifest.versions.find((v) => v.id === release.id);
  if (!version) throw new Error(`Release '${tag}' is missing from the manifest.`);
  return { changed, version, manifestSha: written.sha };
}
