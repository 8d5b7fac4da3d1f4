import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from './processes.js';

/** The parts of V8's `.cpuprofile` (what `node --cpu-prof` writes) a summary needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFrame {
  /** `function (file:line)`, the file relative to the project or Node's own `node:` name. */
  readonly frame: string;
  /** Share of the busy (non-idle) time spent in this frame itself. */
  readonly selfShare: number;
}

export interface ProfileSummary {
  readonly busyMs: number;
  readonly frames: readonly HotFrame[];
  /** Busy time by where the code lives: our `src/`, each package, Node itself, V8 (GC, program). */
  readonly byArea: readonly HotFrame[];
}

function where(url: string): string {
  if (url === '') return '';
  const file = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  return file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
}

/** `node_modules/srvx/dist/...` → `srvx`; `build/src/server/x.js` → `src/server/x.js`; `node:internal/...` → `node`. */
function area(file: string, functionName: string): string {
  if (file === '') return functionName.startsWith('(') ? `V8 ${functionName}` : 'V8 (native)';
  if (file.startsWith('node:')) return 'Node.js';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return `package ${pkg[1]}`;
  return file.replace(/^build\//, '').replace(/\/[^/]+$/, '/');
}

/** Self time per frame of the newest profile in `dir`, idle time left out. */
export async function summariseProfile(dir: string, top = 12): Promise<ProfileSummary> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const newest = files.at(-1);
  if (!newest) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(await readFile(path.join(dir, newest), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const frames = new Map<string, number>();
  const areas = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id);
    const micros = profile.timeDeltas[i] ?? 0;
    if (!frame || frame.functionName === '(idle)') return;
    busy += micros;
    const file = where(frame.url);
    const name = `${frame.functionName || '(anonymous)'}${file ? ` (${file}:${frame.lineNumber + 1})` : ''}`;
    frames.set(name, (frames.get(name) ?? 0) + micros);
    const a = area(file, frame.functionName);
    areas.set(a, (areas.get(a) ?? 0) + micros);
  });
  const ranked = (m: Map<string, number>, n: number): HotFrame[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([frame, micros]) => ({ frame, selfShare: micros / busy }));
  return { busyMs: busy / 1000, frames: ranked(frames, top), byArea: ranked(areas, 8) };
}

/** The summary as Markdown lines: the top frames, then the time by area. */
export function profileLines(label: string, summary: ProfileSummary): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    `Top frames by self time, ${label} (${summary.busyMs.toFixed(0)} ms busy):`,
    '',
    '| frame | self |',
    '| --- | ---: |',
    ...summary.frames.map((f) => `| \`${f.frame.replace(/\|/g, '\\|')}\` | ${pct(f.selfShare)} |`),
    '',
    `By area: ${summary.byArea.map((a) => `${a.frame} ${pct(a.selfShare)}`).join(', ')}.`,
  ];
}
