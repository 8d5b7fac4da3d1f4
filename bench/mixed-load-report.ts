// The markdown of the mixed-load bench: what ran, the tables, and the ratios to its baselines.
import { countStatus, MIXED_KINDS, PROBE_KINDS, type ClientReport, type KindStats, type MixedKind } from './mixed-load-plan.js';

export interface MixedRun {
  readonly workers: number;
  readonly seconds: number;
  readonly baselineSeconds: number;
  readonly weights: Readonly<Record<MixedKind, number>>;
  readonly assetMiB: number;
  readonly baseline: ClientReport;
  readonly loaded: ClientReport;
  readonly rss: { readonly beforeMiB: number; readonly peakMiB: number; readonly hwmMiB: number; readonly afterMiB: number };
}

export interface FloodRun {
  readonly label: string;
  readonly flood: ClientReport;
  readonly control: ClientReport;
  readonly peakMiB: number;
}

const ms = (v: number) => (Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US'));
const times = (loaded: number, base: number) => (Number.isFinite(loaded / base) && base > 0 ? `×${(loaded / base).toFixed(1)}` : '–');
const mib = (v: number) => `${v.toFixed(0)} MiB`;
const share = (kind: MixedKind, weights: Readonly<Record<MixedKind, number>>) => {
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  return `${((weights[kind] / total) * 100).toFixed(1).replace(/\.0$/, '')}%`;
};

/** Statuses other than 2xx, e.g. `429×12, 401×3 of 40`, or '' when all were 2xx. */
function oddStatuses(stats: KindStats): string {
  const odd = Object.entries(stats.statuses).filter(([status]) => !status.startsWith('2'));
  if (stats.transportErrors > 0) odd.push(['transport error', stats.transportErrors]);
  return odd.length === 0 ? '' : `${odd.map(([status, n]) => `${status}×${n}`).join(', ')} of ${stats.requests}`;
}

function mixedRow(label: string, s: KindStats | undefined, base: KindStats | undefined): string {
  if (!s) return `| ${label} | 0 | | | | | | | | | |`;
  const c = (test: (status: number) => boolean) => countStatus(s, test);
  const baseCell = base ? `${ms(base.p50Ms)} / ${ms(base.p99Ms)} ms` : '–';
  const ratio = base ? `${times(s.p50Ms, base.p50Ms)} / ${times(s.p99Ms, base.p99Ms)}` : '–';
  return `| ${label} | ${s.requests.toLocaleString('en-US')} | ${c((x) => x < 300)} | ${c((x) => x >= 400 && x < 500)} | ${c((x) => x === 429)} | ${c((x) => x >= 500)} | ${ms(s.p50Ms)} ms | ${ms(s.p99Ms)} ms | ${ms(s.maxMs)} ms | ${baseCell} | ${ratio} |`;
}

export function mixedSection(m: MixedRun): string {
  const { loaded, baseline } = m;
  const perSecond = (r: ClientReport) => Math.round(r.all.requests / r.seconds).toLocaleString('en-US');
  const ranges = loaded.kinds['ranged download'];
  return [
    `\`updateforge serve\` on a feed made by the publish pipeline: an ${m.assetMiB} MiB release asset, a live-update bundle, two icons; ${m.workers + 2} users.`,
    `Load from a second process for ${m.seconds} s: ${m.workers} workers, each its own tester (own user, own client address on 127.0.0.0/8, one keep-alive connection), each request drawn at random:`,
    `logins ${share('login', m.weights)} right and ${share('wrong login', m.weights)} wrong (each wrong one from a new email and a new client address, so the login throttles stay out of the mix),`,
    `\`/apps\` ${share('apps', m.weights)}, ranged downloads ${share('ranged download', m.weights)} (a random slice of up to 256 KiB of the asset, checked byte for byte), update checks ${share('update check', m.weights)} (a new device id each, so the per-device poll limit stays out of it; half are offered the bundle), icons ${share('icon', m.weights)}.`,
    `Each worker waits for each answer before its next request, so the throughput is what the slowest requests leave. Baseline: the same client and mix with one worker for ${m.baselineSeconds} s, on the same server just before. Latency is request sent → last body byte read.`,
    '',
    `| request | requests | 2xx | 4xx | of which 429 | 5xx | p50 | p99 | max | one worker (baseline): p50 / p99 | ${m.workers} workers ÷ one: p50 / p99 |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...MIXED_KINDS.map((kind) => mixedRow(kind === 'apps' ? '`/apps`' : kind, loaded.kinds[kind], baseline.kinds[kind])),
    mixedRow('all but logins', loaded.withoutLogins, baseline.withoutLogins),
    mixedRow('**all**', loaded.all, baseline.all),
    '',
    `Throughput ${perSecond(loaded)} requests/s (one worker: ${perSecond(baseline)}/s); ${((ranges?.bytes ?? 0) / 2 ** 20).toFixed(0)} MiB of ranges served; ${loaded.all.transportErrors} transport errors; ${loaded.all.stale} answers marked stale (\`x-updateforge-stale\`).`,
    '',
    `| server memory | before (idle) | peak during the ${m.workers}-worker load (VmRSS every 200 ms) | peak since start (VmHWM) | 1 s after |`,
    '| --- | ---: | ---: | ---: | ---: |',
    `| \`updateforge serve\` | ${mib(m.rss.beforeMiB)} | ${mib(m.rss.peakMiB)} | ${mib(m.rss.hwmMiB)} | ${mib(m.rss.afterMiB)} |`,
    '',
    `**${m.workers} workers, ${loaded.all.requests.toLocaleString('en-US')} requests: ${countStatus(loaded.all, (s) => s >= 500)} 5xx, ${loaded.all.transportErrors} transport errors, ${countStatus(loaded.all, (s) => s === 429)} 429s.`,
    `p99 of all requests ${ms(loaded.all.p99Ms)} ms, ${times(loaded.all.p99Ms, baseline.all.p99Ms)} the one-worker baseline's; all but logins ${ms(loaded.withoutLogins.p99Ms)} ms, ${times(loaded.withoutLogins.p99Ms, baseline.withoutLogins.p99Ms)} (p50 ${times(loaded.withoutLogins.p50Ms, baseline.withoutLogins.p50Ms)}).`,
    `Server RSS ${mib(m.rss.beforeMiB)} → peak ${mib(m.rss.peakMiB)} → ${mib(m.rss.afterMiB)} after.**`,
  ].join('\n');
}

export function floodSection(f: { seconds: number; floodSeconds: number; pauseMs: number; idle: ClientReport; floods: readonly FloodRun[] }): string {
  const floodRows = f.floods.map(({ label, flood }) => {
    const s = flood.kinds['flood'] ?? flood.all;
    const c = (test: (status: number) => boolean) => countStatus(s, test);
    return `| ${label} | ${s.requests.toLocaleString('en-US')} | ${Math.round(s.requests / flood.seconds).toLocaleString('en-US')} | ${c((x) => x === 401)} | ${c((x) => x === 429)} | ${s.retryAfter} | ${c((x) => x !== 401 && x !== 429)} | ${s.transportErrors} | ${ms(s.p50Ms)} / ${ms(s.p99Ms)} ms |`;
  });
  const controlRows = PROBE_KINDS.map((kind) => {
    const idle = f.idle.kinds[kind];
    const cells = f.floods.map(({ control }) => {
      const s = control.kinds[kind];
      if (!s || !idle) return '–';
      const odd = oddStatuses(s);
      return `${ms(s.p50Ms)} / ${ms(s.p99Ms)} ms (${times(s.p50Ms, idle.p50Ms)} / ${times(s.p99Ms, idle.p99Ms)}, n = ${s.requests})${odd ? `; ${odd}` : ''}`;
    });
    const idleOdd = idle ? oddStatuses(idle) : '';
    const idleCell = idle ? `${ms(idle.p50Ms)} / ${ms(idle.p99Ms)} ms (n = ${idle.requests})${idleOdd ? `; ${idleOdd}` : ''}` : '–';
    return `| ${kind === 'apps' ? '`/apps`' : kind} | ${idleCell} | ${cells.join(' | ')} |`;
  });
  const attempts = f.floods.reduce((n, { flood }) => n + flood.all.requests, 0);
  const refused = f.floods.reduce((n, { flood }) => n + countStatus(flood.all, (s) => s === 429), 0);
  const checked = f.floods.reduce((n, { flood }) => n + countStatus(flood.all, (s) => s === 401), 0);
  const idleDownload = f.idle.kinds['ranged download'];
  const downloadRatios = f.floods.map(({ control }) => times(control.kinds['ranged download']?.p99Ms ?? NaN, idleDownload?.p99Ms ?? NaN));
  const idleLogin = f.idle.kinds['login'];
  // A login refused with 429 is quick, so a p50 ratio would make refusals look like speed: say how many were refused instead.
  const loginRatios = f.floods.map(({ control }) => {
    const login = control.kinds['login'];
    const refusals = countStatus(login, (s) => s === 429);
    return login && refusals * 2 > login.requests ? `refused ${refusals} of ${login.requests}` : times(login?.p50Ms ?? NaN, idleLogin?.p50Ms ?? NaN);
  });
  const loginRefused = f.floods.reduce((n, { control }) => n + countStatus(control.kinds['login'], (s) => s === 429), 0);
  return [
    `Login flood (security finding F1: before the fix, a flood of wrong passwords took other testers' ranged downloads from 2.7 ms to 5.8 s, because scrypt and file reads share libuv's thread pool).`,
    `A second process sends wrong-password logins with no back-off for ${f.floodSeconds} s, in the shapes below: a new email each time from one client address; a new email from a new address each time, wider than the password-hashing queue's waiting room (a spread-out flood no per-key throttle can see, so only that bounded queue stands between it and file reads); and at one account from one address (last, as it locks that account out for a while).`,
    `Meanwhile a control tester (a third process, its own address) makes each request below in its own loop, one at a time with ${f.pauseMs} ms between, for ${f.seconds} s: a ranged download, \`/apps\`, an icon, its own login, and the login, right password, of the account the one-account flood aims at ("victim login").`,
    'Idle baseline: the same control on the same server just before, with no flood.',
    '',
    `| flood | attempts | per second | 401 | 429 | 429 with Retry-After | other | transport errors | attempt p50 / p99 |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...floodRows,
    '',
    `| control request | idle: p50 / p99 | ${f.floods.map((r) => `during “${r.label}”: p50 / p99 (÷ idle)`).join(' | ')} |`,
    `| --- | ---: | ${f.floods.map(() => '---:').join(' | ')} |`,
    ...controlRows,
    '',
    `Answers marked stale (\`x-updateforge-stale\`) to the control: idle ${f.idle.all.stale}, during the floods ${f.floods.map((r) => r.control.all.stale).join(' / ')}. Server peak RSS during each flood: ${f.floods.map((r) => mib(r.peakMiB)).join(' / ')}.`,
    '',
    `**During the ${f.floods.length} floods the control's ranged-download p99 was ${downloadRatios.join(', ')} its idle p99, and its own login's p50 ${loginRatios.join(', ')} (${loginRefused} of its logins refused with 429 in all); of ${attempts.toLocaleString('en-US')} flood attempts ${refused.toLocaleString('en-US')} were refused with 429 and ${checked.toLocaleString('en-US')} reached a password check (401).**`,
  ].join('\n');
}
