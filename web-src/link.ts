// The page's link to one version, `/#version=<id>`: what the action hands out as `install-url`
// (testerPageLink in src/feed/api-paths.ts writes the same form). A fragment, so the id never
// reaches a server log, and it survives the login form.

/** The version id a page address links to, or null. */
export function linkedVersionId(hash: string): string | null {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('version');
  return value === null || value === '' ? null : value;
}
