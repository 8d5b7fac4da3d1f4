import { addBlob, addCommit, assetJson, commitJson, contentFileJson, githubAssetName, newId, refJson, releaseJson, type FakeRelease, type FakeRepo } from './model.js';
import type { FakeGitHub } from './server.js';

export interface Route {
  readonly fake: FakeGitHub;
  readonly params: Record<string, string>;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly raw: Buffer;
  readonly method: string;
  repo?: FakeRepo;
  /** Upload cut short by a fault: the asset stays in the "open" (unfinished) state. */
  readonly unfinished?: boolean;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Raw bytes instead of a JSON body (an asset GitHub serves itself). */
  readonly bytes?: Buffer;
  /** A body of another media type than JSON (`application/vnd.github.sha`), held to the ones the operation documents. */
  readonly text?: { readonly body: string; readonly contentType: string };
  /** The ETag of this answer when GitHub gives it one of its own instead of a hash of its JSON. */
  readonly etag?: string;
}

const DOCS = 'https://docs.github.com/rest';
const notFound = (): Reply => ({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } });
const invalid = (message: string, errors: unknown[] = []): Reply => ({ status: 422, body: { message, errors, documentation_url: DOCS, status: '422' } });
const conflict = (message: string): Reply => ({ status: 409, body: { message, documentation_url: DOCS, status: '409' } });
const emptyRepo = (): Reply => conflict('Git Repository is empty.');
type Body = Record<string, unknown>;

function repoOf(route: Route): FakeRepo {
  if (!route.repo) throw new Error('handler reached without a repository');
  return route.repo;
}

function base(route: Route): string {
  return route.fake.url;
}

/**
 * Publishing creates the tag where `target_commitish` says: "Can be any branch or commit SHA.
 * Unused if the Git tag already exists. Default: the repository's default branch" (OAS
 * `repos/create-release`). It also makes the release "Latest" unless `make_latest` is "false"
 * (prereleases never are: "Drafts and prereleases cannot be set as latest", same field).
 */
function publish(repo: FakeRepo, release: FakeRelease, makeLatest: unknown): void {
  release.draft = false;
  release.publishedAt = new Date().toISOString();
  const target = release.targetCommitish;
  const commit = repo.refs.get(`refs/heads/${target}`) ?? (repo.commits.has(target) ? target : repo.refs.get(`refs/heads/${repo.defaultBranch}`));
  if (commit && !repo.refs.has(`refs/tags/${release.tagName}`)) repo.refs.set(`refs/tags/${release.tagName}`, commit);
  if (makeLatest !== 'false' && !release.prerelease) repo.latestReleaseId = release.id;
}

const LIST_CAP = 1000;

/**
 * Publishing under a tag an immutable release once had: GitHub keeps the name reserved after the
 * release is deleted (see `FakeRepo.reservedTags`); the message is the one users quote
 * (dhkts1/teamclaude-rs#112), in GitHub's `custom` validation-error form (docs "Client errors").
 */
const burnedTag = (repo: FakeRepo, tag: string): Reply | null =>
  repo.reservedTags.has(tag)
    ? invalid('Validation Failed', [{ resource: 'Release', code: 'custom', field: 'tag_name', message: 'tag_name was used by an immutable release' }])
    : null;

const publishedWithTag = (repo: FakeRepo, tag: string) => [...repo.releases.values()].find((r) => !r.draft && r.tagName === tag);

function headCommit(repo: FakeRepo, ref: string) {
  const sha = repo.refs.get(`refs/heads/${ref}`) ?? (repo.commits.has(ref) ? ref : undefined);
  return sha ? repo.commits.get(sha) : undefined;
}

export const handlers: Record<string, (route: Route) => Reply> = {
  'repos/list-releases': (route) => {
    const repo = repoOf(route);
    const perPage = Math.min(Number(route.query['per_page'] ?? 30), 100);
    const page = Number(route.query['page'] ?? 1);
    // GitHub serves only the first 1,000 results of this list, drafts included; a page past them is a 422
    // (iree-org/iree#16506, homarr-labs/homarr#6559 quote it at page 11 of 100).
    if ((page - 1) * perPage >= LIST_CAP) return invalid('Only the first 1000 results are available.');
    const all = [...repo.releases.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (p: number, rel: string) => `<${base(route)}/repos/${repo.owner}/${repo.name}/releases?per_page=${perPage}&page=${p}>; rel="${rel}"`;
    const links = [...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []), ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : [])];
    return {
      status: 200,
      body: all.slice((page - 1) * perPage, page * perPage).map((r) => releaseJson(base(route), repo, r)),
      headers: links.length ? { link: links.join(', ') } : ({} as Record<string, string>),
    };
  },

  'repos/get-release-by-tag': (route) => {
    const repo = repoOf(route);
    const release = publishedWithTag(repo, route.params['tag'] ?? '');
    return release ? { status: 200, body: releaseJson(base(route), repo, release) } : notFound();
  },

  'repos/get-latest-release': (route) => {
    const repo = repoOf(route);
    const release = repo.latestReleaseId === null ? undefined : repo.releases.get(repo.latestReleaseId);
    return release ? { status: 200, body: releaseJson(base(route), repo, release) } : notFound();
  },

  'repos/get-release': (route) => {
    const repo = repoOf(route);
    const release = repo.releases.get(Number(route.params['release_id']));
    return release ? { status: 200, body: releaseJson(base(route), repo, release) } : notFound();
  },

  'repos/create-release': (route) => {
    const repo = repoOf(route);
    const body = route.body as Body;
    const tag = String(body['tag_name']);
    if (publishedWithTag(repo, tag)) return invalid('Validation Failed', [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
    if (repo.refs.size === 0) return invalid('Repository is empty.');
    if (body['draft'] !== true) {
      const burned = burnedTag(repo, tag);
      if (burned) return burned;
    }
    // A target that is neither a branch nor a full commit sha of this repository is refused, e.g. a
    // commit of another repository (iNavFlight/inav#11388: "Release.target_commitish is invalid";
    // the body as jreleaser/jreleaser#1500 quotes it).
    const target = body['target_commitish'];
    if (typeof target === 'string' && !repo.refs.has(`refs/heads/${target}`) && !repo.commits.has(target)) {
      return invalid('Validation Failed', [{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
    }
    const release: FakeRelease = {
      id: newId(),
      tagName: tag,
      targetCommitish: String(body['target_commitish'] ?? repo.defaultBranch),
      name: (body['name'] as string | undefined) ?? null,
      body: (body['body'] as string | undefined) ?? null,
      draft: body['draft'] === true,
      prerelease: body['prerelease'] === true,
      createdAt: new Date().toISOString(),
      publishedAt: null,
      assetIds: [],
    };
    repo.releases.set(release.id, release);
    if (!release.draft) publish(repo, release, body['make_latest']);
    return { status: 201, body: releaseJson(base(route), repo, release) };
  },

  'repos/update-release': (route) => {
    const repo = repoOf(route);
    const release = repo.releases.get(Number(route.params['release_id']));
    if (!release) return notFound();
    const body = route.body as Body;
    if (repo.immutableReleases && !release.draft && body['draft'] === true) return invalid('Cannot convert an immutable release back to a draft.');
    if (typeof body['name'] === 'string') release.name = body['name'];
    if (typeof body['body'] === 'string') release.body = body['body'];
    if (typeof body['tag_name'] === 'string' && release.draft) release.tagName = body['tag_name'];
    if (body['draft'] === false && release.draft) {
      if (publishedWithTag(repo, release.tagName)) return invalid('Validation Failed', [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
      const burned = burnedTag(repo, release.tagName);
      if (burned) return burned;
      publish(repo, release, body['make_latest']);
    } else if (body['draft'] === true) release.draft = true;
    // OAS `repos/update-release`, `make_latest`: "true" sets an already published release as the latest.
    else if (body['make_latest'] === 'true' && !release.draft && !release.prerelease) repo.latestReleaseId = release.id;
    return { status: 200, body: releaseJson(base(route), repo, release) };
  },

  'repos/delete-release': (route) => {
    const repo = repoOf(route);
    const release = repo.releases.get(Number(route.params['release_id']));
    if (!release) return notFound();
    repo.releases.delete(release.id);
    for (const id of release.assetIds) repo.assets.delete(id);
    if (repo.immutableReleases && !release.draft) repo.reservedTags.add(release.tagName);
    // Which release GitHub promotes then is not documented; the fake shows none rather than guess.
    if (repo.latestReleaseId === release.id) repo.latestReleaseId = null;
    return { status: 204 };
  },

  'repos/upload-release-asset': (route) => {
    const repo = repoOf(route);
    const release = repo.releases.get(Number(route.params['release_id']));
    if (!release) return notFound();
    if (repo.immutableReleases && !release.draft) return invalid('Cannot upload assets to an immutable release.');
    const name = githubAssetName(route.query['name'] ?? '');
    const taken = release.assetIds.map((id) => repo.assets.get(id)).find((a) => a?.name === name);
    if (taken) return invalid('Validation Failed', [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }]);
    const contentType = route.headers['content-type'];
    if (!contentType) return invalid('Content-Type header is required.');
    const asset = {
      id: newId(),
      releaseId: release.id,
      name,
      label: route.query['label'] ?? '',
      contentType,
      bytes: route.raw,
      state: route.unfinished ? ('open' as const) : ('uploaded' as const),
      createdAt: new Date().toISOString(),
      // A new asset starts at 0, a re-uploaded one too (a user's report: HanaDigital/grev#49).
      downloadCount: 0,
    };
    repo.assets.set(asset.id, asset);
    release.assetIds.push(asset.id);
    return { status: 201, body: assetJson(base(route), repo, asset) };
  },

  'repos/get-release-asset': (route) => {
    const repo = repoOf(route);
    const asset = repo.assets.get(Number(route.params['asset_id']));
    if (!asset) return notFound();
    if ((route.headers['accept'] ?? '').includes('application/octet-stream')) {
      // GitHub documents "302 or 200 with the bytes"; when it serves them itself, it ignores Range.
      if (route.fake.assetsServedDirectly)
        return { status: 200, bytes: asset.bytes, headers: { 'content-type': 'application/octet-stream', 'content-length': String(asset.bytes.length) } };
      return { status: 302, headers: { location: route.fake.signedAssetUrl(repo, asset.id) } };
    }
    return { status: 200, body: assetJson(base(route), repo, asset) };
  },

  'repos/delete-release-asset': (route) => {
    const repo = repoOf(route);
    const asset = repo.assets.get(Number(route.params['asset_id']));
    if (!asset) return notFound();
    const release = repo.releases.get(asset.releaseId);
    if (repo.immutableReleases && release && !release.draft) return invalid('Cannot delete assets of an immutable release.');
    repo.assets.delete(asset.id);
    if (release) release.assetIds = release.assetIds.filter((id) => id !== asset.id);
    return { status: 204 };
  },

  'repos/get-content': (route) => {
    const repo = repoOf(route);
    if (repo.refs.size === 0) return notFound();
    const ref = route.query['ref'] ?? repo.defaultBranch;
    const commit = headCommit(repo, ref);
    if (!commit) return { status: 404, body: { message: `No commit found for the ref ${ref}`, documentation_url: DOCS, status: '404' } };
    const path = route.params['path'] ?? '';
    const sha = commit.files.get(path);
    return sha ? { status: 200, body: contentFileJson(base(route), repo, path, sha, ref) } : notFound();
  },

  /**
   * Only the `application/vnd.github.sha` form: "Returns the commit's SHA-1 hash. You can use this endpoint
   * to check if a remote reference's SHA-1 hash is the same as your local reference's SHA-1 hash by
   * providing the local SHA-1 reference as the ETag" (OAS `repos/get-commit`). The answer is the bare sha
   * (40 bytes) with the quoted sha as its ETag, and 304 while `If-None-Match` holds it (andrmuel/projectile-git-autofetch#6;
   * the ETag must be quoted to match, sigmavirus24/github3.py#585). A ref with no commit is a 422
   * "No commit found for SHA: <ref>" even for a branch name (squalrus/merge-bot#54, zizmorcore/zizmor#972).
   */
  'repos/get-commit': (route) => {
    const repo = repoOf(route);
    if (repo.refs.size === 0) return emptyRepo();
    const ref = route.params['ref'] ?? '';
    const sha =
      repo.refs.get(`refs/heads/${ref}`) ?? repo.refs.get(`refs/tags/${ref}`) ?? repo.refs.get(`refs/${ref.replace(/^refs\//, '')}`) ?? (repo.commits.has(ref) ? ref : undefined);
    if (!sha) return invalid(`No commit found for SHA: ${ref}`);
    if (!/application\/vnd\.github\.(?:v3\.)?sha/.test(route.headers['accept'] ?? '')) {
      route.fake.violations.push('the fake answers repos/get-commit only as application/vnd.github.sha');
      return notFound();
    }
    return { status: 200, text: { body: sha, contentType: 'application/vnd.github.sha; charset=utf-8' }, etag: `"${sha}"` };
  },

  'repos/create-or-update-file-contents': (route) => {
    const repo = repoOf(route);
    const body = route.body as Body;
    const branch = String(body['branch'] ?? repo.defaultBranch);
    const head = headCommit(repo, branch);
    if (!head) return { status: 404, body: { message: `Branch ${branch} not found`, documentation_url: DOCS, status: '404' } };
    const path = route.params['path'] ?? '';
    const current = head.files.get(path);
    if (current && body['sha'] === undefined) return invalid('Invalid request.\n\n"sha" wasn\'t supplied.');
    if (body['sha'] !== undefined && body['sha'] !== current) return conflict(`${path} does not match ${String(body['sha'])}`);
    const blob = addBlob(repo, Buffer.from(String(body['content']), 'base64'));
    const files = new Map(head.files).set(path, blob);
    const commit = addCommit(repo, { parents: [head.sha], message: String(body['message']), files });
    repo.refs.set(`refs/heads/${branch}`, commit.sha);
    const file = contentFileJson(base(route), repo, path, blob, branch);
    const { content: _c, encoding: _e, ...summary } = file;
    return { status: current ? 200 : 201, body: { content: summary, commit: commitJson(base(route), repo, commit) } };
  },

  'repos/delete-file': (route) => {
    const repo = repoOf(route);
    const body = route.body as Body;
    const branch = String(body['branch'] ?? repo.defaultBranch);
    const head = headCommit(repo, branch);
    const path = route.params['path'] ?? '';
    const current = head?.files.get(path);
    if (!head || !current) return notFound();
    if (body['sha'] !== current) return conflict(`${path} does not match ${String(body['sha'])}`);
    const files = new Map(head.files);
    files.delete(path);
    const commit = addCommit(repo, { parents: [head.sha], message: String(body['message']), files });
    repo.refs.set(`refs/heads/${branch}`, commit.sha);
    return { status: 200, body: { content: null, commit: commitJson(base(route), repo, commit) } };
  },

  'git/get-ref': (route) => {
    const repo = repoOf(route);
    if (repo.refs.size === 0) return emptyRepo();
    const ref = `refs/${route.params['ref'] ?? ''}`;
    const sha = repo.refs.get(ref);
    return sha ? { status: 200, body: refJson(base(route), repo, ref, sha) } : notFound();
  },

  // "If the :ref doesn't exist in the repository, but existing refs start with :ref, they will be
  // returned as an array" (OAS `git/list-matching-refs`); no page parameters: all of them at once.
  'git/list-matching-refs': (route) => {
    const repo = repoOf(route);
    if (repo.refs.size === 0) return emptyRepo();
    const prefix = `refs/${route.params['ref'] ?? ''}`;
    const matching = [...repo.refs].filter(([ref]) => ref.startsWith(prefix)).sort(([a], [b]) => a.localeCompare(b));
    return { status: 200, body: matching.map(([ref, sha]) => refJson(base(route), repo, ref, sha)) };
  },

  'git/create-tree': (route) => {
    const repo = repoOf(route);
    if (repo.refs.size === 0) return emptyRepo();
    const body = route.body as Body;
    const baseFiles = body['base_tree'] ? [...repo.commits.values()].find((c) => c.treeSha === body['base_tree'])?.files : undefined;
    const files = new Map(baseFiles ?? []);
    for (const entry of body['tree'] as { path: string; content?: string; sha?: string }[]) {
      files.set(entry.path, entry.sha ?? addBlob(repo, Buffer.from(entry.content ?? '', 'utf8')));
    }
    // Trees are kept as the commit that carries them; a tree not yet committed is kept as a pending commit-to-be.
    const pending = addCommit(repo, { parents: ['(tree)'], message: '(tree)', files });
    const api = `${base(route)}/repos/${repo.owner}/${repo.name}`;
    return {
      status: 201,
      body: {
        sha: pending.treeSha,
        url: `${api}/git/trees/${pending.treeSha}`,
        truncated: false,
        tree: [...files].map(([path, sha]) => ({ path, mode: '100644', type: 'blob', sha, size: repo.blobs.get(sha)?.length ?? 0, url: `${api}/git/blobs/${sha}` })),
      },
    };
  },

  'git/create-commit': (route) => {
    const repo = repoOf(route);
    if (repo.refs.size === 0) return emptyRepo();
    const body = route.body as Body;
    const tree = [...repo.commits.values()].find((c) => c.treeSha === body['tree']);
    if (!tree) return invalid('Tree SHA does not exist');
    const parents = (body['parents'] as string[] | undefined) ?? [];
    if (parents.some((p) => !repo.commits.has(p))) return invalid('Parent SHA does not exist or is not a commit object');
    const commit = addCommit(repo, { parents, message: String(body['message']), files: new Map(tree.files) });
    return { status: 201, body: commitJson(base(route), repo, commit) };
  },

  'git/create-ref': (route) => {
    const repo = repoOf(route);
    if (repo.refs.size === 0) return emptyRepo();
    const body = route.body as Body;
    const ref = String(body['ref']);
    if (repo.refs.has(ref)) return invalid('Reference already exists');
    if (!repo.commits.has(String(body['sha']))) return invalid('Object does not exist');
    repo.refs.set(ref, String(body['sha']));
    return { status: 201, body: refJson(base(route), repo, ref, String(body['sha'])) };
  },

  'git/get-blob': (route) => {
    const repo = repoOf(route);
    const sha = route.params['file_sha'] ?? '';
    const content = repo.blobs.get(sha);
    if (!content) return notFound();
    // "application/vnd.github.raw+json: Returns the raw blob data" (OAS `git/get-blob`).
    if ((route.headers['accept'] ?? '').includes('application/vnd.github.raw'))
      return { status: 200, bytes: content, headers: { 'content-type': 'application/vnd.github.raw+json; charset=utf-8', 'content-length': String(content.length) } };
    return {
      status: 200,
      body: {
        sha,
        node_id: `B_${sha.slice(0, 12)}`,
        url: `${base(route)}/repos/${repo.owner}/${repo.name}/git/blobs/${sha}`,
        size: content.length,
        content: content.toString('base64'),
        encoding: 'base64',
      },
    };
  },
};
