/**
 * How real capacitor-updater plugins read an update-check answer in their background
 * (auto-update) path, per era, from the plugin's source at the cited tags
 * (`A/`, `iP/`, `iS/` as in plugin-crypto.ts). Android reads the body into a map and
 * tests key *presence* (`has`); iOS decodes `AppVersionDec` and tests for nil / "".
 */

import type { DeltaRules, ParsedEntry } from './plugin-delta.js';

export type Json = Record<string, unknown>;

/** What the plugin makes of an answer. */
export type Reading =
  /** A no-update answer it recognises; `events` are what it emits to the app (majorAvailable, breakingAvailable). */
  | { readonly kind: 'stop'; readonly events: readonly string[] }
  | {
      readonly kind: 'download';
      readonly version: string;
      readonly url: string;
      readonly checksum: string;
      readonly sessionKey: string;
      /** The `manifest` as this build parsed it; null when it ignores the key or takes the full zip (plugin-delta.ts). */
      readonly manifest: readonly ParsedEntry[] | null;
    }
  /** `{"version":"builtin"}`: back to the assets shipped in the app. */
  | { readonly kind: 'reset' }
  /** Neither: the plugin logs a failure (`download_fail`), e.g. "Error no url or wrong format". */
  | { readonly kind: 'error'; readonly reason: string };

export type AnswerReader = (json: Json) => Reading;

/** Which keys of an update answer stop the background update, and what else the era does. */
export type StopRule =
  /** Any `message` stops (5.0 → 6.14.24, 7.0.x, Feb-2025 and May-2023 "8.0.0"): 5.9.5:A/CapacitorUpdaterPlugin.java:1125, 7.0.2:A/CapacitorUpdaterPlugin.java:1033, 7b50db23:A/CapacitorUpdaterPlugin.java:1033; iOS 7.0.2:iP/CapacitorUpdaterPlugin.swift:750. `error` alone is ignored. */
  | 'message'
  /** `error`, then `message` (6.14.25 → 6.25.4, 7.9 → 7.24): 6.14.26:A/CapacitorUpdaterPlugin.java:1051,1079; 7.24.0:A/CapacitorUpdaterPlugin.java:1583,1610. */
  | 'error-then-message'
  /** `error` only, `message` ignored (5.10 → 5.45.9, 6.25.5 →, 7.27.9 → 8.45.10): 7233d9de:A/CapacitorUpdaterPlugin.java:1644; 7.27.9:A/CapacitorUpdaterPlugin.java:1629-1642; 6.25.5:A/CapacitorUpdaterPlugin.java:1634-1648. */
  | 'error'
  /** `error` or `kind` (5.45.10+, x.50 backports, 8.45.11+): 8.51.14:A/CapacitorUpdaterPlugin.java:4780; 8.51.14:iS/CapacitorUpdaterPlugin.swift:4293. */
  | 'error-or-kind';

/** Which no-update answers make the plugin tell the app a store update is out. */
export type BreakingEvents =
  | 'none'
  /** `message` + `major == true` + `version` → majorAvailable (5.0.0:A/CapacitorUpdaterPlugin.java:842-851, 7b50db23:A/CapacitorUpdaterPlugin.java:1035-1039). */
  | 'major-on-message'
  /** `message` + `version` + the *keys* `breaking`/`major` → both events; error answers never fire (6.14.28:A/CapacitorUpdaterPlugin.java:1612-1628, 7.24.0:A/CapacitorUpdaterPlugin.java:1612-1614; iOS: `breaking == true || major == true`, 7.24.0:iS/CapacitorUpdaterPlugin.swift:1197-1204). */
  | 'breaking-on-message'
  /** Android 8.46+/x.50: error answers keep only error, kind, message, version (8.51.14:A/CapgoUpdater.java:2250-2291); fire on error=="disable_auto_update_to_major" or message=="store_update_required", only with a version (8.51.14:A/CapacitorUpdaterPlugin.java:310-333). */
  | 'android-codes'
  /** iOS 8.46.2+/x.50: the same codes, or `breaking == true` (8.51.14:iS/CapacitorUpdaterPlugin.swift:4091-4104). */
  | 'ios-codes';

const has = (json: Json, key: string) => key in json;
const text = (value: unknown) => (typeof value === 'string' ? value : value == null ? '' : String(value));

/** Android `new URL(url)` must not throw (`isValidURL`, 5.0.0:A/CapacitorUpdaterPlugin.java:812-818); iOS `URL(string:)` must not be nil, and "" is (5.0.0:iP/CapacitorUpdaterPlugin.swift:516). */
const validUrl = (url: unknown) => typeof url === 'string' && URL.canParse(url);

/** iOS `AppVersionDec` is Decodable: a present key of the wrong type fails the whole answer (5.0.0:iP/CapacitorUpdater.swift:88-96; 8.51.14:iS/InternalUtils.swift:258-273). */
function iosDecodes(json: Json, hasManifest: boolean): boolean {
  const strings = ['version', 'checksum', 'url', 'message', 'error', 'session_key', 'kind', 'link', 'comment'];
  const bools = ['major', 'breaking'];
  return (
    strings.every((k) => json[k] == null || typeof json[k] === 'string') &&
    bools.every((k) => json[k] == null || typeof json[k] === 'boolean') &&
    (!hasManifest || iosManifestDecodes(json['manifest']))
  );
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const ENTRY_KEYS = ['file_name', 'file_hash', 'download_url'] as const;

/**
 * `let manifest: [ManifestEntry]?` with three `String?` fields (6.3.0:iP/CapacitorUpdater.swift:93-97,108;
 * 8.51.14:iS/InternalUtils.swift:237-241,269): null or absent is nil; anything but an array of objects whose
 * fields are strings or null fails the whole answer. Builds without the field ignore it (Decodable skips unknown keys).
 */
function iosManifestDecodes(value: unknown): boolean {
  if (value == null) return true;
  return Array.isArray(value) && value.every((e) => isObject(e) && ENTRY_KEYS.every((k) => e[k] == null || typeof e[k] === 'string'));
}

/** Android org.json `getString`/`optString`: any present value as a string, JSONObject.NULL as "null" (Android's JSON.toString). */
const javaString = (value: unknown): string => (typeof value === 'string' ? value : value === null ? 'null' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/**
 * The manifest as the build reads it, or an error the update ends in.
 * Android: `if (jsRes.has("manifest")) jsRes.getJSONArray("manifest")` (7.0.2:A/CapacitorUpdaterPlugin.java:1160-1162,
 * 8.51.14:A/CapacitorUpdaterPlugin.java:5017-5019): a present key that is not an array (null included) throws, and the
 * download thread ends in "Error downloading file" (8.51.14:A/CapacitorUpdaterPlugin.java:5039-5047); an element that is not
 * an object, or a missing `file_name`/`download_url` (and `file_hash` before `optString`), throws in the download worker
 * and fails the manifest (8.51.14:A/DownloadService.java:466-469,589-591). iOS: `res.manifest != nil`
 * (8.51.14:iS/CapacitorUpdaterPlugin.swift:4374), decoded above; an empty array is still a manifest on both.
 */
function readManifest(json: Json, platform: 'android' | 'ios', delta: DeltaRules): { manifest: ParsedEntry[] | null } | { error: string } {
  const value = json['manifest'];
  if (platform === 'ios') {
    if (value == null) return { manifest: null };
    return {
      manifest: (value as Record<string, unknown>[]).map((e) => ({
        file_name: (e['file_name'] as string | null | undefined) ?? null,
        file_hash: (e['file_hash'] as string | null | undefined) ?? null,
        download_url: (e['download_url'] as string | null | undefined) ?? null,
      })),
    };
  }
  if (!('manifest' in json)) return { manifest: null };
  if (!Array.isArray(value)) return { error: 'Error downloading file (manifest is not a JSONArray)' };
  const entries: ParsedEntry[] = [];
  for (const e of value) {
    if (!isObject(e)) return { error: 'download_fail (manifest element is not a JSONObject)' };
    if (!('file_name' in e) || !('download_url' in e)) return { error: 'download_fail (manifest entry without file_name or download_url)' };
    if (!('file_hash' in e) && delta.fields === 'android-get') return { error: 'download_fail (manifest entry without file_hash)' };
    entries.push({ file_name: javaString(e['file_name']), file_hash: 'file_hash' in e ? javaString(e['file_hash']) : '', download_url: javaString(e['download_url']) });
  }
  return { manifest: entries };
}

function events(rule: BreakingEvents, platform: 'android' | 'ios', json: Json, inErrorBranch: boolean): string[] {
  const version = text(json['version']);
  switch (rule) {
    case 'none':
      return [];
    case 'major-on-message':
      return !inErrorBranch && json['major'] === true && version !== '' ? ['majorAvailable'] : [];
    case 'breaking-on-message': {
      // Android tests the keys' presence, iOS their value.
      const flagged = platform === 'android' ? 'breaking' in json || 'major' in json : json['breaking'] === true || json['major'] === true;
      return !inErrorBranch && version !== '' && flagged ? ['breakingAvailable', 'majorAvailable'] : [];
    }
    case 'android-codes':
      return version !== '' && (json['error'] === 'disable_auto_update_to_major' || json['message'] === 'store_update_required') ? ['breakingAvailable', 'majorAvailable'] : [];
    case 'ios-codes':
      return json['breaking'] === true || json['error'] === 'disable_auto_update_to_major' || json['message'] === 'store_update_required'
        ? ['breakingAvailable', 'majorAvailable']
        : [];
  }
}

/**
 * A plugin's background answer reader. `builtin`: whether `{"version":"builtin"}`
 * resets (6.2.0:A/CapacitorUpdaterPlugin.java:1153, 7.0.2:A/CapacitorUpdaterPlugin.java:1051,
 * 7233d9de:A/CapacitorUpdaterPlugin.java:1671; absent before 6.2.0, in 5.0–5.9 and 7.0.0/7.0.1,
 * where it ends in "Error no url": 6.1.32:A/CapacitorUpdaterPlugin.java:1151-1162).
 */
export function answerReader(options: {
  platform: 'android' | 'ios';
  stop: StopRule;
  events: BreakingEvents;
  builtin: boolean;
  /** The build's delta rules; null when it ignores `manifest` (plugin-delta.ts). */
  delta?: DeltaRules | null;
}): AnswerReader {
  const { platform, stop, builtin } = options;
  const delta = options.delta ?? null;
  // Android tests the key's presence (`jsRes.has("error")`: 7.30.0:A/CapacitorUpdaterPlugin.java:1644); iOS compares the
  // decoded string with "" (`res.error != ""`: 7.30.0:iS/CapacitorUpdaterPlugin.swift:1263), so an empty error is no error there.
  const present = (json: Json, key: string) => (platform === 'android' ? has(json, key) : text(json[key]) !== '');
  return (json) => {
    if (platform === 'ios' && !iosDecodes(json, delta !== null)) return { kind: 'error', reason: 'response_error (AppVersionDec decoding)' };
    const errorStops = stop !== 'message' && present(json, 'error');
    const kindStops = stop === 'error-or-kind' && present(json, 'kind');
    if (errorStops || kindStops) return { kind: 'stop', events: events(options.events, platform, json, true) };
    if ((stop === 'message' || stop === 'error-then-message') && present(json, 'message')) return { kind: 'stop', events: events(options.events, platform, json, false) };
    if (builtin && json['version'] === 'builtin') return { kind: 'reset' };
    // `url` is validated before the manifest is looked at, and still must be valid with one (8.51.14:A/CapacitorUpdaterPlugin.java:4874
    // vs :5017; 8.51.14:iS/CapacitorUpdaterPlugin.swift:4348 vs :4374), though the zip is then never fetched.
    if (!validUrl(json['url'])) return { kind: 'error', reason: 'Error no url or wrong format' };
    let manifest: ParsedEntry[] | null = null;
    if (delta !== null) {
      const read = readManifest(json, platform, delta);
      if ('error' in read) return { kind: 'error', reason: read.error };
      manifest = read.manifest;
    }
    return { kind: 'download', version: text(json['version']), url: text(json['url']), checksum: text(json['checksum']), sessionKey: text(json['session_key']), manifest };
  };
}
