import type { GitHubReleases } from './releases.js';

/**
 * Download counts of release assets as GitHub reports them: each asset's `download_count`, read from
 * the release listing (100 releases a request), so a feed of any size costs a request per 100
 * releases, not one per asset.
 *
 * What GitHub counts is not documented. The field is a required integer with no description in the
 * REST description (OAS `release-asset.download_count`, @octokit/openapi 23.0.2), "The number of times
 * this asset was downloaded" in the GraphQL schema (`ReleaseAsset.downloadCount`, @octokit/graphql-schema),
 * and the docs of `GET /repos/{owner}/{repo}/releases/assets/{asset_id}` (docs.github.com/en/rest/releases/assets)
 * give the two ways to download (`browser_download_url`, or that endpoint with
 * `Accept: application/octet-stream`, answered 302 or 200) without saying which of them, or which
 * request of the redirect, adds one. No issue or page we found says either (searched 2026-12-01).
 * What is reported: every fetch of an asset counts, whatever the client (update checkers' polls of a
 * `latest.yml` inflate counts, Slush97/grimoire#233); a re-uploaded asset starts again at 0
 * (HanaDigital/grev#49); source archives are no assets and are never counted.
 *
 * So the number is GitHub's, not ours: it includes downloads straight from GitHub (the release page,
 * other tools), and our own downloads reach it in a way we cannot see. The server asks the API for an
 * asset once per signed link and sends every download and Range request of the next ~50 minutes to
 * that link (signed-links.ts): if GitHub counts the API request, those downloads count about once;
 * if it counts the signed host's answers, a resumed download counts once per request. Shown as it is.
 */
export async function readDownloadCounts(releases: GitHubReleases, assetIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
  const wanted = new Set(assetIds);
  const counts = new Map<string, number>();
  // Past GitHub's first 1,000 releases (`capped`) the older assets are not listed: left out, not guessed.
  await releases.pages('read download counts', (page) => {
    for (const release of page) {
      for (const asset of release.assets) {
        const id = String(asset.id);
        // The type says always there; an answer without it (an older GitHub Enterprise Server) tells nothing.
        if (wanted.has(id) && typeof asset.download_count === 'number') counts.set(id, asset.download_count);
      }
    }
  });
  return counts;
}
