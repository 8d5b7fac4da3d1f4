/** What an iOS over-the-air install manifest says about one build. */
export interface OtaManifest {
  /** Absolute URL of the .ipa (a signed download link). */
  readonly ipaUrl: string;
  /** The app's bundle identifier (the manifest app's `packageName`). */
  readonly bundleIdentifier: string;
  readonly bundleVersion: string;
  /** The name iOS shows while it installs. */
  readonly title: string;
}

/**
 * The manifest an `itms-services://?action=download-manifest&url=<manifest URL>` link points at:
 * an XML property list with `items[0].assets[0]` = `{kind: software-package, url}` and
 * `items[0].metadata` = `{bundle-identifier, bundle-version, kind: software, title}`.
 * Apple describes this manifest (the one Xcode writes when an app is exported for in-house
 * distribution) in "Distribute proprietary in-house apps to Apple devices",
 * https://support.apple.com/guide/deployment/depce7cefc4d/web ; the property list format is
 * Apple's PropertyList-1.0 DTD. Every value is XML-escaped.
 */
export function otaManifestXml(manifest: OtaManifest): string {
  const entry = (key: string, value: string) => `<key>${xmlEscape(key)}</key><string>${xmlEscape(value)}</string>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict><key>items</key><array><dict>',
    `<key>assets</key><array><dict>${entry('kind', 'software-package')}${entry('url', manifest.ipaUrl)}</dict></array>`,
    '<key>metadata</key><dict>',
    entry('bundle-identifier', manifest.bundleIdentifier),
    entry('bundle-version', manifest.bundleVersion),
    entry('kind', 'software'),
    entry('title', manifest.title),
    '</dict>',
    '</dict></array></dict>',
    '</plist>',
    '',
  ].join('\n');
}

/** Text safe inside an XML element or attribute. */
export function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
}
