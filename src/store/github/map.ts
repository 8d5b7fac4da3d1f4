import type { RestEndpointMethodTypes } from '@octokit/rest';
import type { Asset, Release } from '../types.js';

/** A release in GitHub's REST answers (OAS `release`). */
export type GitHubRelease = RestEndpointMethodTypes['repos']['getRelease']['response']['data'];

/** A release asset in GitHub's REST answers (OAS `release-asset`). */
export type GitHubAsset = RestEndpointMethodTypes['repos']['getReleaseAsset']['response']['data'];

export function toAsset(a: GitHubAsset): Asset {
  return {
    id: String(a.id),
    name: a.name,
    label: a.label ?? '',
    size: a.size,
    contentType: a.content_type,
    // The type says always there; servers older than the field (GitHub Enterprise Server) leave it out.
    digest: a.digest ?? null,
    state: a.state === 'uploaded' ? 'uploaded' : 'incomplete',
  };
}

export function toRelease(release: GitHubRelease): Release {
  return {
    id: String(release.id),
    tag: release.tag_name,
    name: release.name ?? '',
    body: release.body ?? '',
    draft: release.draft,
    createdAt: release.created_at,
    assets: release.assets.map(toAsset),
  };
}
