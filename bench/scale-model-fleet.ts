import { createHash } from 'node:crypto';
import { errorMessage } from '../src/util/error-message.js';
import { APP, ORIGIN, type Tester } from './scale-model-deployment.js';

/** Sends one request to the deployment (whichever instance is next). */
export type Send = (request: Request) => Promise<Response>;
/** One simulated client's request (or chain of requests) due in a step. */
export type Action = () => Promise<void>;

/** Counts by name: `poll`, `poll:up_to_date`, `download:failed`, `apps:500`, ... */
export class Tally {
  private readonly counts = new Map<string, number>();
  /** The first error each kind of request failed with, for the report. */
  readonly firstErrors = new Map<string, string>();

  add(key: string, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** The counts whose names pass `test`, for the report's "anything unexpected" line. */
  matching(test: (key: string) => boolean): [string, number][] {
    return [...this.counts].filter(([key]) => test(key));
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** Reads a response to its end: a client that drops bodies would leave proxied downloads half-sent. */
async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Runs `work`, counting a thrown error (a transport failure, never an HTTP status) as `${kind}:error`. */
async function guarded(tally: Tally, kind: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    tally.add(`${kind}:error`);
    if (!tally.firstErrors.has(kind)) tally.firstErrors.set(kind, errorMessage(error));
  }
}

function noteAnswer(tally: Tally, kind: string, response: Response): void {
  tally.add(kind);
  if (response.headers.get('x-updateforge-stale')) tally.add(`${kind}:stale`);
}

interface Offer {
  readonly device: number;
  readonly url: string;
  readonly checksum: string;
  readonly version: string;
}

/**
 * The devices: each checks for an update every `pollEverySteps`, at its own random phase, with the
 * body a Capgo plugin 8 sends; when offered a bundle it downloads it within `downloadWithinSteps`
 * through the link it was given (following a redirect to GitHub's signed URL itself, as the plugin
 * does), checks the sha256, installs it and reports the `set` statistic. A failed download is
 * given up until the next check.
 */
export class Devices {
  /** Device numbers ordered by poll phase; `phaseStart[p]` is where phase p's devices begin. */
  private readonly byPhase: Int32Array;
  private readonly phaseStart: Int32Array;
  private readonly installed: Uint8Array;
  private readonly versions: string[];
  private readonly offers = new Map<number, Offer[]>();
  /** The step whose actions were last handed out: an answer that arrives later schedules its download after it. */
  private current = 0;

  constructor(private readonly options: { count: number; pollEverySteps: number; downloadWithinSteps: number; random: () => number; installed: string; send: Send; tally: Tally }) {
    const phases = Int32Array.from({ length: options.count }, () => Math.floor(options.random() * options.pollEverySteps));
    this.phaseStart = new Int32Array(options.pollEverySteps + 1);
    for (const p of phases) this.phaseStart[p + 1]!++;
    for (let p = 0; p < options.pollEverySteps; p++) this.phaseStart[p + 1]! += this.phaseStart[p]!;
    const fill = this.phaseStart.slice();
    this.byPhase = new Int32Array(options.count);
    phases.forEach((p, device) => (this.byPhase[fill[p]!++] = device));
    this.installed = new Uint8Array(options.count);
    this.versions = [options.installed];
  }

  /** The checks and downloads due at `step`. */
  actionsAt(step: number): Action[] {
    this.current = step;
    const actions: Action[] = [];
    const phase = step % this.options.pollEverySteps;
    for (let i = this.phaseStart[phase]!; i < this.phaseStart[phase + 1]!; i++) {
      const device = this.byPhase[i]!;
      actions.push(() => guarded(this.options.tally, 'poll', () => this.poll(device, step)));
    }
    for (const offer of this.offers.get(step) ?? []) actions.push(() => guarded(this.options.tally, 'download', () => this.download(offer)));
    this.offers.delete(step);
    return actions;
  }

  /** How many devices run `version`. */
  running(version: string): number {
    const index = this.versions.indexOf(version);
    return index < 0 ? 0 : this.installed.reduce((n, v) => n + (v === index ? 1 : 0), 0);
  }

  private info(device: number, version: string) {
    return {
      app_id: APP.packageName,
      device_id: `device-${device.toString(36).padStart(6, '0')}`,
      version_name: version,
      version_build: '1.0.0',
      version_code: '1',
      version_os: device % 2 ? '17.4' : '14',
      plugin_version: '8.51.14',
      platform: device % 2 ? 'ios' : 'android',
      is_emulator: false,
      is_prod: true,
    };
  }

  private post(route: string, body: unknown): Promise<Response> {
    return this.options.send(new Request(`${ORIGIN}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  }

  private async poll(device: number, step: number): Promise<void> {
    const { tally } = this.options;
    const response = await this.post('/api/v1/updates', this.info(device, this.versions[this.installed[device]!]!));
    noteAnswer(tally, 'poll', response);
    if (response.status !== 200) {
      await response.body?.cancel();
      return tally.add(`poll:${response.status}`);
    }
    const answer = (await response.json()) as { url?: string; version?: string; checksum?: string; kind?: string; error?: string };
    if (answer.url && answer.version && answer.checksum) {
      tally.add('poll:offered');
      const due = Math.max(step + 1 + Math.floor(this.options.random() * this.options.downloadWithinSteps), this.current + 1);
      const list = this.offers.get(due) ?? [];
      list.push({ device, url: answer.url, checksum: answer.checksum, version: answer.version });
      this.offers.set(due, list);
    } else tally.add(`poll:${answer.kind ?? 'other'}${answer.kind === 'up_to_date' ? '' : `:${answer.error ?? ''}`}`);
  }

  private async download(offer: Offer): Promise<void> {
    const { tally, send } = this.options;
    let response = await send(new Request(offer.url));
    noteAnswer(tally, 'download', response);
    const location = response.headers.get('location');
    if (response.status === 302 && location) {
      await response.body?.cancel();
      tally.add('download:redirected');
      // The device fetches GitHub's signed URL itself: a CDN download, not an API request.
      response = location.startsWith(ORIGIN) ? await send(new Request(location)) : await fetch(location);
    }
    const bytes = await bytesOf(response);
    if (response.status !== 200) return tally.add(`download:${response.status}`);
    if (sha256(bytes) !== offer.checksum) return tally.add('download:corrupt');
    const from = this.versions[this.installed[offer.device]!]!;
    let index = this.versions.indexOf(offer.version);
    if (index < 0) index = this.versions.push(offer.version) - 1;
    this.installed[offer.device] = index;
    tally.add('download:installed');
    const stats = await this.post('/api/v1/stats', { ...this.info(offer.device, offer.version), action: 'set', old_version_name: from });
    noteAnswer(tally, 'stats', stats);
    await stats.body?.cancel();
    if (stats.status !== 200) tally.add(`stats:${stats.status}`);
  }
}

interface TesterState {
  token: string | null;
  iconEtag: string | null;
  downloaded: string | null;
}

/**
 * The testers: each logs in once at a random moment of the first `loginWithinSteps`, then lists its
 * apps (and loads the app's icon, revalidating it) at login and every `listEverySteps`, and
 * downloads the app's current release build whenever the list shows one it has not got yet.
 */
export class Testers {
  private readonly due = new Map<number, number[]>();
  private readonly state: TesterState[];

  constructor(
    private readonly options: {
      testers: readonly Tester[];
      loginWithinSteps: number;
      listEverySteps: number;
      steps: number;
      random: () => number;
      /** The sha256 of each bundle by version id, to check what a tester got. */
      sha256Of: (versionId: string) => string | undefined;
      send: Send;
      tally: Tally;
    },
  ) {
    this.state = options.testers.map(() => ({ token: null, iconEtag: null, downloaded: null }));
    options.testers.forEach((_, tester) => {
      for (let step = Math.floor(options.random() * options.loginWithinSteps); step < options.steps; step += options.listEverySteps) {
        this.due.set(step, [...(this.due.get(step) ?? []), tester]);
      }
    });
  }

  actionsAt(step: number): Action[] {
    return (this.due.get(step) ?? []).map((tester) => () => guarded(this.options.tally, 'tester', () => this.visit(tester)));
  }

  private async visit(tester: number): Promise<void> {
    const { tally, send } = this.options;
    const state = this.state[tester]!;
    if (!state.token) {
      const { email, password } = this.options.testers[tester]!;
      const login = await send(
        new Request(`${ORIGIN}/api/v1/auth`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-real-ip': `10.1.${tester >> 8}.${tester & 255}` },
          body: JSON.stringify({ email, password }),
        }),
      );
      noteAnswer(tally, 'login', login);
      const body = (await login.json().catch(() => ({}))) as { token?: string };
      if (login.status !== 200 || !body.token) return tally.add(`login:${login.status}`);
      state.token = body.token;
    }
    const auth = { authorization: `Bearer ${state.token}` };
    const apps = await send(new Request(`${ORIGIN}/api/v1/apps`, { headers: auth }));
    noteAnswer(tally, 'apps', apps);
    if (apps.status !== 200) {
      await apps.body?.cancel();
      return tally.add(`apps:${apps.status}`);
    }
    const list = (await apps.json()) as { teams: { apps: { id: string; icon: string; release: { current: { id: string; hasFile: boolean } | null } }[] }[] };
    const app = list.teams[0]?.apps.find((a) => a.id === APP.id);
    if (!app) return tally.add('apps:missing');
    if (app.icon) {
      const icon = await send(new Request(`${ORIGIN}${app.icon}`, { headers: state.iconEtag ? { 'if-none-match': state.iconEtag } : {} }));
      noteAnswer(tally, 'icon', icon);
      await bytesOf(icon);
      if (icon.status !== 200 && icon.status !== 304) tally.add(`icon:${icon.status}`);
      state.iconEtag = icon.headers.get('etag') ?? state.iconEtag;
    }
    const current = app.release.current;
    if (!current?.hasFile || current.id === state.downloaded) return;
    const download = await send(new Request(`${ORIGIN}/api/v1/versions/${encodeURIComponent(current.id)}/download`, { headers: auth }));
    noteAnswer(tally, 'tester download', download);
    const bytes = await bytesOf(download);
    if (download.status !== 200) return tally.add(`tester download:${download.status}`);
    if (sha256(bytes) !== this.options.sha256Of(current.id)) return tally.add('tester download:corrupt');
    state.downloaded = current.id;
  }
}
