import type { EditResult } from './edit-version.js';
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

/** The one line saying what a rollout or a yank did, for the same three places. */
export function editHeadline(result: EditResult, edit: 'rollout' | 'yank'): string {
  const v = result.version;
  const share = `${v.rollout ?? 100}% of devices`;
  if (!result.changed) return `Unchanged: ${versionName(v)} ${edit === 'yank' ? 'was already yanked' : `was already offered to ${share}`}`;
  return edit === 'yank' ? `Yanked ${versionName(v)} (devices roll back to the previous bundle)` : `Rolled out ${versionName(v)} to ${share}`;
}
