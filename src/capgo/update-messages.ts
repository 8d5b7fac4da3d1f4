import type { ChecksumRefusal, PluginAbilities } from './plugin-abilities.js';
import type { EncryptedForm } from './plugin-builds.js';

/**
 * What the device logs when it gets no bundle, in words a developer can act on. The
 * plugin logs `message` and passes it to the app (`updateCheckResult`, backendRefused).
 */

const FORM_NAMES: Record<EncryptedForm, string> = { v3: 'hex (V3)', legacy: 'older base64' };

function plugin(reported: string | undefined, platform: string | undefined): string {
  return `@capgo/capacitor-updater ${reported ?? '(unknown version)'}${platform ? ` on ${platform}` : ''}`;
}

/** Why bundle `version` cannot go to this device, and what to do about it. */
export function refusalMessage(
  reason: ChecksumRefusal,
  context: { version: string; abilities: PluginAbilities; carried: readonly EncryptedForm[]; reported: string | undefined; platform: string | undefined; declared: boolean },
): string {
  const { version, abilities, carried, reported, platform } = context;
  const who = plugin(reported, platform);
  if (context.declared) {
    return reason === 'encryption_required'
      ? `Bundle ${version} is not encrypted, and updateforge.json declares this app's devices have a public key ("encryptedBundles": true), so it is not offered: publish an encrypted bundle.`
      : `Bundle ${version} is encrypted, and updateforge.json declares this app's devices have no public key ("encryptedBundles": false), so it is not offered: publish it unencrypted.`;
  }
  switch (reason) {
    case 'encryption_required':
      return `This app sets a public key, so ${who} checks every bundle's checksum with it and cannot install the unencrypted bundle ${version}: publish bundles encrypted (--encrypt-key).`;
    case 'public_key_missing':
      return `Bundle ${version} is encrypted, but this app sets no public key: add the publicKey from \`npx @capgo/cli key create\` to capacitor.config, or publish the bundle unencrypted.`;
    case 'plugin_too_old':
      return `Bundle ${version} is encrypted, and ${who} cannot decrypt bundles (that came with 5.10, 6.1.18 and 7.0.2): update the app from the store.`;
    case 'checksum_form_unsupported': {
      const read = abilities.readForms();
      if (read.length > 1) {
        return `Bundle ${version} is encrypted, and the builds of @capgo/capacitor-updater that report ${reported} read different checksum forms (${abilities.names}); this request does not say which one sent it, so no bundle is sent rather than one that may fail its checksum: update the plugin.`;
      }
      const wanted = read[0] ?? 'v3';
      return `Bundle ${version} carries its encrypted checksum only in the ${carried.map((f) => FORM_NAMES[f]).join(' and ')} form, and ${who} reads only the ${FORM_NAMES[wanted]} form: publish it with --encrypt-key (UpdateForge writes both forms), or encrypt it with \`@capgo/cli bundle encrypt\` in a project whose plugin is ${wanted === 'v3' ? 'recent (5.30, 6.43, 7.30, 8.x or later)' : 'older (below 5.30, 6.34 or 7.30)'}.`;
    }
  }
}

export function storeUpdateMessage(version: string, channel: string, minNative: string | undefined): string {
  return `Bundle ${version} on channel '${channel}' needs native version ${minNative ?? '?'} or later; update the app from the store.`;
}

export function resetUnsupportedMessage(current: string, reported: string | undefined, platform: string | undefined): string {
  return `Bundle ${current} was withdrawn and no other bundle is live for this device, but ${plugin(reported, platform)} cannot go back to the built-in bundle (5.10, 6.2.0 and 7.0.2 and later can): publish a newer bundle.`;
}
