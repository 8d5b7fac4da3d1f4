import type { EditResult, MetadataField } from './edit-version.js';
import type { PublishResult } from './publish.js';
import type { ReleaseOutcome } from './release-step.js';

const PUBLISHED: Record<ReleaseOutcome, string> = {
  published: 'Published',
  registered: 'Registered pending version',
  updated: 'Updated',
  unchanged: 'Already published, nothing changed:',
  replaced: 'Replaced the file of',
};

type Named = { readonly app: string; readonly buildType: string; readonly version: string };

/** "rocket release 1.2.3": how every message names a version. */
export const versionName = (v: Named): string => `${v.app} ${v.buildType} ${v.version}`;

/** The one line saying what a publish did: the CLI prints it, the action logs it and heads its job summary with it. */
export function publishHeadline(result: Pick<PublishResult, 'outcome' | 'version'>): string {
  return `${PUBLISHED[result.outcome]} ${versionName(result.version)}`;
}

const FIELD_NAMES: Record<MetadataField, string> = { name: 'name', notes: 'notes', public: 'public flag' };

/** "name, notes and public flag". */
function fieldList(fields: readonly MetadataField[]): string {
  const names = fields.map((f) => FIELD_NAMES[f]);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? 'metadata');
}

/** The one line saying what a rollout, a yank or an edit of name, notes or public flag did, for the same three places. */
export function editHeadline(result: EditResult, edit: 'rollout' | 'yank' | 'edit'): string {
  const v = result.version;
  if (edit === 'edit') {
    const fields = fieldList(result.fields ?? []);
    return result.changed ? `Edited the ${fields} of ${versionName(v)}` : `Unchanged: ${versionName(v)} already had the ${fields} given`;
  }
  const share = `${v.rollout ?? 100}% of devices`;
  if (!result.changed) return `Unchanged: ${versionName(v)} ${edit === 'yank' ? 'was already yanked' : `was already offered to ${share}`}`;
  return edit === 'yank' ? `Yanked ${versionName(v)} (devices roll back to the previous bundle)` : `Rolled out ${versionName(v)} to ${share}`;
}
