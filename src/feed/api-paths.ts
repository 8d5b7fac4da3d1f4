import path from 'node:path';

// The public URL paths of the HTTP API that other parts of the system hand out: the server in its
// answers, the publish pipeline and the action in their results. The route files under `api/` are
// the other side of these paths (`api/v1/versions/[id]/download.ts`, `api/files/apps/[app]/[file].ts`).

/** Root-relative path of a version's artifact: `/api/v1/versions/{id}/download`. */
export function downloadPath(versionId: string): string {
  return `/api/v1/versions/${encodeURIComponent(versionId)}/download`;
}

/** Root-relative path of an iOS version's over-the-air install manifest: `/api/v1/versions/{id}/manifest.plist`. */
export function installManifestPath(versionId: string): string {
  return `/api/v1/versions/${encodeURIComponent(versionId)}/manifest.plist`;
}

/**
 * Root-relative path of one file of a version's bundle: `/api/v1/bundles/{id}/files/{path}`, the
 * file's path in one segment (its slashes as %2F), since Vercel's `[param]` matches one segment only.
 */
export function bundleFilePath(versionId: string, file: string): string {
  return `/api/v1/bundles/${encodeURIComponent(versionId)}/files/${encodeURIComponent(file)}`;
}

/**
 * The tester page's link to one version: the deployment's address (`pageUrl`, path kept) with
 * `#version={id}`, which web-src/link.ts reads. A fragment, so the id never reaches a server log.
 */
export function testerPageLink(pageUrl: string, versionId: string): string {
  const url = new URL(pageUrl);
  url.hash = `version=${encodeURIComponent(versionId)}`;
  return url.href;
}

/** The file name an app's icon is served under: the last segment of its path on the manifest branch. */
export function iconFileName(icon: string): string {
  return path.posix.basename(icon);
}

/** Root-relative path of an app's icon (`icon` as the manifest names it): `/api/files/apps/{app}/{file}`. */
export function iconPath(appId: string, icon: string): string {
  return `/api/files/apps/${encodeURIComponent(appId)}/${encodeURIComponent(iconFileName(icon))}`;
}
