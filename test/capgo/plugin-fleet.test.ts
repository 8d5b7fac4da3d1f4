import { beforeAll, describe, expect, test } from 'vitest';
import type { VersionRecord } from '../../src/feed/version-record.js';
import { serve } from '../helpers/server.js';
import type { Json } from '../helpers/capgo/plugin-answers.js';
import { AppCrash, InstallFailure, sha256Hex } from '../helpers/capgo/plugin-crypto.js';
import { FLEET } from '../helpers/capgo/plugin-fleet.js';
import type { DeviceState, PluginModel } from '../helpers/capgo/plugin-model.js';
import { DELTA_FILES_1, DELTA_FILES_2, FLEET_APPS, startFleetFeed, type FleetApp } from '../helpers/capgo/fleet-feed.js';
import { installDelta, type DeltaResult, type RawGet } from '../helpers/capgo/plugin-delta.js';
import { unzipFiles } from '../helpers/unzip-buffer.js';
import { get as httpGet } from 'node:http';

/**
 * Every plugin build in the field (test/helpers/capgo/plugin-fleet.ts) against every kind
 * of bundle: the update check as that build sends it, the answer read as it reads it,
 * the bundle downloaded, decrypted and verified with its own algorithm.
 *
 * The invariant: no combination ends in a failed install (or a crash). Whether a build
 * *can* take a bundle is worked out from the models alone: some checksum the bundle
 * carries passes that build's own check. Where builds send identical requests, the
 * server cannot tell them apart, so a bundle is owed only when one checksum passes on
 * all of them; otherwise a clean "no update" is the right answer.
 */

type Feed = Awaited<ReturnType<typeof startFleetFeed>>;
type Outcome =
  /** Installed from the zip at `url`. */
  | { readonly kind: 'installed'; readonly via: 'zip'; readonly zip: Buffer }
  /** Installed file by file from the answer's `manifest` (delta update). */
  | { readonly kind: 'installed'; readonly via: 'delta'; readonly files: Map<string, Buffer>; readonly delta: DeltaResult }
  | { readonly kind: 'stopped'; readonly events: readonly string[] }
  | { readonly kind: 'reset' }
  | { readonly kind: 'failed'; readonly why: string };

/** Capgo's own answer for a bundle that needs a newer native app (capgo@4bc7d83f:supabase/functions/_backend/plugin_runtime/utils/update.ts:519-528). */
const CAPGO_STORE_UPDATE: Json = { error: 'disable_auto_update_to_major', message: 'Cannot upgrade major version', major: true, version: '2.0.0', old: '1.0.0', kind: 'blocked' };

let feed: Feed;
const stored = new Map<string, Buffer>();

beforeAll(async () => {
  feed = await startFleetFeed();
  for (const version of Object.values(feed.bundles)) {
    stored.set(version.id, Buffer.from(await new Response(await feed.store.openAsset(version.file!.assetId)).arrayBuffer()));
  }
}, 120_000);

function device(model: PluginModel, app: FleetApp, state: Partial<DeviceState> = {}): DeviceState {
  return {
    deviceId: `${model.label}:${app}:${state.versionName ?? 'builtin'}:${state.publicKey ? 'key' : 'nokey'}`,
    appId: FLEET_APPS[app],
    versionName: 'builtin',
    versionBuild: '1.0.0',
    ...state,
  };
}

async function check(base: string, model: PluginModel, state: DeviceState) {
  const { body, headers } = model.request(state);
  const res = await fetch(`${base}/api/v1/updates`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Json };
}

/**
 * One GET as a socket returns it: no decoding, no redirects (plugin-delta.ts's RawGet). The
 * model adds what the build's own HTTP client does.
 */
const rawGet: RawGet = (url, headers) =>
  new Promise((resolve, reject) => {
    httpGet(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        const status = res.statusCode ?? 0;
        resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers: h }));
      });
    }).on('error', reject);
  });

/**
 * One update check, then what the plugin does with the answer, to the end: the zip at `url`, or,
 * when it reads an answer's `manifest`, each file (with what `cache` already holds).
 */
async function attempt(model: PluginModel, state: DeviceState, cache: ReadonlyMap<string, Buffer> = new Map()): Promise<Outcome> {
  const { status, json } = await check(feed.url, model, state);
  if (status !== 200) return { kind: 'failed', why: `HTTP ${status} ${JSON.stringify(json)}` };
  const reading = model.read(json);
  if (reading.kind === 'stop') return { kind: 'stopped', events: reading.events };
  if (reading.kind === 'reset') return reading;
  if (reading.kind === 'error') return { kind: 'failed', why: `${reading.reason}: ${JSON.stringify(json)}` };
  try {
    if (reading.manifest && model.delta) {
      const delta = await installDelta(model.delta, reading.manifest, { builtin: new Map(), cache }, rawGet);
      return { kind: 'installed', via: 'delta', files: delta.files, delta };
    }
    const res = await fetch(reading.url);
    if (res.status !== 200) return { kind: 'failed', why: `download answered ${res.status}` };
    return { kind: 'installed', via: 'zip', zip: model.installBundle(Buffer.from(await res.arrayBuffer()), reading, state.publicKey ?? '') };
  } catch (error) {
    if (error instanceof InstallFailure || error instanceof AppCrash) return { kind: 'failed', why: error.message };
    throw error;
  }
}

/** The files a device runs after an install, however it came. */
async function installedFiles(outcome: Outcome): Promise<Map<string, Buffer>> {
  if (outcome.kind !== 'installed') throw new Error(`expected an install, got ${JSON.stringify(outcome)}`);
  return outcome.via === 'delta' ? outcome.files : unzipFiles(outcome.zip);
}

const sameFiles = (a: ReadonlyMap<string, Buffer>, b: ReadonlyMap<string, Buffer>) => a.size === b.size && [...a].every(([name, bytes]) => b.get(name)?.equals(bytes));

/** The checksums (with the session key) a published bundle can be sent with. */
function answersFor(version: VersionRecord): { checksum: string; sessionKey: string }[] {
  const file = version.file!;
  if (!file.encryption) return [file.sha256, file.crc32 ?? '', ''].map((checksum) => ({ checksum, sessionKey: '' }));
  const { sessionKey, checksum, legacyChecksum } = file.encryption;
  return [checksum, legacyChecksum].flatMap((c) => (c ? [{ checksum: c, sessionKey }] : []));
}

/** Whether `model`'s own check passes `version` with `answer`. */
function passes(model: PluginModel, version: VersionRecord, answer: { checksum: string; sessionKey: string }, publicKey: string): boolean {
  try {
    model.installBundle(stored.get(version.id)!, answer, publicKey);
    return true;
  } catch {
    return false;
  }
}

/** What the server sees of a request: the models it cannot tell apart from this one. */
function lookalikes(model: PluginModel, state: DeviceState): PluginModel[] {
  const signature = (m: PluginModel) => {
    const { body, headers } = m.request(state);
    return JSON.stringify([body['platform'], body['plugin_version'], Object.keys(body).sort(), /^CapacitorUpdater\//.test(headers['user-agent'] ?? '')]);
  };
  const mine = signature(model);
  return FLEET.filter((m) => signature(m) === mine);
}

/** A bundle is owed when one checksum it carries passes every build that could have asked. */
function owed(model: PluginModel, version: VersionRecord, state: DeviceState): boolean {
  const group = lookalikes(model, state);
  return answersFor(version).some((answer) => group.every((m) => passes(m, version, answer, state.publicKey ?? '')));
}

const SCENARIOS: readonly { name: string; app: FleetApp; bundle: keyof Feed['bundles']; key: boolean; applies?: (m: PluginModel) => boolean; neverOffered?: true }[] = [
  { name: 'a plain bundle, app without a public key', app: 'plain', bundle: 'plain', key: false },
  { name: 'a plain bundle, app that declares it has no public key', app: 'unkeyed', bundle: 'unkeyed', key: false },
  // The declaration is a promise about the app, so its devices get only encrypted bundles, whatever their plugin could take.
  { name: 'a plain bundle published before its app declared encryptedBundles', app: 'keyed', bundle: 'keyed', key: true, neverOffered: true },
  // Without the declaration only a key_id tells the server the app has a key (README: "Live updates").
  { name: 'a plain bundle, app with an undeclared public key', app: 'plain', bundle: 'plain', key: true, applies: (m) => m.keyIdLength > 0 },
  { name: 'a bundle encrypted here (both checksum forms)', app: 'encrypted', bundle: 'encrypted', key: true },
  { name: 'a bundle encrypted by @capgo/cli for plugin 7.29 (base64 checksum)', app: 'legacy', bundle: 'legacy', key: true },
  { name: 'a bundle encrypted by @capgo/cli for plugin 7.30 (hex checksum)', app: 'v3', bundle: 'v3', key: true },
];

/** The zip a device must end up with for each bundle. */
function expectedZip(bundle: keyof Feed['bundles']): Buffer {
  if (bundle === 'legacy' || bundle === 'v3') return feed.zips[bundle];
  const version = feed.bundles[bundle];
  return stored.get(version.id)!;
}

describe.each(FLEET.map((m) => [m.label, m] as const))('capacitor-updater %s', (_label, model) => {
  describe.each(SCENARIOS.filter((s) => s.applies?.(model) ?? true).map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    test('installs it when it can, else stops cleanly; never a failed install', async () => {
      const state = device(model, scenario.app, scenario.key ? { publicKey: feed.publicKey } : {});
      const version = feed.bundles[scenario.bundle];
      const outcome = await attempt(model, state);
      expect(outcome.kind, outcome.kind === 'failed' ? outcome.why : '').not.toBe('failed');
      if (scenario.neverOffered) {
        expect(outcome.kind).toBe('stopped');
      } else if (owed(model, version, state)) {
        if (outcome.kind !== 'installed') throw new Error(`expected an install, got ${JSON.stringify(outcome)}`);
        // Encrypted bundles go out whole (README, "Delta updates"): only their zip can be checked against the plain one.
        if (scenario.bundle === 'encrypted') expect(outcome.via === 'zip' && sha256Hex(outcome.zip)).toBe(version.file!.encryption!.plainSha256);
        else if (outcome.via === 'zip') expect(outcome.zip.equals(expectedZip(scenario.bundle))).toBe(true);
        else expect(sameFiles(outcome.files, await unzipFiles(expectedZip(scenario.bundle)))).toBe(true);
      } else {
        expect(outcome.kind).toBe('stopped');
      }
    });
  });

  test('a bundle that needs a newer native app: a clean stop, with the events Capgo’s own answer raises', async () => {
    const capgo = model.read(CAPGO_STORE_UPDATE);
    const outcome = await attempt(model, device(model, 'native', { versionBuild: '1.0.0' }));
    expect(outcome).toEqual({ kind: 'stopped', events: capgo.kind === 'stop' ? capgo.events : [] });
    expect((await attempt(model, device(model, 'native', { versionBuild: '2.0.0' }))).kind).toBe('installed');
  });

  test(model.builtin ? 'a withdrawn bundle: sent back to the built-in one' : 'a withdrawn bundle: a clean stop (it cannot go back to builtin)', async () => {
    const outcome = await attempt(model, device(model, 'yanked', { versionName: '1.0.0' }));
    expect(outcome.kind).toBe(model.builtin ? 'reset' : 'stopped');
  });

  test('setChannel() to an open channel is kept and followed, or refused: never a false "ok"', async () => {
    const state = device(model, 'plain', { deviceId: `${model.label}:channel` });
    const { body, headers } = model.request(state);
    const res = await fetch(`${feed.url}/api/v1/channel_self`, { method: 'POST', headers, body: JSON.stringify({ ...body, channel: 'beta' }) });
    const json = (await res.json()) as Json;
    const { resolved, kept } = model.setChannel(res.status, json);
    // Builds that send the same request as one that does not keep the channel are refused too.
    const keeps = lookalikes(model, state).every((m) => m.persistsChannel);
    expect(resolved).toBe(keeps);
    expect(kept).toBe(keeps);
    if (!resolved) {
      expect(json).toMatchObject({ error: 'set_channel_unsupported', message: expect.stringContaining('update the plugin') });
      return;
    }
    const next = await attempt(model, { ...state, storedChannel: 'beta' });
    expect(sameFiles(await installedFiles(next), await unzipFiles(stored.get(feed.bundles.beta.id)!))).toBe(true);
  });
});

/**
 * Whether a build takes a delta update safely, from its model alone: a file that fails must fail
 * the update (not be left out of an installed bundle: plugin-delta.ts `onEntryFailure`,
 * `transportErrorIgnored`). The server can only send one form to builds it cannot tell apart.
 */
function deltaOwed(model: PluginModel, state: DeviceState): boolean {
  const rules = lookalikes(model, state).map((m) => m.delta);
  const safe = rules.every((r) => r !== null && r.onEntryFailure === 'fail-update' && !r.transportErrorIgnored);
  return safe && new Set(rules.map((r) => r?.brotli)).size === 1;
}

describe.each(FLEET.map((m) => [m.label, m] as const))('capacitor-updater %s, a one-file change (delta updates)', (_label, model) => {
  test('1.0.0 then 1.0.1: file by file where it can take that safely, the whole zip otherwise; never a failed install, and no file it holds fetched again', async () => {
    // 1.0.0 on the app's default channel, 1.0.1 on "beta", which the device then sets in capacitor.config.
    const first = device(model, 'delta');
    const one = await attempt(model, first);
    expect(one.kind, one.kind === 'failed' ? one.why : '').toBe('installed');
    expect(sameFiles(await installedFiles(one), DELTA_FILES_1)).toBe(true);
    expect(one.kind === 'installed' && one.via, 'took the manifest').toBe(deltaOwed(model, first) ? 'delta' : 'zip');
    if (!model.sendsDefaultChannel) return; // it cannot name the channel 1.0.1 is on

    const second: DeviceState = { ...first, versionName: '1.0.0', configChannel: 'beta' };
    const cache = one.kind === 'installed' && one.via === 'delta' ? one.delta.cacheWrites : new Map<string, Buffer>();
    const two = await attempt(model, second, cache);
    expect(two.kind, two.kind === 'failed' ? two.why : '').toBe('installed');
    expect(sameFiles(await installedFiles(two), DELTA_FILES_2)).toBe(true);
    if (two.kind === 'installed' && two.via === 'delta') {
      // What the first install cached is reused: only the changed file comes over the network.
      expect(two.delta.downloaded).toEqual(['js/app.js']);
      expect(two.delta.reused.length).toBe(DELTA_FILES_2.size - 1);
    } else {
      expect(deltaOwed(model, second)).toBe(false);
    }
  });
});

describe.each(FLEET.map((m) => [m.label, m] as const))('capacitor-updater %s polling too often', (_label, model) => {
  let base: string;
  beforeAll(async () => {
    base = (await serve({ store: feed.store, users: [], devicePolls: { burst: 1, perMinute: 1 } })).url;
  });

  test(
    model.on429 === 'retry-after' ? 'gets 429 with Retry-After, which it honours' : 'gets a cheap "up to date" instead of a 429 that would stop it calling until restart',
    async () => {
      const state = device(model, 'plain', { deviceId: `${model.label}:poller`, versionName: '1.0.0' });
      expect((await check(base, model, state)).status).toBe(200);
      const over = await check(base, model, state);
      if (model.on429 === 'retry-after') {
        expect(over.status).toBe(429);
        expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      } else {
        expect(over.status).toBe(200);
        expect(model.read(over.json)).toEqual({ kind: 'stop', events: [] });
      }
    },
  );
});
