import type { HourRow } from './scale-model-derive.js';
import type { HourResult } from './scale-model-hour.js';
import { HOUR } from './scale-model-plan.js';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const share = (requests: number) => {
  const p = (requests / HOUR.budgetPerHour) * 100;
  return `${p < 10 ? p.toFixed(1) : p.toFixed(0)}%`;
};
const instancesOf = (count: number) => `${count} instance${count > 1 ? 's' : ''}`;

/** Client answers that are the scenario going as planned; anything else is listed under the table. */
const EXPECTED = new Set(['poll:offered', 'poll:up_to_date', 'download:installed', 'download:redirected']);

function operations(r: HourResult): string {
  return Object.entries(r.serving.byOperation)
    .sort(([, a], [, b]) => b - a)
    .map(([op, count]) => `${op.replace(/^(repos|git)\//, '')} ${n(count)}`)
    .join(', ');
}

function clientRequests(r: HourResult): number {
  return ['poll', 'download', 'stats', 'login', 'apps', 'icon', 'tester download'].reduce((sum, kind) => sum + r.clients.get(kind), 0);
}

function notes(r: HourResult): string {
  const stale = r.clients.matching((key) => key.endsWith(':stale')).reduce((sum, [, v]) => sum + v, 0);
  const odd = r.clients.matching((key) => key.includes(':') && !key.endsWith(':stale') && !EXPECTED.has(key));
  return [
    r.serving.refused ? `**${n(r.serving.refused)} requests refused by GitHub (403/429)**` : '',
    odd.length ? `**unexpected client answers: ${odd.map(([k, v]) => `${k} ×${n(v)}`).join(', ')}**` : '',
    ...[...r.clients.firstErrors].map(([kind, message]) => `the first ${kind} error: ${message.replace(/\s+/g, ' ').slice(0, 200)}`),
    stale
      ? `${n(stale)} answers from the last good manifest (marked stale: a re-check took over the 2 s a request waits, in real time, with the whole hour squeezed into this process)`
      : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** The hour table: one row per deployment, each compared with the smallest fleet of the same deployment shape. */
export function hourTable(rows: readonly HourRow[]): string[] {
  const baseline = (r: HourRow) =>
    rows.filter((b) => b.run.instances === r.run.instances && b.run.downloads === r.run.downloads).sort((a, b) => a.run.devices - b.run.devices)[0] ?? r;
  const lines = rows.map((r) => {
    const base = baseline(r);
    // An extrapolated row is an upper bound.
    const at = (x: number) => (r.derivation?.includes('extrapolated') ? `≤ ${n(x)}` : n(x));
    const ratio = base === r ? 'baseline' : `×${(r.counted / Math.max(1, base.counted)).toFixed(2)}`;
    const m = r.measured;
    const lasts = m
      ? m.exhaustedAtMinute === null
        ? 'the hour'
        : `${m.exhaustedAtMinute} min`
      : r.counted > HOUR.budgetPerHour
        ? `${Math.floor((HOUR.budgetPerHour / r.counted) * 60)} min`
        : 'the hour';
    return `| ${n(r.run.devices)} | ${r.run.instances} | ${r.run.downloads} | ${m ? n(clientRequests(m)) : '–'} | ${at(r.total)} | ${at(r.notModified)} | ${at(r.counted)} | ${share(r.counted)} | ${ratio} | ${lasts} | ${m ? `${n(m.updated)} of ${n(m.run.devices)}` : '–'} | ${m ? `${(m.wallMs / 1000).toFixed(0)} s` : 'derived'} |`;
  });
  const details = rows.map((r) => {
    const what = `${n(r.run.devices)} devices, ${instancesOf(r.run.instances)}, ${r.run.downloads}`;
    if (!r.measured) return `- ${what}: derived, ${r.derivation}.`;
    const extra = notes(r.measured);
    return `- ${what}: ${operations(r.measured) || 'no requests'}${extra ? `; ${extra}` : ''}.`;
  });
  return [
    '| devices | instances | device downloads | requests to the deployment | GitHub API requests | of which 304 (free) | counted against the limit | of a 5,000/h budget | counted ÷ smallest fleet | a 5,000/h budget lasts | devices updated | simulated in |',
    '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...lines,
    '',
    'GitHub API requests of each hour, by operation:',
    '',
    ...details,
  ];
}

/** The README's figure: what a deployment of each size takes of its token's hourly budget, downloads proxied (the default). */
export function budgetTable(rows: readonly HourRow[]): string[] {
  const proxied = rows.filter((r) => r.run.downloads === 'proxy');
  const instances = [...new Set(proxied.map((r) => r.run.instances))].sort((a, b) => a - b);
  const devices = [...new Set(proxied.map((r) => r.run.devices))].sort((a, b) => a - b);
  const cell = (d: number, i: number) => {
    const r = proxied.find((x) => x.run.devices === d && x.run.instances === i);
    return r ? `${n(r.counted)} (${share(r.counted)})${r.measured ? '' : ' †'}` : '–';
  };
  return [
    `| devices | ${instances.map((i) => `${instancesOf(i)}: requests/hour (of 5,000)`).join(' | ')} |`,
    `| ---: | ${instances.map(() => '---:').join(' | ')} |`,
    ...devices.map((d) => `| ${n(d)} | ${instances.map((i) => cell(d, i)).join(' | ')} |`),
  ];
}

/** The verdict: does the count grow with the fleet, and does the largest fleet stay under 10% of the budget? */
export function hourVerdict(rows: readonly HourRow[]): string {
  const largest = Math.max(...rows.map((r) => r.run.devices));
  const smallest = Math.min(...rows.map((r) => r.run.devices));
  const worst = rows.filter((r) => r.run.devices === largest).sort((a, b) => b.counted - a.counted)[0];
  if (!worst) return '';
  const base = rows.find((r) => r.run.devices === smallest && r.run.instances === worst.run.instances && r.run.downloads === worst.run.downloads);
  const growth = base && base !== worst ? `, ×${(worst.counted / Math.max(1, base.counted)).toFixed(2)} the count at ${n(smallest)} devices` : '';
  const within = (worst.counted / HOUR.budgetPerHour) * 100 < 10;
  return `At ${n(largest)} devices the costliest deployment (${instancesOf(worst.run.instances)}, ${worst.run.downloads}${worst.measured ? '' : ', derived'}) makes ${n(worst.counted)} counted requests an hour${growth}: ${share(worst.counted)} of a 5,000/h budget (target: under 10%, not growing with devices) — ${within ? 'within the target' : 'over the target'}.`;
}
