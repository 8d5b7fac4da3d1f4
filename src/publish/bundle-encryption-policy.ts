import type { AppConfig } from '../feed/config.js';
import { PublishInputError } from './errors.js';
import type { PackagedArtifact } from './package.js';

/**
 * Whether a new bundle suits its app's devices, checked before it is uploaded.
 * An app declares in updateforge.json whether its capacitor.config sets a public key
 * (`encryptedBundles`): iOS plugins then decrypt every checksum, so an unencrypted
 * bundle can never install there; without a key, no device can decrypt one.
 * Returns what is worth a warning.
 */
export function checkBundleEncryption(app: AppConfig, artifact: PackagedArtifact): string[] {
  if (artifact.kind !== 'bundle') return [];
  const encrypted = artifact.encryption !== undefined;
  if (app.encryptedBundles === true && !encrypted) {
    throw new PublishInputError(
      'path',
      `This bundle is not encrypted, and app '${app.id}' declares "encryptedBundles": true (its devices have a public key), so it would never be offered: add --encrypt-key, or --session-key and --checksum for a bundle encrypted by @capgo/cli.`,
    );
  }
  if (app.encryptedBundles === false && encrypted) {
    throw new PublishInputError(
      'encrypt-key',
      `App '${app.id}' declares "encryptedBundles": false (its devices have no public key), so they could not decrypt this bundle: publish it unencrypted.`,
    );
  }
  const warnings: string[] = [];
  if (encrypted && app.encryptedBundles === undefined) {
    warnings.push(
      `This bundle is encrypted, and app '${app.id}' does not declare "encryptedBundles" in updateforge.json: devices without the matching public key in their capacitor.config cannot decrypt it, so they are not offered it (plugin 8 says so by sending no key_id) and stay on the bundle before. ` +
        'Once every build of the app carries the key, declare "encryptedBundles": true, which also refuses an unencrypted bundle published by mistake.',
    );
  }
  if (artifact.encryption && !artifact.encryption.checksum) {
    warnings.push(
      'This bundle carries its checksum only in the older base64 form, which @capgo/capacitor-updater 5.30+, 6.43+, 7.30+ and 8.x do not read: those devices will be told to update instead. ' +
        'Publish with --encrypt-key (UpdateForge writes both forms), or encrypt with a @capgo/cli project whose plugin is recent.',
    );
  }
  return warnings;
}
