import { candidateBuilds, sendsKeyId, type PluginRequest } from './identify-plugin.js';
import type { DeltaSupport, EncryptedForm, PlainForm, PluginBuild } from './plugin-builds.js';

/** Whether the app on the device sets a Capgo public key, as far as its request tells. */
export type KeyState = 'yes' | 'no' | 'unknown';

/** Why no checksum form fits: each becomes a "blocked" answer that says what to do. */
export type ChecksumRefusal =
  /** An unencrypted bundle, and the app's public key makes the plugin decrypt every checksum. */
  | 'encryption_required'
  /** An encrypted bundle, and the app sets no public key. */
  | 'public_key_missing'
  /** An encrypted bundle, and the plugin cannot decrypt bundles at all. */
  | 'plugin_too_old'
  /** An encrypted bundle whose checksum form this plugin does not read (or that not every build sending this request reads). */
  | 'checksum_form_unsupported';

export type Choice<T> = { readonly ok: true; readonly form: T } | { readonly ok: false; readonly reason: ChecksumRefusal };

/** Integrity first: a real digest beats an empty checksum whenever every candidate accepts it. */
const PLAIN_PREFERENCE: readonly PlainForm[] = ['sha256', 'crc32', 'empty'];

/**
 * What every build that may have sent a request can take. Where builds that send
 * identical requests differ, only an answer all of them accept is given, so a wrong
 * guess ends in a clear "blocked" answer on the device, never in a failed install.
 */
export class PluginAbilities {
  constructor(
    readonly candidates: readonly PluginBuild[],
    /** The key state of each candidate, in the same order. */
    private readonly keys: readonly KeyState[],
  ) {}

  /**
   * A `key_id` says the app has a key; its absence says it has none only on builds that
   * always send one, or when updateforge.json declares the app has none.
   */
  static of(candidates: readonly PluginBuild[], signs: { keyIdSent: boolean; noKeyDeclared?: boolean }): PluginAbilities {
    const keyOf = (b: PluginBuild): KeyState => (signs.keyIdSent ? 'yes' : b.keyId || signs.noKeyDeclared ? 'no' : 'unknown');
    return new PluginAbilities(candidates, candidates.map(keyOf));
  }

  /** The checksum an unencrypted bundle goes out with, of those it has (a bundle may lack its CRC32). */
  plainChecksum(available: readonly PlainForm[]): Choice<PlainForm> {
    const sets = this.candidates.map((b, i) => {
      const key = this.keys[i];
      if (key === 'yes') return { sure: b.plainWithKey, likely: b.plainWithKey };
      if (key === 'no') return { sure: b.plain, likely: b.plain };
      return { sure: b.plain.filter((f) => b.plainWithKey.includes(f)), likely: b.plain };
    });
    // Prefer a form that installs whether or not the app sets a key; else what installs without one (the common case).
    const forms = PLAIN_PREFERENCE.filter((f) => available.includes(f));
    const form = forms.find((f) => sets.every((s) => s.sure.includes(f))) ?? forms.find((f) => sets.every((s) => s.likely.includes(f)));
    return form ? { ok: true, form } : { ok: false, reason: 'encryption_required' };
  }

  /** The form to send an encrypted bundle's checksum in, of those it carries (V3 first). */
  encryptedChecksum(available: readonly EncryptedForm[]): Choice<EncryptedForm> {
    if (this.keys.includes('no')) return { ok: false, reason: 'public_key_missing' };
    if (this.candidates.some((b) => b.encrypted === null)) return { ok: false, reason: 'plugin_too_old' };
    const form = available.find((f) => this.candidates.every((b) => b.encrypted === f));
    return form ? { ok: true, form } : { ok: false, reason: 'checksum_form_unsupported' };
  }

  /** The forms these builds read, for messages: "the hex (V3) form". */
  readForms(): readonly EncryptedForm[] {
    return [...new Set(this.candidates.flatMap((b) => (b.encrypted ? [b.encrypted] : [])))];
  }

  get builtin(): boolean {
    return this.candidates.every((b) => b.builtin);
  }

  get keepsChannel(): boolean {
    return this.candidates.every((b) => b.keepsChannel);
  }

  /** The delta updates every candidate takes, or null (the whole zip) when one takes none or they want other forms. */
  get delta(): DeltaSupport | null {
    const all = this.candidates.map((b) => b.delta);
    const first = all[0];
    if (!first || all.some((d) => d === null || d.form !== first.form)) return null;
    return { form: first.form, brNames: all.every((d) => d!.brNames) };
  }

  get retryAfter(): boolean {
    return this.candidates.every((b) => b.retryAfter);
  }

  /** "Android 7.0.2–7.0.29", or several names joined when builds share a request. */
  get names(): string {
    return this.candidates.map((b) => b.name).join(' or ');
  }
}

/** What the plugins that may have sent `request` can take (`noKeyDeclared`: updateforge.json says the app sets no public key). */
export function abilitiesFor(request: PluginRequest, noKeyDeclared = false): PluginAbilities {
  return PluginAbilities.of(candidateBuilds(request), { keyIdSent: sendsKeyId(request.info), noKeyDeclared });
}
