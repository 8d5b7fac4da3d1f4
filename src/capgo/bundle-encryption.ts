import { constants, createCipheriv, createPrivateKey, createPublicKey, privateEncrypt, randomBytes, type Cipher, type KeyObject } from 'node:crypto';
import { UpdateForgeError } from '../errors.js';

/**
 * Capgo's bundle encryption ("V2", what `npx @capgo/cli key create` sets up): the zip
 * is AES-128-CBC encrypted with a random key and IV; the AES key is RSA-encrypted with
 * the developer's *private* key (PKCS#1 v1.5), so devices, which ship the public key,
 * can recover it; the zip's SHA-256 is RSA-encrypted the same way, so devices can tell
 * the bundle came from the key holder.
 */

const AES = 'aes-128-cbc';
const PADDING = constants.RSA_PKCS1_PADDING;
const RSA_BITS = 2048;

/** The key is unusable; the message never contains any of the key. */
export class BundleKeyError extends UpdateForgeError {
  override readonly name = 'BundleKeyError';
  readonly kind = 'input';
}

export interface BundleKey {
  readonly privateKey: KeyObject;
  /** Capgo's key id: the first 20 characters of the PKCS#1 public key body (plugin 8 sends it as `key_id`). */
  readonly keyId: string;
}

/** Reads an RSA-2048 private key in PEM form (PKCS#1 as the Capgo CLI writes it, or PKCS#8). */
export function loadBundleKey(pem: string, source: string): BundleKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new BundleKeyError(`${source} is not a private key in PEM form. Use the .capgo_key_v2 file made by \`npx @capgo/cli key create\`.`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa' || privateKey.asymmetricKeyDetails?.modulusLength !== RSA_BITS) {
    throw new BundleKeyError(`${source} must be an RSA ${RSA_BITS}-bit private key, the kind the Capgo plugin decrypts with.`);
  }
  return { privateKey, keyId: keyIdOf(createPublicKey(privateKey)) };
}

/** Capgo's `calcKeyId`: PEM armour and whitespace removed, first 20 characters. */
export function keyIdOf(publicKey: KeyObject): string {
  const pem = publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return pem
    .replace(/-----(BEGIN|END) RSA PUBLIC KEY-----/g, '')
    .replace(/\s/g, '')
    .slice(0, 20);
}

export interface SessionKey {
  readonly cipher: Cipher;
  /** `base64(iv):base64(RSA-encrypted AES key)`: the plugin's `session_key`. */
  readonly sessionKey: string;
}

/** A fresh AES key and IV for one bundle, with the cipher to stream the zip through. */
export function newSessionKey(key: BundleKey): SessionKey {
  const aesKey = randomBytes(16);
  const iv = randomBytes(16);
  const sealed = privateEncrypt({ key: key.privateKey, padding: PADDING }, aesKey);
  const cipher = createCipheriv(AES, aesKey, iv);
  cipher.setAutoPadding(true);
  return { cipher, sessionKey: `${iv.toString('base64')}:${sealed.toString('base64')}` };
}

/**
 * The zip's SHA-256, RSA-encrypted, in both forms plugins read: `checksum` (hex in,
 * hex out: plugins 5.30+/6.30+/7.30+/8) and `legacyChecksum` (the older form, which
 * reads the hex digest as base64 and answers base64: below those versions).
 */
export function encryptChecksums(sha256Hex: string, key: BundleKey): { checksum: string; legacyChecksum: string } {
  return {
    checksum: privateEncrypt({ key: key.privateKey, padding: PADDING }, Buffer.from(sha256Hex, 'hex')).toString('hex'),
    legacyChecksum: privateEncrypt({ key: key.privateKey, padding: PADDING }, Buffer.from(sha256Hex, 'base64')).toString('base64'),
  };
}

/** Which form an encrypted checksum is in (the Capgo CLI prints one or the other), or null if neither. */
export function checksumForm(checksum: string): 'v3' | 'legacy' | null {
  if (/^[0-9a-fA-F]{512}$/.test(checksum)) return 'v3';
  if (/^[A-Za-z0-9+/]{342}==$/.test(checksum)) return 'legacy';
  return null;
}

export function isSessionKey(value: string): boolean {
  const [iv, sealed, extra] = value.split(':');
  return extra === undefined && /^[A-Za-z0-9+/]{22}==$/.test(iv ?? '') && /^[A-Za-z0-9+/]{342}==$/.test(sealed ?? '');
}
