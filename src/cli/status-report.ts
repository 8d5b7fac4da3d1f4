import type { BuildTypeStatus, FeedStatus, StatusVersion } from '../feed/status.js';
import { BUILD_TYPES } from '../feed/version.js';
import { formatSize } from '../util/format-size.js';

/**
 * `updateforge status` as text: one line per version, teams and apps in the config's order.
 *
 *     Acme (acme)
 *       rocket  Rocket
 *         release  current  1.2.0  "Spring"  2026-03-01  48.2 MB  binary  12 downloads
 *         release  live     1.2.1  2026-03-04  1.2 MB  bundle  310 downloads
 *         release  rollout in progress: 1.2.2 at 40%
 */
export function formatStatus(status: FeedStatus): string {
  const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  if (status.versions === 0) return `The feed at ${status.location} has no versions yet: publish one with \`updateforge publish\`.\n`;
  const lines = [`Feed ${status.location}: ${plural(status.versions, 'version')}`];
  for (const team of status.teams) {
    lines.push('', `${team.name} (${team.id})`);
    if (team.apps.length === 0) lines.push('  no apps yet');
    for (const app of team.apps) {
      lines.push(`  ${app.id}  ${app.title}`);
      const versionLines = BUILD_TYPES.flatMap((type) => buildTypeLines(app.buildTypes[type]).map((line) => `    ${type.padEnd(8)} ${line}`));
      lines.push(...(versionLines.length > 0 ? versionLines : ['    nothing published yet']));
    }
  }
  return `${lines.join('\n')}\n`;
}

function buildTypeLines(status: BuildTypeStatus): string[] {
  return [
    ...(status.current ? [`current  ${describe(status.current)}`] : []),
    ...(status.pending ? [`pending  ${describe(status.pending)}`] : []),
    ...(status.live ? [`live     ${describe(status.live)}`] : []),
    ...status.rollouts.map((v) => (v.rollout === 0 ? `rollout paused: ${v.version} at 0% (offered to no device)` : `rollout in progress: ${v.version} at ${v.rollout}%`)),
    ...status.yanked.map((v) => `yanked   ${describe(v)}`),
  ];
}

/** `1.2.0  "Spring"  2026-03-01  1.2 MB  bundle  12 downloads`: what is missing (no name, no file yet, no count) is left out. */
function describe(v: StatusVersion): string {
  return [v.version, v.name === '' ? null : JSON.stringify(v.name), v.created.slice(0, 10), v.size === null ? null : formatSize(v.size), v.kind, downloads(v.downloads)]
    .filter((part) => part !== null)
    .join('  ');
}

/** `1 download`, `12 downloads`; null when the store cannot tell. */
function downloads(count: number | null): string | null {
  return count === null ? null : `${count} download${count === 1 ? '' : 's'}`;
}
