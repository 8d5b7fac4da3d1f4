import { createPublicKey } from 'node:crypto';
import { answerReader, type BreakingEvents, type Json, type Reading, type StopRule } from './plugin-answers.js';
import type { DeltaRules } from './plugin-delta.js';
import { install, type BundleAnswer, type InstallRules } from './plugin-install.js';

/** One device: the app's configuration and what the plugin remembers. */
export interface DeviceState {
  readonly deviceId: string;
  readonly appId: string;
  /** The bundle it runs ("builtin" for the shipped assets). */
  readonly versionName: string;
  /** The native app's version. */
  readonly versionBuild: string;
  /** `defaultChannel` in capacitor.config, if any. */
  readonly configChannel?: string;
  /** What a successful setChannel() stored, on plugins that store it. */
  readonly storedChannel?: string;
  /** The app's `publicKey` (PKCS#1 PEM), if it sets one. */
  readonly publicKey?: string;
}

/** What a 429 on an update check does to the plugin. */
export type On429 =
  /** Nothing beyond a failed check (Volley era, 6.5–6.14.27, 7.0.2–7.23.7, Feb-2025 8.0.x; iOS before 8.45.11). */
  | 'nothing'
  /** A process-wide latch: no more stats or channel calls until the app restarts (Android 5.10+, 6.14.28+, 7.23.8 → 8.51.4: 7.30.0:A/CapgoUpdater.java:796-812,869; iOS 8.45.11 → 8.51.4: 8.45.11:iS/CapgoUpdater.swift:806). */
  | 'latch'
  /** Waits Retry-After seconds, then carries on (8.51.5+: 8.51.14:A/CapgoUpdater.java:129,2010-2113; 8.51.14:iS/CapgoUpdater.swift:513-521). */
  | 'retry-after';

export interface ModelSpec {
  readonly platform: 'android' | 'ios';
  /** The `plugin_version` it sends: the native constant, not always the npm version. */
  readonly reports: string;
  /** Which build this is (npm version or commit), for labels. */
  readonly build: string;
  /** Where its behaviour was read: `ref:path:line` of its version constant. */
  readonly source: string;
  /** Whether the body has a `defaultChannel` key at all (from 5.5.0: 5.5.0:A/CapacitorUpdater.java:767; never in 5.0–5.4, c3d23257 6.0.0, May-2023 8/9/10). */
  readonly sendsDefaultChannel: boolean;
  /** Characters of the key id sent as `key_id` when a public key is set (0: never sent). */
  readonly keyIdLength: 0 | 4 | 20;
  /** Sends `install_source` (Android: always, iOS: when known): 5.50.1, 7.50.1, 8.50.0+. */
  readonly sendsInstallSource: boolean;
  /** Its update checks carry `User-Agent: CapacitorUpdater/<reported> (<appId>) <platform>/<os>` (f2509156:A/DownloadService.java:89-105, f2509156:iS/CapgoUpdater.swift:51-61). */
  readonly userAgent: boolean;
  readonly stop: StopRule;
  readonly events: BreakingEvents;
  readonly builtin: boolean;
  readonly install: Omit<InstallRules, 'platform'>;
  /** Keeps the channel a successful setChannel() picks and sends it as `defaultChannel` (7.34.0:A/CapgoUpdater.java:1044, 7.34.0:iS/CapgoUpdater.swift:1176). */
  readonly persistsChannel: boolean;
  readonly on429: On429;
  /**
   * How it plays an answer's `manifest` (delta update), or null when it ignores the key
   * (org.json and Decodable skip unknown keys): plugin-delta.ts, docs/plugin-source-notes/plugin-delta.md.
   */
  readonly delta: DeltaRules | null;
}

export interface PluginModel extends ModelSpec {
  readonly label: string;
  /** The update check as this build sends it. */
  request(device: DeviceState): { body: Json; headers: Record<string, string> };
  /** How it reads a 200 answer in its background update. */
  read(json: Json): Reading;
  /** Checks and installs a downloaded bundle; throws InstallFailure or AppCrash. */
  installBundle(downloaded: Buffer, answer: BundleAnswer, publicKey: string): Buffer;
  /**
   * setChannel(): every build rejects the JS call on a non-2xx status or a non-empty
   * `error` (5.0.0:A/CapacitorUpdaterPlugin.java:299-303, 7.30.0:A/CapacitorUpdaterPlugin.java:910-918,
   * 8.51.14:iS/CapacitorUpdaterPlugin.swift:3022-3032), and only persisting builds keep
   * the channel on success (7.34.0:A/CapgoUpdater.java:1038-1049).
   */
  setChannel(status: number, json: Json): { resolved: boolean; kept: boolean };
}

/** Capgo's key id: the PEM body without armour or whitespace, first N characters (8.51.14:A/CryptoCipher.java:460; 8.2.0:A/CryptoCipher.java:379 takes 4). */
function keyId(publicKey: string, length: number): string {
  const pem = createPublicKey(publicKey).export({ type: 'pkcs1', format: 'pem' }).toString();
  return pem
    .replace(/-----(BEGIN|END) RSA PUBLIC KEY-----/g, '')
    .replace(/\s/g, '')
    .slice(0, length);
}

export function pluginModel(spec: ModelSpec): PluginModel {
  const read = answerReader({ platform: spec.platform, stop: spec.stop, events: spec.events, builtin: spec.builtin, delta: spec.delta });
  const rules: InstallRules = { platform: spec.platform, ...spec.install };
  return {
    ...spec,
    label: `${spec.platform === 'android' ? 'Android' : 'iOS'} ${spec.build}${spec.build === spec.reports ? '' : ` (reports ${spec.reports})`}`,
    request(device) {
      // Android: org.json, every field a non-null String (custom_id "" by default: 5.0.0:A/CapacitorUpdater.java:87);
      // iOS: Codable InfoObject whose nil optionals are dropped (5.0.0:iP/CapacitorUpdater.swift:73-87).
      const body: Json = {
        platform: spec.platform,
        device_id: device.deviceId,
        app_id: device.appId,
        custom_id: '',
        version_build: device.versionBuild,
        version_code: '42',
        version_os: spec.platform === 'android' ? '14' : '17.4',
        version_name: device.versionName,
        plugin_version: spec.reports,
        is_emulator: false,
        is_prod: true,
      };
      // Android always sends it, one of google_play, amazon_appstore… or "" (8.51.14:A/CapgoUpdater.java:177-220,1982);
      // iOS only when known, never in a simulator or a debug build, as these models are (8.51.14:iS/CapgoUpdater.swift:458-472).
      if (spec.sendsInstallSource && spec.platform === 'android') body['install_source'] = 'google_play';
      // The config's channel, "" when unset (5.9.5:A/CapacitorUpdaterPlugin.java:184-185); the stored one wins on
      // persisting builds (7.34.0:A/CapacitorUpdaterPlugin.java:327-338).
      if (spec.sendsDefaultChannel) body['defaultChannel'] = (spec.persistsChannel ? device.storedChannel : undefined) ?? device.configChannel ?? '';
      if (spec.keyIdLength > 0 && device.publicKey) body['key_id'] = keyId(device.publicKey, spec.keyIdLength);
      // Without our User-Agent a build sends its HTTP client's own: OkHttp's (7b50db23:A/CapacitorUpdaterPlugin.java:137-142)
      // or Alamofire's (`AF.request`: 7b50db23:iP/CapacitorUpdater.swift:293); Volley's on the oldest.
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': spec.userAgent
          ? `CapacitorUpdater/${spec.reports} (${device.appId}) ${spec.platform}/${body['version_os'] as string}`
          : spec.platform === 'android'
            ? 'okhttp/4.12.0'
            : 'Rocket/1.0 (com.acme.rocket; build:1; iOS 17.4.0) Alamofire/5.9.1',
      };
      return { body, headers };
    },
    read,
    installBundle: (downloaded, answer, publicKey) => install(rules, downloaded, answer, publicKey),
    setChannel(status, json) {
      const rejected = status < 200 || status > 299 || (typeof json['error'] === 'string' && json['error'] !== '');
      return { resolved: !rejected, kept: !rejected && spec.persistsChannel };
    },
  };
}
