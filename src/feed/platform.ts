/** Which phones can install a build, told by its file name: `.apk` Android, `.ipa` iOS, anything else other. */
export type Platform = 'android' | 'ios' | 'other';

/** The platform of a build file from its extension (any case): what the tester page offers to install. */
export function platformOf(fileName: string): Platform {
  const name = fileName.toLowerCase();
  if (name.endsWith('.apk')) return 'android';
  if (name.endsWith('.ipa')) return 'ios';
  return 'other';
}
