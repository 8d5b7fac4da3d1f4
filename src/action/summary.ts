import { indexManifest } from '../feed/feed-snapshot.js';
import { BUILD_TYPES } from '../feed/version.js';
import { releaseTag } from '../feed/release-body.js';
import type { EditResult } from '../publish/edit-version.js';
import { editHeadline, publishHeadline } from '../publish/outcome.js';
import type { PublishResult } from '../publish/publish.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The job summary: what this run published, then where the app stands on every build type. */
export function summaryMarkdown(result: PublishResult, context: { repo: string; releaseUrl: string }): string {
  const v = result.version;
  const rows: [string, string][] = [
    ['Version', `${v.version}${v.name ? ` (${cell(v.name)})` : ''}`],
    ['Version id', `\`${v.id}\``],
    ['Release', `[${cell(result.tag)}](${context.releaseUrl})`],
  ];
  if (v.file) {
    rows.push(['File', `${cell(v.file.name)} (${v.file.kind}${v.file.encryption ? ', encrypted' : ''})`], ['Size', `${v.file.size} bytes`], ['SHA-256', `\`${v.file.sha256}\``]);
    if (v.file.kind === 'bundle') rows.push(['Rollout', `${v.rollout ?? 100}%`]);
    if (v.file.minNativeVersion) rows.push(['Native version', `${v.file.minNativeVersion} or later`]);
  }
  rows.push(['Manifest', `\`${result.manifestSha.slice(0, 12)}\` on ${context.repo}${result.manifestChanged ? '' : ' (unchanged)'}`]);

  const byBuildType = indexManifest(result.manifest).currentAndPending.get(v.app);
  const status = BUILD_TYPES.map((buildType) => {
    const c = byBuildType?.[buildType];
    return `| ${buildType} | ${c?.current ? `${c.current.version}` : '-'} | ${c?.pending ? `${c.pending.version}` : '-'} |`;
  });
  return [
    `## UpdateForge: ${publishHeadline(result)}`,
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, value]) => `| ${k} | ${value} |`),
    '',
    `### ${v.app} now`,
    '',
    '| build type | current | pending |',
    '| --- | --- | --- |',
    ...status,
    ...(result.warnings.length ? ['', ...result.warnings.map((w) => `> ⚠️ ${cell(w)}`)] : []),
    '',
  ].join('\n');
}

/** The job summary of a rollout or a yank: what changed, and where the bundle now stands. */
export function editSummaryMarkdown(result: EditResult, context: { command: 'rollout' | 'yank'; repo: string; releaseUrl: string }): string {
  const v = result.version;
  const rows: [string, string][] = [
    ['Version', `${v.version}${v.name ? ` (${cell(v.name)})` : ''}`],
    ['Version id', `\`${v.id}\``],
    ['Release', `[${cell(releaseTag(v.app, v.buildType, v.version))}](${context.releaseUrl})`],
    ['Offered to', v.yanked ? 'no device: yanked, devices that installed it roll back to the previous bundle' : `${v.rollout ?? 100}% of devices`],
    ['Manifest', `\`${result.manifestSha.slice(0, 12)}\` on ${context.repo}`],
  ];
  return [`## UpdateForge: ${editHeadline(result, context.command)}`, '', '| | |', '| --- | --- |', ...rows.map(([k, value]) => `| ${k} | ${value} |`), ''].join('\n');
}
