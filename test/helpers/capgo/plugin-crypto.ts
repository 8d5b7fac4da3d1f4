import { constants, createDecipheriv, createHash, createPublicKey, publicDecrypt } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * The checksum and decryption primitives of the real capacitor-updater plugins, each
 * written from the plugin's source at the cited tag (Cap-go/capacitor-updater;
 * `A/` = android/src/main/java/ee/forgr/capacitor_updater/, `iP/` = ios/Plugin/,
 * `iS/` = ios/Sources/CapacitorUpdaterPlugin/). Written without looking at src/capgo:
 * where the plugin differs from what a server would expect, these differ too.
 */

/** The plugin refused the bundle; `stat` is what it reports to statsUrl. */
export class InstallFailure extends Error {
  override readonly name = 'InstallFailure';
  constructor(
    readonly stat: 'checksum_fail' | 'checksum_required' | 'download_fail' | 'decrypt_fail',
    message: string,
  ) {
    super(`${stat}: ${message}`);
  }
}

/** The app would crash (a Swift force unwrap on bad input): worse than a failure. */
export class AppCrash extends Error {
  override readonly name = 'AppCrash';
}

/** `String.format("%08x", crc.getValue())`: 6.14.26:A/CryptoCipher.java:184-194; iOS `%08X`.lowercased(), 5.0.0:iP/CapacitorUpdater.swift:339-348. */
export const crc32Hex = (bytes: Buffer): string => crc32(bytes).toString(16).padStart(8, '0');

/** Lowercase hex SHA-256: 7.30.0:A/CryptoCipher.java:200-228, 8.51.14:iS/CryptoCipher.swift (calcChecksum). */
export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Java's `Cipher.getInstance("RSA/ECB/PKCS1Padding")` in DECRYPT_MODE with the public key
 * (8.51.14:A/CryptoCipher.java:47,56): throws on any input that is not a valid PKCS#1
 * type-1 block; input longer than the modulus is an IllegalBlockSizeException, which the
 * plugin reports as a download failure, not a checksum one (6.14.26:A/CryptoCipherV2.java:43, caught at 7.0.2:A/CapacitorUpdater.java:334).
 */
function javaRsaPublicDecrypt(input: Buffer, publicKey: string): Buffer {
  if (input.length === 0 || input.length > 256) throw new InstallFailure('download_fail', `RSA input of ${input.length} bytes (IllegalBlockSizeException)`);
  try {
    return publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, input);
  } catch (error) {
    throw new InstallFailure('download_fail', `RSA decryption failed: ${(error as Error).message}`);
  }
}

/**
 * iOS's hand-written RSA (`RSA.swift`, byte-identical from 6.14.18 and 7.0.37 to
 * 8.51.14: 8.51.14:iS/RSA.swift:219-273): c^e mod n of the input read as one big
 * integer, left-padded to 256 bytes, then `00 01 FF.. 00` stripped when present,
 * else all 256 bytes returned. It never fails.
 */
function bigIntRsa(input: Buffer, publicKey: string): Buffer {
  const jwk = createPublicKey(publicKey).export({ format: 'jwk' });
  const n = BigInt(`0x${Buffer.from(jwk.n!, 'base64url').toString('hex')}`);
  const e = BigInt(`0x${Buffer.from(jwk.e!, 'base64url').toString('hex')}`);
  let base = BigInt(`0x${input.toString('hex') || '0'}`) % n;
  let exponent = e;
  let result = 1n;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % n;
    base = (base * base) % n;
    exponent >>= 1n;
  }
  const block = Buffer.from(result.toString(16).padStart(512, '0'), 'hex');
  if (block[0] === 0 && block[1] === 1) {
    let i = 2;
    while (i < block.length && block[i] === 0xff) i++;
    if (block[i] === 0) return block.subarray(i + 1);
  }
  return block;
}

/**
 * iOS's SecKey era (6.1.18–6.14.11, 7.0.2–7.0.36, the Feb-2025 8.0.x):
 * `Data(base64Encoded: checksum)!` (a force unwrap: 7.0.2:iP/CapacitorUpdater.swift:361)
 * then `SecKeyDecrypt` with no padding per 256-byte block and a `removePadding` keeping
 * the bytes between the first and second 0x00 (7.0.2:iP/CryptoCipherV2.swift:90,127-185).
 * An empty checksum decodes to no block at all and comes back as "".
 * How the OS returns the leading zero is not in the source; Capgo's own service sent
 * these builds the legacy form, so it is taken to verify (as the BigInt path does).
 */
function secKeyRsa(checksum: string, publicKey: string): Buffer {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(checksum)) throw new AppCrash(`Data(base64Encoded: "${checksum.slice(0, 16)}…")! is nil`);
  const bytes = Buffer.from(checksum, 'base64');
  if (bytes.length === 0) return Buffer.alloc(0);
  // Blocks of 256 bytes (7.0.2:iP/CryptoCipherV2.swift:88-99); a short one fails SecKeyDecrypt or yields garbage, a failure
  // either way, reported as `decrypt_fail` (7.0.2:iP/CapacitorUpdater.swift:372).
  if (bytes.length % 256 !== 0) throw new InstallFailure('decrypt_fail', `SecKeyDecrypt of a ${bytes.length}-byte block`);
  return bigIntRsa(bytes, publicKey);
}

/** How a plugin turns the `checksum` of an encrypted bundle (or, on iOS with a public key, of any bundle) back into a digest. */
export type ChecksumReader = (checksum: string, publicKey: string) => string;

/** Legacy, Android (6.1.18 → 7.29, Feb-2025 8.0.x): `Base64.decode` → RSA/PKCS1 → `Base64.encodeToString`, whitespace stripped. 6.1.32:A/CapacitorUpdater.java:330-348, 7.29.0:A/CryptoCipher.java:182-198. */
export const legacyAndroid: ChecksumReader = (checksum, publicKey) => javaRsaPublicDecrypt(Buffer.from(checksum, 'base64'), publicKey).toString('base64');

/** Legacy, iOS with the BigInt RSA (6.14.18 → 6.27.11, 7.0.37 → 7.29): empty or undecodable → throw; base64 out. 6.14.28:iS/CryptoCipherV2.swift:19-50, 7.29.0:iS/CryptoCipher.swift:18-49. */
export const legacyIosBigInt: ChecksumReader = (checksum, publicKey) => {
  const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(checksum) && checksum.length % 4 === 0 ? Buffer.from(checksum, 'base64') : null;
  if (!bytes || bytes.length === 0) throw new InstallFailure('download_fail', 'Cannot decode checksum as base64 / decoded checksum is empty');
  return bigIntRsa(bytes, publicKey).toString('base64');
};

/** Legacy, iOS SecKey era (see secKeyRsa): "" stays "", a non-base64 checksum crashes the app. */
export const legacyIosSecKey: ChecksumReader = (checksum, publicKey) => secKeyRsa(checksum, publicKey).toString('base64');

/**
 * V3 (x.30+): hex when every character is a hex digit (the empty string included on
 * iOS), else base64; empty after decoding → throw; RSA; ALWAYS hex out, so a legacy
 * checksum comes back as 96 hex digits that match nothing. Android 7.30.0:A/CryptoCipher.java:191-222,
 * iOS 7.30.0:iS/CryptoCipher.swift:35-82. `strict`: any decoded length but 256 throws
 * (8.41.3:A/CryptoCipher.java, 8.41.3:iS/CryptoCipher.swift:75; 5.42.3 on the v5 line: 2c3e6655:A/CryptoCipher.java:224).
 */
function v3Reader(platform: 'android' | 'ios', strict: boolean): ChecksumReader {
  return (checksum, publicKey) => {
    const hex = /^[0-9a-fA-F]*$/.test(checksum);
    // Odd-length hex: Android's decoder throws (7.30.0:A/CryptoCipher.java:200-202), iOS's drops the last digit (7.30.0:iS/CryptoCipher.swift:44-52).
    if (hex && checksum.length % 2 === 1 && platform === 'android') throw new InstallFailure('download_fail', 'odd-length hex checksum');
    const bytes = hex ? Buffer.from(checksum.length % 2 ? checksum.slice(0, -1) : checksum, 'hex') : Buffer.from(checksum, 'base64');
    if (bytes.length === 0) throw new InstallFailure('download_fail', 'Decoded checksum is empty');
    if (strict && bytes.length !== 256) throw new InstallFailure('download_fail', `Checksum is ${bytes.length} bytes, not 256`);
    const plain = platform === 'android' ? javaRsaPublicDecrypt(bytes, publicKey) : bigIntRsa(bytes, publicKey);
    return plain.toString('hex');
  };
}
export const v3Android = v3Reader('android', false);
export const v3AndroidStrict = v3Reader('android', true);
export const v3Ios = v3Reader('ios', false);
export const v3IosStrict = v3Reader('ios', true);

/**
 * The bundle itself: `base64(iv):base64(RSA(aesKey))`, AES-128-CBC/PKCS5 over the whole
 * zip (V2: 6.1.18:A/CryptoCipherV2.java:36,45; 8.51.14:A/CryptoCipher.java:47,56,141-151).
 * Both platforms skip decryption silently, leaving the ciphertext, when the app has no
 * public key or the session key is not `iv:key` (7233d9de:A/CryptoCipher.java:141-149,
 * 8.51.14:iS/CryptoCipher.swift:235-239); the checksum or the unzip then fails.
 */
export function decryptBundle(bytes: Buffer, sessionKey: string, publicKey: string): Buffer {
  const [iv, sealed, extra] = sessionKey.split(':');
  if (publicKey === '' || extra !== undefined || !iv || !sealed) return bytes;
  const aesKey = javaRsaPublicDecrypt(Buffer.from(sealed, 'base64'), publicKey);
  try {
    const decipher = createDecipheriv('aes-128-cbc', aesKey, Buffer.from(iv, 'base64'));
    return Buffer.concat([decipher.update(bytes), decipher.final()]);
  } catch (error) {
    throw new InstallFailure('decrypt_fail', `AES: ${(error as Error).message}`);
  }
}
