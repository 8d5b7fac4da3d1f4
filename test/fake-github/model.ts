import { createHash, randomBytes } from 'node:crypto';

/**
 * The state of the fake GitHub: repositories with releases, assets and a small git
 * object store (blobs, commits holding a flat file map, refs). Objects are rendered
 * in GitHub's JSON shapes by the functions below, which the OpenAPI checks hold to.
 */

export interface FakeAsset {
  id: number;
  releaseId: number;
  name: string;
  label: string;
  contentType: string;
  bytes: Buffer;
  state: 'uploaded' | 'open';
  createdAt: string;
  /**
   * GitHub's `download_count` (OAS `release-asset.download_count`: a required integer, with no word on
   * what adds to it; src/store/github/download-counts.ts). Starts at 0 and is left alone by the fake's
   * downloads, since GitHub documents no request that adds one: a test sets what GitHub reports.
   */
  downloadCount: number;
}

export interface FakeRelease {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  createdAt: string;
  publishedAt: string | null;
  assetIds: number[];
}

export interface FakeCommit {
  sha: string;
  parents: string[];
  message: string;
  /** path → blob sha: a flat view of the commit's tree. */
  files: Map<string, string>;
  treeSha: string;
}

export interface FakeRepo {
  owner: string;
  name: string;
  private: boolean;
  defaultBranch: string;
  /** GitHub's immutable releases setting: a published release's assets can no longer change. */
  immutableReleases: boolean;
  /**
   * Whether assets carry a `digest`: GitHub added it on 2025-06-03
   * (https://github.blog/changelog/2025-06-03-releases-now-expose-digests-for-release-assets/);
   * older GitHub Enterprise Servers answer without it (OAS: `digest` is nullable).
   */
  assetDigests: boolean;
  releases: Map<number, FakeRelease>;
  assets: Map<number, FakeAsset>;
  blobs: Map<string, Buffer>;
  commits: Map<string, FakeCommit>;
  refs: Map<string, string>;
  /**
   * The release GitHub shows as "Latest": a release published without `make_latest: "false"`
   * becomes it ("Defaults to `true` for newly published releases", OAS `repos/create-release`
   * and `repos/update-release`, `make_latest`), and drafts never are.
   */
  latestReleaseId: number | null;
  /**
   * Tags an immutable release was published with and that release then deleted: "If you delete the
   * immutable release, you can delete the tag, but you cannot reuse the same tag name"
   * (https://docs.github.com/en/code-security/concepts/supply-chain-security/immutable-releases,
   * quoted in tenstorrent/tt-system-firmware#1396). Burned for good, even with the setting off
   * (dhkts1/teamclaude-rs#112, cameronrye/openzim-mcp#217).
   */
  reservedTags: Set<string>;
}

let nextId = 1000;
export const newId = () => ++nextId;

export function gitBlobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

export function createRepo(owner: string, name: string, options: { private?: boolean; empty?: boolean; immutableReleases?: boolean; assetDigests?: boolean } = {}): FakeRepo {
  const repo: FakeRepo = {
    owner,
    name,
    private: options.private ?? true,
    defaultBranch: 'main',
    immutableReleases: options.immutableReleases ?? false,
    assetDigests: options.assetDigests ?? true,
    releases: new Map(),
    assets: new Map(),
    blobs: new Map(),
    commits: new Map(),
    refs: new Map(),
    latestReleaseId: null,
    reservedTags: new Set(),
  };
  if (!options.empty) {
    const readme = Buffer.from(`# ${name}\n`);
    const commit = addCommit(repo, { parents: [], message: 'Initial commit', files: new Map([['README.md', addBlob(repo, readme)]]) });
    repo.refs.set('refs/heads/main', commit.sha);
  }
  return repo;
}

export function addBlob(repo: FakeRepo, content: Buffer): string {
  const sha = gitBlobSha(content);
  repo.blobs.set(sha, content);
  return sha;
}

export function addCommit(repo: FakeRepo, commit: { parents: string[]; message: string; files: Map<string, string> }): FakeCommit {
  const treeSha = createHash('sha1')
    .update(JSON.stringify([...commit.files].sort()))
    .digest('hex');
  const sha = createHash('sha1')
    .update(`${treeSha}\0${commit.parents.join(',')}\0${commit.message}\0${nextId++}`)
    .digest('hex');
  const full = { ...commit, sha, treeSha };
  repo.commits.set(sha, full);
  return full;
}

const ISO = (d: string) => d.replace(/\.\d{3}Z$/, 'Z');

export function userJson(base: string) {
  const login = 'github-actions[bot]';
  const url = `${base}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id: 41898282,
    node_id: 'MDM6Qm90NDE4OTgyODI=',
    avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
    gravatar_id: '',
    url,
    html_url: 'https://github.com/apps/github-actions',
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'Bot',
    site_admin: false,
  };
}

export function assetJson(base: string, repo: FakeRepo, asset: FakeAsset) {
  const url = `${base}/repos/${repo.owner}/${repo.name}/releases/assets/${asset.id}`;
  const release = repo.releases.get(asset.releaseId);
  return {
    url,
    browser_download_url: `https://github.com/${repo.owner}/${repo.name}/releases/download/${encodeURIComponent(release?.tagName ?? '')}/${encodeURIComponent(asset.name)}`,
    id: asset.id,
    node_id: `RA_${asset.id}`,
    name: asset.name,
    label: asset.label,
    state: asset.state,
    content_type: asset.contentType,
    size: asset.bytes.length,
    digest: asset.state === 'uploaded' && repo.assetDigests ? `sha256:${createHash('sha256').update(asset.bytes).digest('hex')}` : null,
    download_count: asset.downloadCount,
    created_at: ISO(asset.createdAt),
    updated_at: ISO(asset.createdAt),
    uploader: userJson(base),
  };
}

export function releaseJson(base: string, repo: FakeRepo, release: FakeRelease) {
  const api = `${base}/repos/${repo.owner}/${repo.name}`;
  return {
    url: `${api}/releases/${release.id}`,
    html_url: `https://github.com/${repo.owner}/${repo.name}/releases/${release.draft ? `untagged-${release.id}` : `tag/${encodeURIComponent(release.tagName)}`}`,
    assets_url: `${api}/releases/${release.id}/assets`,
    // Uploads go to this very server, as they go to uploads.github.com on GitHub.
    upload_url: `${api}/releases/${release.id}/assets{?name,label}`,
    tarball_url: release.draft ? null : `${api}/tarball/${encodeURIComponent(release.tagName)}`,
    zipball_url: release.draft ? null : `${api}/zipball/${encodeURIComponent(release.tagName)}`,
    id: release.id,
    node_id: `RE_${release.id}`,
    tag_name: release.tagName,
    target_commitish: release.targetCommitish,
    name: release.name,
    body: release.body,
    draft: release.draft,
    prerelease: release.prerelease,
    immutable: repo.immutableReleases && !release.draft,
    created_at: ISO(release.createdAt),
    published_at: release.publishedAt ? ISO(release.publishedAt) : null,
    author: userJson(base),
    assets: release.assetIds
      .map((id) => repo.assets.get(id))
      .filter((a): a is FakeAsset => a !== undefined)
      .map((a) => assetJson(base, repo, a)),
  };
}

export function commitJson(base: string, repo: FakeRepo, commit: FakeCommit) {
  const api = `${base}/repos/${repo.owner}/${repo.name}`;
  const who = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com', date: ISO(new Date().toISOString()) };
  return {
    sha: commit.sha,
    node_id: `C_${commit.sha.slice(0, 12)}`,
    url: `${api}/git/commits/${commit.sha}`,
    html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${commit.sha}`,
    author: who,
    committer: who,
    message: commit.message,
    tree: { sha: commit.treeSha, url: `${api}/git/trees/${commit.treeSha}` },
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/git/commits/${sha}`, html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${sha}` })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

export function contentFileJson(base: string, repo: FakeRepo, path: string, sha: string, ref: string) {
  const content = repo.blobs.get(sha) ?? Buffer.alloc(0);
  const api = `${base}/repos/${repo.owner}/${repo.name}`;
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  const raw = `https://raw.githubusercontent.com/${repo.owner}/${repo.name}/${encodeURIComponent(ref)}/${encoded}`;
  // Like GitHub: files over 1 MB come without their content; read them as a blob.
  const inline = content.length <= 1024 * 1024;
  return {
    type: 'file',
    encoding: inline ? 'base64' : 'none',
    size: content.length,
    name: path.split('/').pop() ?? path,
    path,
    content: inline ? content.toString('base64').replace(/.{60}/g, '$&\n') : '',
    sha,
    url: `${api}/contents/${encoded}?ref=${encodeURIComponent(ref)}`,
    git_url: `${api}/git/blobs/${sha}`,
    html_url: `https://github.com/${repo.owner}/${repo.name}/blob/${encodeURIComponent(ref)}/${encoded}`,
    download_url: repo.private ? `${raw}?token=${rawToken()}` : raw,
    _links: {
      self: `${api}/contents/${encoded}?ref=${encodeURIComponent(ref)}`,
      git: `${api}/git/blobs/${sha}`,
      html: `https://github.com/${repo.owner}/${repo.name}/blob/${encodeURIComponent(ref)}/${encoded}`,
    },
  };
}

/**
 * The token of a private file's `download_url`, new on every read: raw.githubusercontent.com cannot be read
 * with an API token, so GitHub hands out one per file (mozilla/experimenter#9946 and #9947), and "Download
 * URLs expire and are meant to be used just once. To ensure the download URL does not expire, please use
 * the contents API to obtain a fresh download URL for each download" (OAS `repos/get-content`). As the
 * answer's ETag hashes its JSON, a private file's ETag changes on every read and `If-None-Match` never
 * gets a 304 (KnpLabs/php-github-api#273); a public file's `download_url` has no token and its ETag holds.
 */
function rawToken(): string {
  return `A${randomBytes(20)
    .toString('base64url')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, 'A')}`;
}

export function refJson(base: string, repo: FakeRepo, ref: string, sha: string) {
  return {
    ref,
    node_id: `REF_${sha.slice(0, 12)}`,
    url: `${base}/repos/${repo.owner}/${repo.name}/git/${ref}`,
    object: { type: 'commit', sha, url: `${base}/repos/${repo.owner}/${repo.name}/git/commits/${sha}` },
  };
}

/** GitHub's renaming of asset names: runs of characters outside [A-Za-z0-9._-] become '.', no leading or trailing dots. */
export function githubAssetName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '.').replace(/^\.+|\.+$/g, '') || 'default.bin';
}
