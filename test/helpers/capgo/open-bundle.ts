import { constants, createDecipheriv, publicDecrypt, type Decipher, type KeyObject } from 'node:crypto';
import { checksumForm } from '../../../src/capgo/bundle-encryption.js';

// What a device does with the public key, the inverse of src/capgo/bundle-encryption.ts: the
// tests open what the server wrote with it. (plugin-crypto.ts is the plugins' own code, bug for bug.)

const AES = 'aes-128-cbc';
const PADDING = constants.RSA_PKCS1_PADDING;

/** Recovers the AES key and IV from a session key, as the plugin does. */
export function openSessionKey(sessionKey: string, publicKey: KeyObject | string): Decipher {
  const [iv, sealed] = sessionKey.split(':');
  const aesKey = publicDecrypt({ key: publicKey, padding: PADDING }, Buffer.from(sealed ?? '', 'base64'));
  const decipher = createDecipheriv(AES, aesKey, Buffer.from(iv ?? '', 'base64'));
  decipher.setAutoPadding(true);
  return decipher;
}

/** Recovers the SHA-256 hex digest from an encrypted checksum of either form, as the plugin does. */
export function openChecksum(checksum: string, publicKey: KeyObject | string): string {
  const form = checksumForm(checksum);
  if (form === 'v3') return publicDecrypt({ key: publicKey, padding: PADDING }, Buffer.from(checksum, 'hex')).toString('hex');
  // The legacy form round-trips the hex digest through base64, which is why it still compares equal.
  return publicDecrypt({ key: publicKey, padding: PADDING }, Buffer.from(checksum, 'base64')).toString('base64');
}
