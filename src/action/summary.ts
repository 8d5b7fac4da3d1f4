import { feedStatus } from '../feed/status.js';
import { BUILD_TYPES } from '../feed/version.js';
import { releaseTag } from '../feed/release-body.js';
import type { EditResult } from '../publish/edit-version.js';
import { editHeadline, publishHeadline } from '../publish/outcome.js';
import type { PublishResult } from '../publish/publish.js';
import { KEEP_REASONS, type PruneResult } from '../publish/prune.js';
import type { InstallOutputs } from './outputs.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The job summary: what this run published, then where the app stands on every build type, for testers and for devices. */
export function summaryMarkdown(result: PublishResult, context: { repo: string; releaseUrl: string; install?: InstallOutputs | undefined }): string {
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
  // The QR image is a file on the runner: a summary can show only images it can fetch, so it names the file.
  if (context.install) rows.push(['Install', `[${cell(context.install.url)}](${context.install.url}) (QR code: \`${cell(context.install.qrCode)}\`, the \`qr-code\` output)`]);

  const app = feedStatus({ location: context.repo, manifest: result.manifest })
    .teams.flatMap((t) => t.apps)
    .find((a) => a.id === v.app);
  const status = BUILD_TYPES.map((buildType) => {
    const s = app?.buildTypes[buildType];
    const rollouts = s?.rollouts.map((r) => `${r.version} at ${r.rollout}%`).join(', ');
    return `| ${buildType} | ${s?.current?.version ?? '-'} | ${s?.pending?.version ?? '-'} | ${s?.live?.version ?? '-'}${rollouts ? ` (rolling out ${rollouts})` : ''} |`;
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
    '| build type | testers: current | pending | devices: live bundle |',
    '| --- | --- | --- | --- |',
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

/** The job summary of a prune (`command: prune`, or a publish's `keep`): every version removed, and those kept past the newest N, with why. */
export function pruneSummaryMarkdown(result: PruneResult, context: { app: string; buildType: string; keep: number; repo: string }): string {
  const scope = `${context.app} ${context.buildType}`;
  const headline =
    result.remove.length === 0
      ? `Nothing to prune: ${scope} keeps its newest ${context.keep}`
      : `${result.dryRun ? 'Would prune' : 'Pruned'} ${result.remove.length} version${result.remove.length === 1 ? '' : 's'} of ${scope} (keeping the newest ${context.keep})`;
  const size = (bytes: number | null) => (bytes === null ? 'no file' : `${bytes} bytes`);
  const rows = [
    ...result.remove.map((v) => `| ${v.version} | ${v.kind ?? 'pending'} | ${size(v.size)} | ${result.dryRun ? 'would be removed' : 'removed'} |`),
    ...result.protected.map((v) => `| ${v.version} | ${v.kind ?? 'pending'} | ${size(v.size)} | kept: ${KEEP_REASONS[v.reason]} |`),
  ];
  const freed = result.remove.reduce((sum, v) => sum + (v.size ?? 0), 0);
  const footer = result.dryRun ? 'Dry run: nothing was written.' : `${freed} bytes freed; manifest \`${(result.manifestSha ?? '').slice(0, 12)}\` on ${context.repo}.`;
  const table = rows.length === 0 ? [] : ['| version | kind | size | |', '| --- | --- | --- | --- |', ...rows, ''];
  return [`## UpdateForge: ${headline}`, '', ...table, footer, ''].join('\n');
}
