import { createDecipheriv, createHash, constants, publicDecrypt } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Models of real capacitor-updater plugins, written from their source
 * (github.com/Cap-go/capacitor-updater at the tags named below), independently of
 * src/capgo: what each sends to the update URL (`createInfoObject` / `InfoObject`),
 * how it reads the answer (its background update check), and how it checks the
 * downloaded file before installing it (`finishDownload` / `download`).
 */

export type Decoded =
  | { readonly action: 'stop'; readonly kind?: string; readonly error?: string; readonly message?: string }
  | { readonly action: 'download'; readonly version: string; readonly url: string; readonly checksum: string; readonly sessionKey: string }
  | { readonly action: 'reset' }
  | { readonly action: 'error'; readonly reason: string };

type Json = Record<string, unknown>;

/** iOS decodes the answer into `AppVersionDec`: a present field of the wrong type fails the whole answer. */
function iosDecodes(json: Json): boolean {
  const strings = ['version', 'checksum', 'url', 'message', 'error', 'session_key', 'kind', 'link', 'comment'];
  const bools = ['major', 'breaking'];
  return strings.every((k) => json[k] == null || typeof json[k] === 'string') && bools.every((k) => json[k] == null || typeof json[k] === 'boolean');
}

const validUrl = (url: unknown) => typeof url === 'string' && URL.canParse(url);

function download(json: Json): Decoded {
  if (!validUrl(json['url'])) return { action: 'error', reason: 'Error no url or wrong format' };
  return { action: 'download', version: String(json['version']), url: String(json['url']), checksum: String(json['checksum'] ?? ''), sessionKey: String(json['session_key'] ?? '') };
}

/** Plugins up to 5.9, 6.14 and 7.0.x: any `message` means no update (`if (res.has("message"))`). */
function messageFirst(json: Json, builtinReset: boolean): Decoded {
  if (json['message'] != null) return { action: 'stop', message: String(json['message']) };
  if (builtinReset && json['version'] === 'builtin') return { action: 'reset' };
  return download(json);
}

/** 5.10+, 6.25+, 7.25+, 8.2: `if (jsRes.has("error"))` stops (a backend refusal), then `message` does. */
function errorFirst(json: Json): Decoded {
  if (json['error'] != null) return { action: 'stop', error: String(json['error']) };
  if (json['message'] != null) return { action: 'stop', message: String(json['message']) };
  if (json['version'] === 'builtin') return { action: 'reset' };
  return download(json);
}

/** 8.51: `error` or `kind` stops; the kind is normalised to up_to_date | blocked | failed. */
function errorOrKind(json: Json): Decoded {
  if (json['error'] != null || json['kind'] != null) {
    const kind = ['up_to_date', 'blocked', 'failed'].includes(String(json['kind'])) ? String(json['kind']) : 'failed';
    return { action: 'stop', kind, error: String(json['error'] ?? ''), message: String(json['message'] ?? 'server did not provide a message') };
  }
  if (json['version'] === 'builtin') return { action: 'reset' };
  return download(json);
}

/** AES-128-CBC decryption with the key the session key carries (CryptoCipher.decryptFile). */
function decryptBundle(bytes: Buffer, sessionKey: string, publicKey: string): Buffer {
  const [iv, sealed] = sessionKey.split(':');
  const aesKey = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(sealed ?? '', 'base64'));
  const decipher = createDecipheriv('aes-128-cbc', aesKey, Buffer.from(iv ?? '', 'base64'));
  return Buffer.concat([decipher.update(bytes), decipher.final()]);
}

/** Before x.30: `Base64.decode` → RSA → `Base64.encodeToString`. */
function openLegacy(checksum: string, publicKey: string): string {
  return publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(checksum, 'base64')).toString('base64');
}

/** x.30+: hex when it looks like hex, else the old base64; either way it must be 256 bytes (RSA-2048). */
function openAuto(checksum: string, publicKey: string): string {
  const hex = /^[0-9a-fA-F]+$/.test(checksum);
  const bytes = hex ? Buffer.from(checksum, 'hex') : Buffer.from(checksum, 'base64');
  if (bytes.length !== 256) throw new Error('Bundle checksum is not encrypted');
  const plain = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, bytes);
  return hex ? plain.toString('hex') : plain.toString('base64');
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const crc = (b: Buffer) => crc32(b).toString(16).padStart(8, '0');

type Verify = (bytes: Buffer, answer: { checksum: string; sessionKey: string }, publicKey: string) => Buffer;

/** The plugin's final comparison: `(!checksumDecrypted.isEmpty() || !publicKey.isEmpty()) && !checksumDecrypted.equals(checksum)` fails. */
function compare(expected: string, actual: string, publicKey: string): void {
  if ((expected !== '' || publicKey !== '') && expected !== actual) throw new Error(`Checksum failed: '${expected}' vs '${actual}'`);
}

/**
 * A plugin's check of a downloaded file: an unencrypted bundle is hashed (`plain`), an
 * encrypted one is decrypted with the public key and its SHA-256 compared with the
 * checksum opened by `openChecksum` (null: this plugin has no public-key decryption).
 */
function verifier(plain: 'crc32' | 'sha256' | 'nothing', openChecksum: ((checksum: string, publicKey: string) => string) | null): Verify {
  return (bytes, answer, publicKey) => {
    if (!answer.sessionKey) {
      compare(answer.checksum, plain === 'crc32' ? crc(bytes) : plain === 'sha256' ? sha256(bytes) : '', publicKey);
      return bytes;
    }
    if (!openChecksum) throw new Error('this plugin cannot decrypt a bundle sealed with a public key');
    const decrypted = decryptBundle(bytes, answer.sessionKey, publicKey);
    compare(openChecksum(answer.checksum, publicKey), sha256(decrypted), publicKey);
    return decrypted;
  };
}

/** 5.0–5.9, 6.0–6.1, 7.0.0–7.0.1: CRC32 of the file; no public-key decryption at all. */
const crcOnly = verifier('crc32', null);
/** 6.2–6.24: public-key decryption with the legacy checksum; an unencrypted bundle is still CRC32. */
const legacyWithCrcPlain = verifier('crc32', openLegacy);
/** Android 7.0.2–7.0.29: only a decrypted bundle is hashed; an unencrypted one is compared against ''. */
const legacyNoPlainHash = verifier('nothing', openLegacy);
/** 5.10–5.29, 6.25–6.29, 7.0.30–7.29 (and iOS 7.0.2+): SHA-256; legacy checksum when encrypted. */
const legacyWithShaPlain = verifier('sha256', openLegacy);
/** 5.30+, 6.30+, 7.30+, 8: SHA-256; encrypted checksum read as hex (or base64). */
const autoForm = verifier('sha256', openAuto);

export interface PluginModel {
  readonly label: string;
  readonly platform: 'android' | 'ios';
  readonly version: string;
  /** Whether it can install a bundle encrypted with the public key. */
  readonly decrypts: boolean;
  request(device: { deviceId: string; versionName: string; versionBuild: string; appId: string; channel?: string }): Json;
  decode(json: Json): Decoded;
  verify: Verify;
}

function androidRequest(version: string, options: { sendsChannel?: boolean; extra?: Json } = {}) {
  // CapacitorUpdater.createInfoObject(): custom_id is null by default, and org.json drops null keys.
  return (d: { deviceId: string; versionName: string; versionBuild: string; appId: string; channel?: string }) => ({
    platform: 'android',
    device_id: d.deviceId,
    app_id: d.appId,
    version_build: d.versionBuild,
    version_code: '42',
    version_os: '14',
    version_name: d.versionName,
    plugin_version: version,
    is_emulator: false,
    is_prod: true,
    ...(options.sendsChannel === false ? {} : { defaultChannel: d.channel ?? '' }),
    ...options.extra,
  });
}

function iosRequest(version: string, withChannel: boolean) {
  // InfoObject (Codable): nil optionals are left out by JSONEncoder.
  return (d: { deviceId: string; versionName: string; versionBuild: string; appId: string; channel?: string }) => ({
    platform: 'ios',
    device_id: d.deviceId,
    app_id: d.appId,
    version_build: d.versionBuild,
    version_code: '42',
    version_os: '17.4',
    version_name: d.versionName,
    plugin_version: version,
    is_emulator: false,
    is_prod: true,
    ...(withChannel && d.channel ? { defaultChannel: d.channel } : {}),
  });
}

const ios = (decode: (json: Json) => Decoded) => (json: Json): Decoded => (iosDecodes(json) ? decode(json) : { action: 'error', reason: 'response_error (decoding)' });

/** One model per behaviour that differs, each at a tag whose source was read. */
export const PLUGINS: readonly PluginModel[] = [
  // 5.0.0: createInfoObject has no defaultChannel yet.
  { label: 'Android 5.0.0', platform: 'android', version: '5.0.0', decrypts: false, request: androidRequest('5.0.0', { sendsChannel: false }), decode: (j) => messageFirst(j, false), verify: crcOnly },
  { label: 'iOS 5.0.0', platform: 'ios', version: '5.0.0', decrypts: false, request: iosRequest('5.0.0', false), decode: ios((j) => messageFirst(j, false)), verify: crcOnly },
  { label: 'Android 5.9.5', platform: 'android', version: '5.9.5', decrypts: false, request: androidRequest('5.9.5'), decode: (j) => messageFirst(j, false), verify: crcOnly },
  { label: 'Android 5.10.0', platform: 'android', version: '5.10.0', decrypts: true, request: androidRequest('5.10.0'), decode: errorFirst, verify: legacyWithShaPlain },
  { label: 'iOS 5.30.0', platform: 'ios', version: '5.30.0', decrypts: true, request: iosRequest('5.30.0', true), decode: ios(errorFirst), verify: autoForm },
  { label: 'Android 6.1.0', platform: 'android', version: '6.1.0', decrypts: false, request: androidRequest('6.1.0'), decode: (j) => messageFirst(j, false), verify: crcOnly },
  { label: 'Android 6.14.0', platform: 'android', version: '6.14.0', decrypts: true, request: androidRequest('6.14.0'), decode: (j) => messageFirst(j, true), verify: legacyWithCrcPlain },
  { label: 'iOS 6.14.0', platform: 'ios', version: '6.14.0', decrypts: true, request: iosRequest('6.14.0', true), decode: ios((j) => messageFirst(j, true)), verify: legacyWithCrcPlain },
  { label: 'Android 6.25.1', platform: 'android', version: '6.25.1', decrypts: true, request: androidRequest('6.25.1'), decode: errorFirst, verify: legacyWithShaPlain },
  { label: 'Android 7.0.1', platform: 'android', version: '7.0.1', decrypts: false, request: androidRequest('7.0.1'), decode: (j) => messageFirst(j, false), verify: crcOnly },
  { label: 'Android 7.0.10', platform: 'android', version: '7.0.10', decrypts: true, request: androidRequest('7.0.10'), decode: (j) => messageFirst(j, true), verify: legacyNoPlainHash },
  { label: 'iOS 7.0.10', platform: 'ios', version: '7.0.10', decrypts: true, request: iosRequest('7.0.10', true), decode: ios((j) => messageFirst(j, true)), verify: legacyWithShaPlain },
  { label: 'Android 7.25.0', platform: 'android', version: '7.25.0', decrypts: true, request: androidRequest('7.25.0'), decode: errorFirst, verify: legacyWithShaPlain },
  { label: 'iOS 7.30.0', platform: 'ios', version: '7.30.0', decrypts: true, request: iosRequest('7.30.0', true), decode: ios(errorFirst), verify: autoForm },
  // 8.51: also sends key_id (when a public key is set) and install_source.
  { label: 'Android 8.51.14', platform: 'android', version: '8.51.14', decrypts: true, request: androidRequest('8.51.14', { extra: { install_source: 'com.android.vending' } }), decode: errorOrKind, verify: autoForm },
  { label: 'iOS 8.51.14', platform: 'ios', version: '8.51.14', decrypts: true, request: iosRequest('8.51.14', true), decode: ios(errorOrKind), verify: autoForm },
];
