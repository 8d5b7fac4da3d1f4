import type { LoadedConfig } from '../feed/config.js';
import { isPercent } from '../feed/percent.js';
import { parseReleaseBody, releaseTag, releaseTitle, renderReleaseBody, type ReleaseMetadata } from '../feed/release-body.js';
import type { VersionRecord } from '../feed/version-record.js';
import type { Store } from '../store/store.js';
import { PublishInputError, VersionConflictError } from './errors.js';
import { validateNameAndNotes, validateVersionTarget } from './inputs.js';
import { checkStoreKeepsApps } from './apps-left-out.js';
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
  /** `editMetadata` only: the fields that changed (all it was asked to set, when none did), in this order. */
  readonly fields?: readonly MetadataField[];
}

/** What `editMetadata` can change; an absent field keeps what the version has. */
export interface MetadataChange {
  readonly name?: string | undefined;
  readonly notes?: string | undefined;
  readonly public?: boolean | undefined;
}

export type MetadataField = keyof MetadataChange;
const METADATA_FIELDS: readonly MetadataField[] = ['name', 'notes', 'public'];

/** A release's content an edit may change: its metadata block, and the notes before it. */
interface ReleaseContent {
  readonly metadata: ReleaseMetadata;
  readonly notes: string;
}

/** Raises (or lowers) the share of devices offered a published bundle. */
export function setRollout(edit: VersionEdit & { readonly percent: number }): Promise<EditResult> {
  if (!isPercent(edit.percent)) {
    throw new PublishInputError('percent', `'${edit.percent}' is not a whole percentage from 0 to 100.`);
  }
  return editBundle(edit, (meta) => {
    if (meta.yanked) throw new VersionConflictError(`${meta.app} ${meta.buildType} ${meta.version} was yanked; it cannot be rolled out again. Publish a new version.`);
    const { rollout: _old, ...rest } = meta;
    return edit.percent === 100 ? rest : { ...rest, rollout: edit.percent };
  });
}

/** Withdraws a version for good: devices go back to the previous bundle, testers no longer see it. */
export function yankVersion(edit: VersionEdit): Promise<EditResult> {
  return editBundle(edit, (meta) => ({ ...meta, yanked: true }));
}

/**
 * Changes the name, notes or public flag of a published or pending version (a binary or a
 * bundle) without uploading anything: the same lease, undo and no-op rules as a rollout.
 */
export async function editMetadata(edit: VersionEdit & { readonly change: MetadataChange }): Promise<EditResult> {
  const { change } = edit;
  const fields = METADATA_FIELDS.filter((field) => change[field] !== undefined);
  if (fields.length === 0) throw new PublishInputError('name', 'Nothing to change: give a new name, notes or public flag.');
  validateNameAndNotes(change);
  let differing: MetadataField[] = [];
  const result = await editVersion(edit, { bundlesOnly: false }, (content) => {
    const next = {
      notes: change.notes ?? content.notes,
      metadata: { ...content.metadata, name: change.name ?? content.metadata.name, public: change.public ?? content.metadata.public },
    };
    // Notes are stored trimmed (release-body.ts): a notes file's final newline is no change.
    differing = fields.filter((f) => (f === 'notes' ? next.notes.trim() !== content.notes.trim() : next.metadata[f] !== content.metadata[f]));
    return next;
  });
  // What changed, when something did; what was asked, when all of it was already so.
  return { ...result, fields: result.changed && differing.length > 0 ? differing : fields };
}

function editBundle(edit: VersionEdit, change: (meta: ReleaseMetadata) => ReleaseMetadata): Promise<EditResult> {
  return editVersion(edit, { bundlesOnly: true }, (content) => ({ ...content, metadata: change(content.metadata) }));
}

type Rules = { readonly bundlesOnly: boolean };

/**
 * Changes the metadata (and notes) of one version in its release, then regenerates the
 * manifest. If the manifest cannot be written, the release is put back as it was. Holds
 * the version's lease while it writes, like a publish.
 */
async function editVersion(edit: VersionEdit, rules: Rules, change: (content: ReleaseContent) => ReleaseContent): Promise<EditResult> {
  const { app, buildType } = validateVersionTarget(edit, edit.config.config);
  await checkStoreKeepsApps(edit.store, edit.config.config);
  const tag = releaseTag(app.id, buildType, edit.version);
  return leasedWhenWriting(edit.store, tag, edit.publisher ?? currentPublisher(), { onWait: edit.onWait }, (store) =>
    editRelease({ ...edit, store }, { tag, appId: app.id, rules }, change),
  );
}

async function editRelease(edit: VersionEdit, target: { tag: string; appId: string; rules: Rules }, change: (content: ReleaseContent) => ReleaseContent): Promise<EditResult> {
  const { tag, appId, rules } = target;
  const named = `${appId} ${edit.buildType} ${edit.version}`;
  const release = await edit.store.findReleaseByTag(tag);
  const parsed = release ? parseReleaseBody(release.body) : null;
  const notPublished = `${named} is not a published version with a file.`;
  if (!release || !parsed) {
    throw new PublishInputError('version', rules.bundlesOnly ? notPublished : `${named} is not a version of this feed. Check --version and --build-type, or publish it first.`);
  }
  const { metadata } = parsed;
  if (rules.bundlesOnly) {
    if (metadata.state !== 'published' || !metadata.file) throw new PublishInputError('version', notPublished);
    if (metadata.file.kind !== 'bundle') throw new PublishInputError('version', `${named} is an app binary; rollouts and yanks are for live-update bundles.`);
  } else if (metadata.state === 'uploading') {
    throw new PublishInputError('version', `${named} is still being uploaded. Let that publish finish (or run it again), then edit it.`);
  }
  const next = change(parsed);
  const patch = { body: renderReleaseBody(next.notes, next.metadata), ...(next.metadata.name === metadata.name ? {} : { name: releaseTitle(next.metadata) }) };
  const changed = patch.body !== release.body || (patch.name !== undefined && patch.name !== release.name);
  // If the manifest cannot be written, the release's title and metadata are put back as they were.
  const written = await withUndo(
    async (undo) => {
      const current = changed ? await edit.store.updateRelease(release, patch) : release;
      if (changed) {
        undo.push(`restore release ${tag}`, async () => {
          await edit.store.updateRelease(current, { name: release.name, body: release.body });
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
