import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { InstallFailure } from './plugin-crypto.js';

/**
 * How each real capacitor-updater build plays an update answer that carries a
 * `manifest` (delta / partial update): `[{file_name, file_hash, download_url}]`.
 * Every rule is read from the plugin's source at the cited ref (`A/`, `iP/`, `iS/` as
 * in plugin-crypto.ts; `npm:` = the published tarball). The findings, with the per-build
 * table, are in docs/plugin-source-notes/plugin-delta.md.
 *
 * Not modelled: encrypted manifests (session_key + public key: UpdateForge never sends a
 * manifest for those), resuming a partial download with `Range` (8.51.13+ only, needs a
 * partial file from an earlier interrupted attempt), concurrency and timeouts.
 */

/** One element of `manifest`, as a server sends it. */
export interface ManifestEntry {
  readonly file_name: string;
  readonly file_hash: string;
  readonly download_url: string;
}

/** An element as a build decoded it: iOS keeps an absent (or null) field as nil (8.51.14:iS/InternalUtils.swift:237-241). */
export interface ParsedEntry {
  readonly file_name: string | null;
  readonly file_hash: string | null;
  readonly download_url: string | null;
}

/** The HTTP client a build fetches manifest files with, which decides the headers sent and the decoding done. */
export type DeltaClient =
  /** OkHttp with no interceptor (6.14.26, 7.0.2–7.0.37, Feb-2025 8.0.x: 7.0.2:A/DownloadService.java:55,364,369). OkHttp's own `User-Agent: okhttp/…`. */
  | 'okhttp'
  /** OkHttp with `User-Agent: CapacitorUpdater/<ver> (<appId>)` (7.9.0:A/DownloadService.java:72-82). */
  | 'okhttp-ua-short'
  /** OkHttp `sharedClient` with `CapacitorUpdater/<ver> (<appId>) android/<os>` (6.14.28:A/DownloadService.java:77-90, 8.51.14:A/DownloadService.java:96-105). */
  | 'okhttp-ua'
  /** Alamofire's default session `AF.download(url)` (7.0.2:iP/CapacitorUpdater.swift:440): Alamofire's default headers. */
  | 'alamofire-default'
  /** The plugin's own `alamofireSession` (ephemeral configuration, only `User-Agent` added: 7.24.0:iS/CapgoUpdater.swift:57-62, 8.51.14:iS/CapgoUpdater.swift:175-184). */
  | 'alamofire-session';

export interface DeltaRules {
  readonly platform: 'android' | 'ios';
  /** Where the rules were read (the representative ref of the era, `ref:path:line`). */
  readonly source: readonly string[];
  /**
   * Reading the entries. 'android-get': `getString` on all three (a missing key fails the whole
   * manifest; null → "null"): 7.0.2:A/DownloadService.java:162-164. 'android-opt-hash':
   * `optString("file_hash","")`, an empty hash fails that entry (8.45.11:A/DownloadService.java:316-322).
   * 'ios-skip': an entry missing any field is silently skipped (7.0.2:iP/CapacitorUpdater.swift:400-404).
   * 'ios-error': a missing name/url or missing/empty hash fails the update (8.51.14:iS/CapgoUpdater.swift:1409-1443).
   */
  readonly fields: 'android-get' | 'android-opt-hash' | 'ios-skip' | 'ios-error';
  /**
   * 'every-file': every downloaded file is brotli-decoded, whatever its name (7.0.2:A/DownloadService.java:397-408,
   * 7.0.2:iP/CapacitorUpdater.swift:471-475). 'br-suffix': only names ending `.br`, stored without it
   * (7.0.38:A/DownloadService.java:381-425, 7.0.38:iP/CapacitorUpdater.swift:407-416).
   */
  readonly brotli: 'every-file' | 'br-suffix';
  /**
   * The decoder's short cuts: empty input → empty file; `1B 00 06` (3 bytes) → empty; `1B 00 06 … 03` and
   * `0B 02 80 … 03` → the bytes between (6.14.26:A/DownloadService.java:468-500, 6.14.26:iP/CapacitorUpdater.swift:466-491).
   * Without them (7.0.2, Feb-2025 8.0.x) empty input is a decode failure.
   */
  readonly brotliShortcuts: boolean;
  /**
   * The check of a downloaded file's SHA-256 (lowercase hex of the final, decompressed bytes) against `file_hash`.
   * 'exact': Java `equals` / Swift `!=` (7.0.2:A/DownloadService.java:415, 8.51.14:iS/CapgoUpdater.swift:1708).
   * 'case-insensitive': `equalsIgnoreCase` (8.45.11:A/DownloadService.java:724, 8.51.14:A/DownloadService.java:1135).
   * 'encrypted-only': iOS checks only when the bundle is encrypted, so a plain manifest is never checked
   * (7.0.2:iP/CapacitorUpdater.swift:478-484, 8.2.0:iS/CapgoUpdater.swift:555-566).
   */
  readonly verify: 'exact' | 'case-insensitive' | 'encrypted-only';
  /**
   * The app's shipped web assets tried first. 'none': Android before 8.51.10 looks in `<filesDir>/public/<file_name>`
   * (7.0.2:A/DownloadService.java:141,168,177), a folder neither Capacitor nor the plugin fills, so it never hits.
   * 'public-raw': iOS `Bundle.main/public/<file_name>`, `.br` kept in the name so a `.br` entry never matches
   * (7.0.2:iP/CapacitorUpdater.swift:381,419,426; 8.51.14:iS/CapgoUpdater.swift:1477,1499).
   * 'public-stripped': the asset under its stripped name (Android APK `assets/public/`: 8.51.14:A/DownloadService.java:199-209,295-307,527;
   * iOS npm 6.51.16/8.51.23 `resolveManifestTargetPath(builtinFolder…)`: npm:8.51.23:iS/CapgoUpdater.swift:1558).
   */
  readonly builtin: 'none' | 'public-raw' | 'public-stripped';
  /** The builtin file's SHA-256 is compared exactly (iOS `verifyChecksum`: 8.51.14:iS/CapgoUpdater.swift:1200-1203) or case-insensitively (8.51.14:A/DownloadService.java:240). */
  readonly builtinCompare: 'exact' | 'case-insensitive';
  /**
   * The cache `capgo_downloads/{file_hash}_{basename}` (file_hash as sent, so its case matters).
   * 'raw-name': basename of file_name, `.br` kept (7.0.38:A/DownloadService.java:178). 'stripped+legacy': the stripped
   * basename, then the `.br` one (8.45.11:A/DownloadService.java:342-344, 8.51.14:iS/CapgoUpdater.swift:1462-1470).
   */
  readonly cacheName: 'raw-name' | 'stripped+legacy';
  /**
   * How a cache hit is trusted. 'rehash': its SHA-256 is recomputed and compared as `builtinCompare` (7.0.2:A/DownloadService.java:180,428).
   * 'exists': any non-empty file under a 64-hex-digit hash name (or empty for the empty SHA-256), no re-read
   * (8.51.14:A/CapgoUpdater.java:555-584, 8.51.14:iS/CapgoUpdater.swift:1265-1286).
   */
  readonly cacheTrust: 'rehash' | 'exists';
  /**
   * A reused (builtin or cached) `.br` entry is copied to `file_name` with the `.br` still on it, while a downloaded one
   * goes to the stripped name: `new File(destFolder, fileName)` (7.0.38:A/DownloadService.java:177,190-195) and
   * `destFolder.appendingPathComponent(fileName)` (7.0.38:iP/CapacitorUpdater.swift:353,409). Fixed where the target is the
   * stripped name (8.2.0:A/DownloadService.java:310, 8.2.0:iS/CapgoUpdater.swift:480).
   */
  readonly reuseKeepsBrSuffix: boolean;
  /** Which HTTP client fetches each file (headers and transparent decoding follow from it). */
  readonly client: DeltaClient;
  /**
   * Status codes taken as a body. '2xx': OkHttp `isSuccessful()` (7.0.2:A/DownloadService.java:370) or iOS
   * `200..<300` (7.0.2:iP/CapacitorUpdater.swift:447). '200-206': 200 or 206 only (8.51.14:A/DownloadService.java:863-868).
   */
  readonly statuses: '2xx' | '200-206';
  /**
   * What a failed entry does. 'fail-update': the whole update fails, `download_fail` (8.51.14:A/DownloadService.java:582-591,
   * 8.51.14:iS/CapgoUpdater.swift:1547-1557). 'drop-file': Android logs and reports success anyway, the bundle simply lacks the
   * file (7.0.2:A/DownloadService.java:218-223 catch without rethrow, then 7.0.2:A/DownloadService.java:101-102).
   */
  readonly onEntryFailure: 'fail-update' | 'drop-file';
  /** iOS: a transport error (no HTTP response) is only logged, the file is left out and the update goes on (7.0.2:iP/CapacitorUpdater.swift:496-498; fixed 7.26.0/6.25.3: 8.2.0:iS/CapgoUpdater.swift:578-580). */
  readonly transportErrorIgnored: boolean;
  /**
   * file_name → path. 'joined': appended to the bundle folder as is (no decoding; `..` can leave the folder)
   * (7.0.2:A/DownloadService.java:166, 7.0.2:iP/CapacitorUpdater.swift:418). 'contained': empty, `\`, NUL, absolute or escaping
   * names fail the entry (`manifest_path_fail`) (8.51.4:A/CapgoUpdater.java:274; 8.51.14:A/CapgoUpdater.java:290-310,
   * 8.51.14:iS/CapgoUpdater.swift:137-165).
   */
  readonly paths: 'joined' | 'contained';
  /** Two entries for one target fail the update (8.51.14:A/DownloadService.java:498-503); elsewhere the last write wins (concurrent: unordered). */
  readonly rejectsDuplicateTargets: boolean;
  /** Android moves a lone top-level folder up when it is not index.html (`flattenAssets`: 8.51.14:A/CapgoUpdater.java:378-399, 886). */
  readonly flattens: boolean;
  /** A full-zip install also fills the cache with `{sha256}_{basename}` of every file (8.51.14:A/CapgoUpdater.java:401-457,882; 8.51.14:iS/CapgoUpdater.swift:923-978). */
  readonly zipFillsCache: boolean;
}

/** What the device has before the update. */
export interface DeltaDevice {
  /** The web assets shipped in the app (Android `assets/public/`, iOS `App.app/public/`), by path. */
  readonly builtin: ReadonlyMap<string, Buffer>;
  /** `capgo_downloads/`: name (`{hash}_{basename}`) → bytes, as the plugin keeps it. */
  readonly cache?: ReadonlyMap<string, Buffer>;
  /** The User-Agent the build's interceptor sets (see plugin-model.ts); defaults to a representative one. */
  readonly userAgent?: string;
}

/**
 * Fetches one URL with NO transparent decoding and NO redirect following: the raw status,
 * headers and body bytes (what a socket returns). The model adds what the build's HTTP client does.
 */
export type RawGet = (url: string, headers: Record<string, string>) => Promise<Response>;

export interface DeltaResult {
  /** The new bundle: path → bytes. */
  readonly files: Map<string, Buffer>;
  /** file_names fetched over HTTP (the rest were reused or skipped). */
  readonly downloaded: string[];
  /** file_names taken from the app's assets or the cache. */
  readonly reused: string[];
  /** Entries left out without failing the update (ios-skip, drop-file, ignored transport errors). */
  readonly dropped: string[];
  /** What the plugin added to its cache. */
  readonly cacheWrites: Map<string, Buffer>;
  /** Requests made, in order, with the headers sent. */
  readonly requests: { url: string; headers: Record<string, string> }[];
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The headers each client sends on a first (non-resumed) GET. */
export function requestHeaders(client: DeltaClient, userAgent?: string): Record<string, string> {
  switch (client) {
    // OkHttp's BridgeInterceptor adds `Accept-Encoding: gzip` when the request has neither it nor Range,
    // and a default `User-Agent: okhttp/<ver>` (OkHttp's code, not the plugin's:
    // square/okhttp@0c46404b:okhttp/src/main/kotlin/okhttp3/internal/http/BridgeInterceptor.kt:67-71,78-80).
    case 'okhttp':
      return { 'accept-encoding': 'gzip', 'user-agent': 'okhttp/4.12.0' };
    case 'okhttp-ua-short':
      return { 'accept-encoding': 'gzip', 'user-agent': userAgent ?? 'CapacitorUpdater/7.9.0 (com.acme.rocket)' };
    case 'okhttp-ua':
      return { 'accept-encoding': 'gzip', 'user-agent': userAgent ?? 'CapacitorUpdater/8.51.14 (com.acme.rocket) android/14' };
    // Alamofire's `HTTPHeaders.default` on its default session: `defaultAcceptEncoding` is br, gzip, deflate with
    // `qualityEncoded()` weights (Alamofire/Alamofire@25e6832f:Source/Core/HTTPHeaders.swift, "MARK: - Defaults").
    case 'alamofire-default':
      return {
        'accept-encoding': 'br;q=1.0, gzip;q=0.9, deflate;q=0.8',
        'accept-language': 'en;q=1.0',
        'user-agent': 'Rocket/1.0 (com.acme.rocket; build:1; iOS 17.4.0) Alamofire/5.9.1',
      };
    // URLSession itself asks for gzip, deflate, br and decodes them (the OS's behaviour, not the plugin's: reported by
    // dotnet/macios#24924, "NSURLSession automatically decompresses content for supported encodings (gzip, deflate, br, zstd)").
    case 'alamofire-session':
      return { 'accept-encoding': 'gzip, deflate, br', 'user-agent': userAgent ?? 'CapacitorUpdater/8.51.14 (com.acme.rocket) ios/17.4' };
  }
}

/**
 * What the client hands the plugin: OkHttp un-gzips only what it asked gzip for (`Content-Encoding: gzip`, case-insensitive;
 * square/okhttp@0c46404b:okhttp/src/main/kotlin/okhttp3/internal/http/BridgeInterceptor.kt:91-106) and passes any other
 * coding through as raw bytes; URLSession decodes gzip, deflate and br itself (Apple's behaviour, reported in dotnet/macios#24924).
 */
function decodeBody(client: DeltaClient, contentEncoding: string | null, body: Buffer): Buffer {
  const coding = (contentEncoding ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity') return body;
  if (client.startsWith('okhttp')) return coding === 'gzip' ? gunzipSync(body) : body;
  if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(body);
  if (coding === 'deflate') {
    try {
      return inflateSync(body);
    } catch {
      return inflateRawSync(body);
    }
  }
  if (coding === 'br') return brotliDecompressSync(body);
  return body;
}

/** Follows redirects as OkHttp and URLSession do by default (up to 20), then returns the final raw response. */
async function fetchFollowing(get: RawGet, url: string, headers: Record<string, string>, log: DeltaResult['requests']): Promise<Response> {
  let current = url;
  for (let hop = 0; hop <= 20; hop++) {
    log.push({ url: current, headers });
    const response = await get(current, headers);
    const location = response.headers.get('location');
    if ([301, 302, 303, 307, 308].includes(response.status) && location) {
      current = new URL(location, current).toString();
      continue;
    }
    return response;
  }
  throw new Error(`too many redirects for ${url}`);
}

/** The plugin's brotli step (decoder plus, where present, its short cuts). Throws where the plugin fails. */
export function pluginBrotli(rules: Pick<DeltaRules, 'brotliShortcuts'>, data: Buffer): Buffer {
  if (rules.brotliShortcuts) {
    if (data.length === 0) return Buffer.alloc(0);
    if (data.length === 3 && data[0] === 0x1b && data[1] === 0x00 && data[2] === 0x06) return Buffer.alloc(0);
    if (data.length > 3 && data[data.length - 1] === 0x03) {
      const empty = data[0] === 0x1b && data[1] === 0x00 && data[2] === 0x06;
      const quality0 = data[0] === 0x0b && data[1] === 0x02 && data[2] === 0x80;
      if (empty || quality0) return data.subarray(3, data.length - 1);
    }
  } else if (data.length === 0) {
    throw new Error('brotli: empty input');
  }
  return brotliDecompressSync(data);
}

const stripBr = (name: string) => (name.endsWith('.br') ? name.slice(0, -3) : name);

/** Where a name lands in the bundle, or null when the build refuses it; `outside` when a 'joined' name escapes the folder. */
function placeFile(rules: DeltaRules, name: string): { path: string } | { outside: string } | null {
  if (rules.paths === 'contained') {
    if (name === '' || name.includes('\\') || name.includes('\0') || name.startsWith('/')) return null;
    const normal = posix.normalize(name);
    if (normal === '.' || normal === '..' || normal.startsWith('../')) return null;
    return { path: normal.replace(/\/$/, '') };
  }
  // Java `new File(dir, name)` and Swift `appendingPathComponent` join literally; a leading "/" is just a separator.
  const normal = posix.normalize(name.replace(/^\/+/, ''));
  if (normal === '..' || normal.startsWith('../')) return { outside: name };
  return { path: normal.replace(/\/$/, '') };
}

function hashMatches(mode: 'exact' | 'case-insensitive', expected: string, actual: string): boolean {
  return mode === 'exact' ? expected === actual : expected.toLowerCase() === actual.toLowerCase();
}

/** A cache file is trusted (`cacheTrust`). */
function cacheHit(rules: DeltaRules, bytes: Buffer | undefined, hash: string): boolean {
  if (!bytes) return false;
  if (rules.cacheTrust === 'exists') {
    if (!/^[0-9a-fA-F]{64}$/.test(hash)) return false;
    return bytes.length > 0 || hash.toLowerCase() === sha256(Buffer.alloc(0));
  }
  return hashMatches(rules.builtinCompare, hash, sha256(bytes));
}

class EntryFailure extends Error {}

/**
 * Plays a delta install as the build would: reuses what the device has, downloads the rest
 * with `get` (raw, see RawGet), decodes/decompresses/verifies; returns the new bundle.
 * Throws InstallFailure where the plugin would fail the update (a failed entry in
 * 'fail-update' builds, or a bundle without index.html at its root, which `set` refuses:
 * 8.51.14:A/CapgoUpdater.java:1719, 6.3.0:A/CapacitorUpdater.java:852-861).
 */
export async function installDelta(rules: DeltaRules, entries: readonly ParsedEntry[], device: DeltaDevice, get: RawGet): Promise<DeltaResult> {
  const files = new Map<string, Buffer>();
  const result: DeltaResult = { files, downloaded: [], reused: [], dropped: [], cacheWrites: new Map(), requests: [] };
  const cache = new Map(device.cache ?? []);
  const failures: string[] = [];
  const targets = new Set<string>();

  const fail = (name: string, why: string) => {
    if (rules.onEntryFailure === 'drop-file') result.dropped.push(name);
    else failures.push(`${name}: ${why}`);
  };

  for (const entry of entries) {
    const { file_name: name, download_url: url } = entry;
    let hash = entry.file_hash;
    if (name === null || url === null || hash === null) {
      if (rules.fields === 'ios-skip') {
        result.dropped.push(name ?? '(no file_name)');
        continue;
      }
      // Android fails the whole manifest on a missing key (getString throws) — the answer reader reports it;
      // 'android-opt-hash' turns a missing hash into "".
      if (rules.fields === 'android-opt-hash' && name !== null && url !== null) hash = '';
      else {
        failures.push(`${name ?? '(no file_name)'}: missing field`);
        continue;
      }
    }
    if (hash === '' && (rules.fields === 'android-opt-hash' || rules.fields === 'ios-error')) {
      failures.push(`${name}: missing file_hash`);
      continue;
    }

    const isBr = rules.brotli === 'br-suffix' && name.endsWith('.br');
    const place = placeFile(rules, isBr ? stripBr(name) : name);
    if (place === null) {
      failures.push(`${name}: manifest_path_fail`);
      continue;
    }
    if (rules.rejectsDuplicateTargets && 'path' in place) {
      if (targets.has(place.path)) {
        failures.push(`${name}: duplicate target`);
        continue;
      }
      targets.add(place.path);
    }
    const reusedPlace = rules.reuseKeepsBrSuffix ? placeFile(rules, name) : place;
    const put = (where: ReturnType<typeof placeFile>, bytes: Buffer) => {
      if (where && 'path' in where) files.set(where.path, bytes);
    };

    // 1. The app's own assets.
    const builtinName = rules.builtin === 'public-raw' ? name : rules.builtin === 'public-stripped' ? stripBr(name) : null;
    const builtin = builtinName === null ? undefined : device.builtin.get(posix.normalize(builtinName.replace(/^\/+/, '')));
    if (builtin && hashMatches(rules.builtinCompare, hash, sha256(builtin))) {
      put(reusedPlace, builtin);
      result.reused.push(name);
      continue;
    }
    // 2. The cache.
    const base = posix.basename(name);
    const cacheNames = rules.cacheName === 'raw-name' ? [`${hash}_${base}`] : isBr ? [`${hash}_${stripBr(base)}`, `${hash}_${base}`] : [`${hash}_${base}`];
    if (rules.cacheTrust === 'exists' && !/^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{8}$/.test(hash)) cacheNames.length = 0; // isSafeCacheHash
    const cached = cacheNames.map((n) => cache.get(n)).find((bytes) => cacheHit(rules, bytes, hash!));
    if (cached) {
      put(reusedPlace, cached);
      result.reused.push(name);
      continue;
    }
    // 3. Download.
    try {
      let response: Response;
      try {
        response = await fetchFollowing(get, url, requestHeaders(rules.client, device.userAgent), result.requests);
      } catch (error) {
        if (rules.transportErrorIgnored) {
          result.dropped.push(name);
          continue;
        }
        throw new EntryFailure(`transport: ${(error as Error).message}`);
      }
      const status = response.status;
      const accepted = rules.statuses === '2xx' ? status >= 200 && status < 300 : status === 200 || status === 206;
      if (!accepted) throw new EntryFailure(`HTTP ${status}`);
      const raw = Buffer.from(await response.arrayBuffer());
      let body: Buffer;
      try {
        body = decodeBody(rules.client, response.headers.get('content-encoding'), raw);
      } catch (error) {
        throw new EntryFailure(`content-encoding: ${(error as Error).message}`);
      }
      result.downloaded.push(name);
      let bytes = body;
      if (rules.brotli === 'every-file' || isBr) {
        try {
          bytes = pluginBrotli(rules, body);
        } catch (error) {
          throw new EntryFailure(`download_manifest_brotli_fail: ${(error as Error).message}`);
        }
      }
      const actual = sha256(bytes);
      if (rules.verify !== 'encrypted-only' && !hashMatches(rules.verify, hash, actual)) {
        throw new EntryFailure(`download_manifest_checksum_fail: expected ${hash} got ${actual}`);
      }
      put(place, bytes);
      const cacheName = rules.cacheName === 'raw-name' ? `${hash}_${base}` : `${hash}_${isBr ? stripBr(base) : base}`;
      if (rules.cacheTrust !== 'exists' || /^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{8}$/.test(hash)) {
        result.cacheWrites.set(cacheName, bytes);
        cache.set(cacheName, bytes);
      }
    } catch (error) {
      if (!(error instanceof EntryFailure)) throw error;
      fail(name, error.message);
    }
  }

  if (failures.length > 0) throw new InstallFailure('download_fail', `manifest: ${failures.join('; ')}`);

  if (rules.flattens) {
    const top = new Set([...files.keys()].map((p) => p.split('/')[0]!));
    if (top.size === 0) throw new InstallFailure('download_fail', 'flattenAssets: the bundle folder is empty');
    const [only] = [...top];
    if (top.size === 1 && only !== 'index.html' && [...files.keys()].every((p) => p.startsWith(`${only}/`))) {
      for (const [p, bytes] of [...files]) {
        files.delete(p);
        files.set(p.slice(only!.length + 1), bytes);
      }
    }
  }
  if (!files.has('index.html')) throw new InstallFailure('download_fail', 'set_fail: the new bundle has no index.html at its root');
  return result;
}

// ---- the eras (FLEET in plugin-fleet.ts picks one per build) ----

const ANDROID_BASE = {
  platform: 'android',
  fields: 'android-get',
  builtin: 'none',
  builtinCompare: 'exact',
  cacheName: 'raw-name',
  cacheTrust: 'rehash',
  statuses: '2xx',
  onEntryFailure: 'fail-update',
  transportErrorIgnored: false,
  paths: 'joined',
  rejectsDuplicateTargets: false,
  flattens: true,
  zipFillsCache: false,
} as const;

/** Android 6.7.7–6.14.17, 7.0.2–7.0.18 and the Feb-2025 8.0.0/8.0.1: every file brotli, no short cuts, failures swallowed. */
export const ANDROID_EVERY_FILE_SWALLOW: DeltaRules = {
  ...ANDROID_BASE,
  source: ['7.0.2:A/CapacitorUpdaterPlugin.java:1160', '7.0.2:A/DownloadService.java:160-223,364-423', '7b50db23:A/DownloadService.java:163,370,400,415'],
  brotli: 'every-file',
  brotliShortcuts: false,
  verify: 'exact',
  reuseKeepsBrSuffix: false,
  client: 'okhttp',
  onEntryFailure: 'drop-file',
};
/** Android 6.14.18–6.14.27, 7.0.19–7.0.37 (short cuts from 7.0.23): every file brotli, exact hash, failures fail the update. */
export const ANDROID_EVERY_FILE: DeltaRules = {
  ...ANDROID_EVERY_FILE_SWALLOW,
  source: ['6.14.26:A/CapacitorUpdaterPlugin.java:1211', '6.14.26:A/DownloadService.java:162-193,236-237,378-436,468-510', '7.0.30:A/DownloadService.java:236-237'],
  brotliShortcuts: true,
  onEntryFailure: 'fail-update',
};
/** Android 6.14.28–6.34, 7.0.38–7.34, 5.10–5.34: `.br` only; a reused `.br` entry keeps its suffix; exact hash. */
export const ANDROID_BR_SUFFIX_OLD: DeltaRules = {
  ...ANDROID_EVERY_FILE,
  source: ['6.14.28:A/DownloadService.java:212-243,286-287,491-548,574', '7.24.0:A/DownloadService.java:227,494', '7233d9de:A/DownloadService.java:305,582,646'],
  brotli: 'br-suffix',
  reuseKeepsBrSuffix: true,
  client: 'okhttp-ua',
};
/** Android 7.9.x–7.23.x: as ANDROID_BR_SUFFIX_OLD with its own client and short User-Agent (7.9.0:A/DownloadService.java:72-82,415). */
export const ANDROID_BR_SUFFIX_OLD_790: DeltaRules = { ...ANDROID_BR_SUFFIX_OLD, source: ['7.9.0:A/DownloadService.java:72-82,186-217,405-456'], client: 'okhttp-ua-short' };
/** Android 8.1.0 (f2509156), 8.2–8.42.6, 6.37–6.41, 7.36–7.41: reuse lands on the stripped name. */
export const ANDROID_BR_SUFFIX: DeltaRules = {
  ...ANDROID_BR_SUFFIX_OLD,
  source: ['8.2.0:A/DownloadService.java:290-327,586-651,684', '8.41.3:A/DownloadService.java:307-310', 'fdc16c23:A/DownloadService.java:307-310'],
  reuseKeepsBrSuffix: false,
};
/** Android 8.42.7–8.47.2 and the x.42.3–x.45.10 side builds: optString hash (empty fails), case-insensitive, zip fills the cache. */
export const ANDROID_CI: DeltaRules = {
  ...ANDROID_BR_SUFFIX,
  source: ['8.45.11:A/DownloadService.java:315-362,648-724,757', 'fdef3fa6:A/DownloadService.java:291-337,699,732', '8.45.0:A/CapgoUpdater.java:275'],
  fields: 'android-opt-hash',
  verify: 'case-insensitive',
  builtinCompare: 'case-insensitive',
  cacheName: 'stripped+legacy',
  zipFillsCache: true,
};
/** Android 8.47.3–8.51.9 and x.50: names must stay inside the bundle folder. */
export const ANDROID_CONTAINED: DeltaRules = {
  ...ANDROID_CI,
  source: ['8.51.4:A/DownloadService.java:170-178,326-382,697,759', '5.50.2:A/DownloadService.java:171,347'],
  paths: 'contained',
};
/** Android 8.51.13+ (8.51.14, npm 7.51.21, 8.51.23): APK assets reused, cache trusted by name, 200/206 only, duplicate targets refused. */
export const ANDROID_8_51_14: DeltaRules = {
  ...ANDROID_CONTAINED,
  source: [
    '8.51.14:A/CapacitorUpdaterPlugin.java:5017-5027',
    '8.51.14:A/DownloadService.java:186-209,295-307,465-591,835-938,1108-1153',
    '8.51.14:A/CapgoUpdater.java:290-310,555-584,831-888',
  ],
  builtin: 'public-stripped',
  cacheTrust: 'exists',
  statuses: '200-206',
  rejectsDuplicateTargets: true,
};

const IOS_BASE = {
  platform: 'ios',
  fields: 'ios-skip',
  builtin: 'public-raw',
  builtinCompare: 'exact',
  cacheName: 'raw-name',
  cacheTrust: 'rehash',
  statuses: '2xx',
  onEntryFailure: 'fail-update',
  paths: 'joined',
  rejectsDuplicateTargets: false,
  flattens: false,
  zipFillsCache: false,
} as const;

/** iOS 6.13–6.14.27, 7.0.2–7.0.37, Feb-2025 8.0.0: every file brotli, plain files never checked, transport errors ignored. */
export const IOS_EVERY_FILE: DeltaRules = {
  ...IOS_BASE,
  source: ['7.0.2:iP/CapacitorUpdaterPlugin.swift:792,809', '7.0.2:iP/CapacitorUpdater.swift:377-518', '6.14.26:iP/CapacitorUpdater.swift:347-443'],
  brotli: 'every-file',
  brotliShortcuts: true,
  verify: 'encrypted-only',
  reuseKeepsBrSuffix: false,
  client: 'alamofire-default',
  transportErrorIgnored: true,
};
/** The same without the decoder's short cuts (6.13–6.14.17, 7.0.2–7.0.22, Feb-2025 8.0.0: 7.0.2:iP/CapacitorUpdater.swift:520-594). */
export const IOS_EVERY_FILE_NO_SHORTCUTS: DeltaRules = { ...IOS_EVERY_FILE, brotliShortcuts: false };
/** iOS 6.14.28–6.25.2, 7.0.38–7.25: `.br` only, a reused `.br` keeps its suffix, plain files unchecked, transport errors ignored. */
export const IOS_BR_SUFFIX_OLD: DeltaRules = {
  ...IOS_EVERY_FILE,
  source: ['7.0.38:iP/CapacitorUpdater.swift:335,353-354,367,375,382,407-423,438', '7.24.0:iS/CapgoUpdater.swift:422-525'],
  brotli: 'br-suffix',
  reuseKeepsBrSuffix: true,
  client: 'alamofire-session',
};
/** 7.0.38 itself still uses `AF.download` (7.0.38:iP/CapacitorUpdater.swift:375). */
export const IOS_BR_SUFFIX_OLD_AF: DeltaRules = { ...IOS_BR_SUFFIX_OLD, client: 'alamofire-default' };
/** iOS 6.25.3+ / 7.26–7.30, 5.10–5.34: transport errors now fail; reuse still keeps `.br`. */
export const IOS_BR_SUFFIX_FAILS: DeltaRules = {
  ...IOS_BR_SUFFIX_OLD,
  source: ['7.29.0:iS/CapgoUpdater.swift:433-539', '7233d9de:iS/CapgoUpdater.swift:407-539'],
  transportErrorIgnored: false,
};
/** iOS 7.36.1 / 8.1.0 / 8.2–8.42.6, 6.39.0: reuse lands on the stripped name. */
export const IOS_BR_SUFFIX: DeltaRules = {
  ...IOS_BR_SUFFIX_FAILS,
  source: ['8.2.0:iS/CapgoUpdater.swift:456-580', '8.41.3:iS/CapgoUpdater.swift:468-534,676,695'],
  reuseKeepsBrSuffix: false,
};
/** iOS 8.42.7+ and x.42.3–x.45.10: every file checked (exact), missing fields / empty hash fail, zip fills the cache. */
export const IOS_VERIFIED: DeltaRules = {
  ...IOS_BR_SUFFIX,
  source: ['8.45.11:iS/CapgoUpdater.swift:914-975,1061-1158', 'fdef3fa6:iS/CapgoUpdater.swift:541-613,756,774'],
  fields: 'ios-error',
  verify: 'exact',
  cacheName: 'stripped+legacy',
  zipFillsCache: true,
};
/** iOS 8.47.3+ and x.50: names must stay inside the bundle folder. */
export const IOS_CONTAINED: DeltaRules = { ...IOS_VERIFIED, source: ['8.51.4:iS/CapgoUpdater.swift:137-165,733,785,1172,1413'], paths: 'contained' };
/** iOS 8.51.13+ (8.51.14): cache trusted by name, resume with Range (not modelled). */
export const IOS_8_51_14: DeltaRules = {
  ...IOS_CONTAINED,
  source: ['8.51.14:iS/CapacitorUpdaterPlugin.swift:4374-4378,4408', '8.51.14:iS/CapgoUpdater.swift:1372-1727,1265-1286'],
  cacheTrust: 'exists',
};
/** npm 6.51.16 / 8.51.23: the app's asset is looked up under the stripped name (npm:8.51.23:iS/CapgoUpdater.swift:1558). */
export const IOS_NPM_LATEST: DeltaRules = {
  ...IOS_8_51_14,
  source: ['npm:8.51.23:iS/CapgoUpdater.swift:1436,1558', 'npm:6.51.16:iS/CapgoUpdater.swift:1376,1481'],
  builtin: 'public-stripped',
};
