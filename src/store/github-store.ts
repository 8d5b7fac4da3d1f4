import { Readable, pipeline } from 'node:stream';
import { HashingStream } from '../util/hashing-stream.js';
import type { Logger } from '../util/logger.js';
import { ReleaseListCapped, StoreConflictError, TagUnavailableError } from './errors.js';
import { createGitHubClient, githubFetch, patienceLimits, type GitHubClient, type GitHubClientOptions } from './github-client.js';
import { describeGitHubError, emptyRepository, isRequestError, isStatus, parseRepo } from './github-errors.js';
import type { Store } from './store.js';
import { GitHubBranchFiles } from './github-branch-files.js';
import { GitHubAssetDownloads } from './github-downloads.js';
import type { Asset, AssetUpload, BranchFile, ByteRange, NewRelease, ReadBranchFile, Release, ReleasePatch, WriteBranchFile } from './types.js';

interface GitHubAsset {
  id: number;
  name: string;
  label: string | null;
  size: number;
  content_type: string;
  digest?: string | null;
  state: string;
}

interface GitHubRelease {
  id: number;
  tag_name: string;
  name: string | null;
  body?: string | null;
  draft: boolean;
  created_at: string;
  upload_url: string;
  assets: GitHubAsset[];
}

function toAsset(a: GitHubAsset): Asset {
  return {
    id: String(a.id),
    name: a.name,
    label: a.label ?? '',
    size: a.size,
    contentType: a.content_type,
    digest: a.digest ?? null,
    state: a.state === 'uploaded' ? 'uploaded' : 'incomplete',
  };
}

const UPLOAD_ATTEMPTS = 3;
const LIST_CAP = 1000;
const MAX_ASSET_BYTES = 2 * 1024 ** 3;

/**
 * A feed in a GitHub repository: releases and their assets, and the files of one branch
 * (created as an orphan branch on first write). Every request goes through Octokit
 * with the retry and throttling plugins; releases are listed 100 per page.
 */
export class GitHubStore implements Store {
  readonly location: string;
  private readonly owner: string;
  private readonly repo: string;
  private readonly branch: string;
  private readonly log: Logger;
  private readonly uploadUrls = new Map<string, string>();
  private branchReady: Promise<void> | null = null;
  private readonly assetDownloads: GitHubAssetDownloads;
  private readonly branchFiles: GitHubBranchFiles;

  constructor(
    private readonly octokit: GitHubClient,
    options: { repo: string; branch: string; log: Logger },
    downloads: {
      /** For the signed download links, which are not API calls. */
      readonly fetchSigned: typeof fetch;
      /** How long a started download may send nothing before it is given up. */
      readonly idleTimeoutMs: number | null;
    } = { fetchSigned: fetch, idleTimeoutMs: null },
  ) {
    [this.owner, this.repo] = parseRepo(options.repo);
    this.location = `${this.owner}/${this.repo}`;
    this.branch = options.branch;
    this.log = options.log;
    this.assetDownloads = new GitHubAssetDownloads({ octokit, owner: this.owner, repo: this.repo, branch: this.branch, ...downloads });
    this.branchFiles = new GitHubBranchFiles({ octokit, owner: this.owner, repo: this.repo, branch: this.branch });
  }

  static create(options: GitHubClientOptions & { repo: string; branch: string }): GitHubStore {
    return new GitHubStore(createGitHubClient(options), options, { fetchSigned: githubFetch(options), idleTimeoutMs: patienceLimits(options).idleTimeoutMs });
  }

  private get ids() {
    return { owner: this.owner, repo: this.repo };
  }

  /** Runs a GitHub call, turning its failure into a message that says what to do (never the token). */
  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw describeGitHubError(error, { repo: this.location, branch: this.branch, what });
    }
  }

  private remember(release: GitHubRelease): Release {
    this.uploadUrls.set(String(release.id), release.upload_url);
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

  /**
   * Every release, 100 a page. GitHub serves only the first 1,000 of this list (a later page is a
   * 422, iree-org/iree#16506), so a longer one ends in ReleaseListCapped carrying those 1,000.
   */
  async listReleases(): Promise<Release[]> {
    const listed: Release[] = [];
    await this.call('list releases', async () => {
      for await (const page of this.octokit.paginate.iterator(this.octokit.rest.repos.listReleases, { ...this.ids, per_page: 100 })) {
        listed.push(...(page.data as GitHubRelease[]).map((r) => this.remember(r)));
        if (listed.length >= LIST_CAP && /rel="next"/.test(page.headers.link ?? '')) {
          throw new ReleaseListCapped(`GitHub lists only the newest ${LIST_CAP} releases of ${this.location}, and it has more`, listed);
        }
      }
    });
    return listed;
  }

  /** Tag names starting with `prefix`: one request for all of them (OAS `git/list-matching-refs` is not paginated). */
  async listTags(prefix: string): Promise<string[]> {
    const { data } = await this.call('list tags', () => this.octokit.rest.git.listMatchingRefs({ ...this.ids, ref: `tags/${prefix}` }));
    return data.map((ref) => ref.ref.replace(/^refs\/tags\//, ''));
  }

  async findReleaseByTag(tag: string): Promise<Release | null> {
    // A published release first, by its tag: one request whatever the number of releases, and a
    // draft another run left with the same tag (GitHub allows several) can never stand in for it.
    const published = await this.unlessAbsent('read a release by tag', async () => (await this.octokit.rest.repos.getReleaseByTag({ ...this.ids, tag })).data as GitHubRelease);
    if (published) return this.remember(published);
    return this.findDraftByTag(tag);
  }

  /**
   * Drafts have no tag yet, so the REST look-up cannot see them (OAS `repos/get-release-by-tag`), and
   * listing every release stops at GitHub's first 1,000. GraphQL finds a draft by its pending tag, as
   * `gh release view` does (cli/cli@44ee177 pkg/cmd/release/shared/fetch.go:169-200); its full record,
   * assets included, then comes from REST like every other release.
   */
  private async findDraftByTag(tag: string): Promise<Release | null> {
    const found = await this.call('look up a draft release', () =>
      this.octokit.graphql<{ repository: { release: { databaseId: number | null; isDraft: boolean } | null } | null }>(
        'query DraftByTag($owner: String!, $name: String!, $tag: String!) { repository(owner: $owner, name: $name) { release(tagName: $tag) { databaseId isDraft } } }',
        { owner: this.owner, name: this.repo, tag },
      ),
    );
    const draft = found.repository?.release;
    if (!draft?.isDraft || draft.databaseId === null) return null;
    const release = await this.getRelease(String(draft.databaseId));
    return release?.draft && release.tag === tag ? release : null;
  }

  private async getRelease(id: string): Promise<Release | null> {
    const found = await this.unlessAbsent('read a release', () => this.releaseById(id));
    return found && this.remember(found);
  }

  private async reload(id: string): Promise<Release> {
    return this.remember(await this.call('read a release', () => this.releaseById(id)));
  }

  private async releaseById(id: string): Promise<GitHubRelease> {
    return (await this.octokit.rest.repos.getRelease({ ...this.ids, release_id: Number(id) })).data as GitHubRelease;
  }

  /** `work`'s answer, or null when GitHub says there is no such thing (404). */
  private unlessAbsent<T>(what: string, work: () => Promise<T>): Promise<T | null> {
    return this.call(what, async () => {
      try {
        return await work();
      } catch (error) {
        if (isStatus(error, 404)) return null;
        throw error;
      }
    });
  }

  async createRelease(input: NewRelease): Promise<Release> {
    try {
      const { data } = await this.octokit.rest.repos.createRelease({
        ...this.ids,
        tag_name: input.tag,
        name: input.name,
        body: input.body,
        draft: input.draft,
        ...(input.target ? { target_commitish: input.target } : {}),
        // A build for testers is never the project's "Latest release" (GitHub's default for a published one).
        make_latest: 'false',
      });
      return this.remember(data as GitHubRelease);
    } catch (error) {
      if (isStatus(error, 422) && /already_exists/.test(JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? ''))) {
        throw new StoreConflictError(`a release tagged '${input.tag}' already exists in ${this.location}`);
      }
      throw this.burnedTag(error, input.tag) ?? describeGitHubError(error, { repo: this.location, branch: this.branch, what: 'create a release' });
    }
  }

  async updateRelease(release: Release, patch: ReleasePatch): Promise<Release> {
    try {
      const { data } = await this.octokit.rest.repos.updateRelease({
        ...this.ids,
        release_id: Number(release.id),
        ...patch,
        ...(patch.draft === false ? { make_latest: 'false' as const } : {}),
      });
      return this.remember(data as GitHubRelease);
    } catch (error) {
      // Drafts may share a tag; GitHub keeps tags unique when they are published.
      if (isStatus(error, 422) && /already_exists/.test(JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? ''))) {
        throw new StoreConflictError(`a release tagged '${release.tag}' is already published in ${this.location}`);
      }
      throw this.burnedTag(error, release.tag) ?? describeGitHubError(error, { repo: this.location, branch: this.branch, what: 'update a release' });
    }
  }

  /** GitHub's refusal of a tag an immutable release once had: no re-run can ever publish it. */
  private burnedTag(error: unknown, tag: string): TagUnavailableError | null {
    if (!isStatus(error, 422) || !/used by an immutable release/i.test(JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? ''))) return null;
    return new TagUnavailableError(
      `The tag '${tag}' was used by an immutable release of ${this.location} that was later deleted, and GitHub never lets a tag name be used again after that ("tag_name was used by an immutable release"). Publish a new version.`,
    );
  }

  async deleteRelease(release: Release): Promise<void> {
    // Already gone is as good as deleted.
    await this.unlessAbsent('delete a release', () => this.octokit.rest.repos.deleteRelease({ ...this.ids, release_id: Number(release.id) }));
  }

  /**
   * Streams the file up, retrying on a fresh stream (a consumed one cannot be resent).
   * After a failed attempt, what it left behind decides: an asset that arrived whole
   * with our bytes counts as success; a half-made one is deleted before trying again.
   */
  async uploadAsset(release: Release, upload: AssetUpload): Promise<Asset> {
    // "Each file included in a release must be under 2 GiB" (docs.github.com, About releases): refused
    // before a byte is sent, rather than after streaming all of it.
    if (upload.size >= MAX_ASSET_BYTES)
      throw new StoreConflictError(`'${upload.label}' is ${upload.size} bytes; GitHub takes release assets only under 2 GiB (${MAX_ASSET_BYTES} bytes).`);
    const url = this.uploadUrls.get(release.id) ?? (await this.reload(release.id), this.uploadUrls.get(release.id));
    for (let attempt = 1; ; attempt++) {
      const hashing = new HashingStream((sent) => upload.onProgress?.(sent));
      const source = Readable.from(upload.open());
      let sourceError: Error | null = null;
      source.once('error', (error) => (sourceError ??= error));
      const body = pipeline(source, hashing, () => {});
      try {
        const { data } = await this.octokit.request({
          method: 'POST',
          url: url ?? '',
          name: upload.name,
          label: upload.label,
          data: body as unknown as string,
          headers: { 'content-type': upload.contentType, 'content-length': String(upload.size) },
          request: { retries: 0 },
        });
        return toAsset(data as GitHubAsset);
      } catch (error) {
        // Read before tearing the streams down, which makes them fail too.
        const ownFailure: Error | null = sourceError;
        body.destroy();
        const what = { repo: this.location, branch: this.branch, what: `upload '${upload.label}'` };
        if (isStatus(error, 422)) {
          const said = (error as Error).message;
          if (/immutable/i.test(said))
            throw new StoreConflictError(
              `release '${release.tag}' in ${this.location} is immutable (the repository's immutable-releases setting): publish a new version instead of replacing its file`,
            );
          // Only GitHub's `already_exists` is a name clash; another 422 (e.g. the 1,000-assets cap) says what it is.
          const clash = /already_exists/.test(JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? ''));
          if (!clash) throw describeGitHubError(error, what);
          if (attempt === 1) throw new StoreConflictError(`release '${release.tag}' already has an asset named '${upload.name}'`);
        }
        if (isRequestError(error) && error.status < 500 && error.status !== 422) throw describeGitHubError(error, what);
        const sent = hashing.readableEnded ? hashing.digests() : null;
        const current = await this.reload(release.id);
        const left = current.assets.find((a) => a.name === upload.name || (a.label === upload.label && a.state !== 'uploaded'));
        if (left && sent && left.state === 'uploaded' && left.digest === `sha256:${sent.sha256}`) return left;
        if (left) await this.deleteAsset(current, left);
        // Our own file failing to read is not GitHub's doing, and another attempt will not mend it.
        if (ownFailure) throw ownFailure;
        if (attempt >= UPLOAD_ATTEMPTS) throw describeGitHubError(error, what);
        this.log.warn('upload failed, retrying', { attempt, asset: upload.label, status: isRequestError(error) ? error.status : 'network' });
      }
    }
  }

  async deleteAsset(_release: Release, asset: Asset): Promise<void> {
    await this.unlessAbsent('delete an asset', () => this.octokit.rest.repos.deleteReleaseAsset({ ...this.ids, asset_id: Number(asset.id) }));
  }

  /** GitHub's signed link for the asset, reused while it lasts (github-downloads.ts); null when GitHub sends the bytes itself. */
  assetLink(assetId: string): Promise<string | null> {
    return this.assetDownloads.link(assetId);
  }

  openAsset(assetId: string, range?: ByteRange, expected?: { size?: number }): Promise<ReadableStream<Uint8Array>> {
    return this.assetDownloads.open(assetId, range, expected);
  }

  /** A cache's re-checks go through the branch's commit sha and are free while it holds (github-branch-files.ts). */
  readBranchFile(path: string, options?: ReadBranchFile): Promise<BranchFile | 'not-modified' | null> {
    return this.branchFiles.read(path, options);
  }

  async writeBranchFile(path: string, content: Uint8Array, options: WriteBranchFile): Promise<{ sha: string }> {
    await this.ensureBranch();
    try {
      const { data } = await this.octokit.rest.repos.createOrUpdateFileContents({
        ...this.ids,
        path,
        branch: this.branch,
        message: options.message,
        content: Buffer.from(content).toString('base64'),
        ...(options.expectedSha === null ? {} : { sha: options.expectedSha }),
      });
      return { sha: data.content?.sha ?? '' };
    } catch (error) {
      // 409: the file moved on; 422 "sha wasn't supplied": it appeared meanwhile.
      if (isStatus(error, 409) || (isStatus(error, 422) && /sha/.test((error as Error).message))) {
        throw new StoreConflictError(`'${path}' on ${this.location}@${this.branch} changed meanwhile`);
      }
      throw describeGitHubError(error, { repo: this.location, branch: this.branch, what: `write ${path}` });
    }
  }

  async deleteBranchFile(path: string, options: { expectedSha: string; message: string }): Promise<void> {
    try {
      await this.octokit.rest.repos.deleteFile({ ...this.ids, path, branch: this.branch, message: options.message, sha: options.expectedSha });
    } catch (error) {
      if (isStatus(error, 409)) throw new StoreConflictError(`'${path}' on ${this.location}@${this.branch} changed meanwhile`);
      if (!isStatus(error, 404)) throw describeGitHubError(error, { repo: this.location, branch: this.branch, what: `delete ${path}` });
    }
  }

  /** The manifest branch, created on first write as an orphan branch holding a README. */
  private ensureBranch(): Promise<void> {
    this.branchReady ??= this.createBranchIfMissing().catch((error: unknown) => {
      this.branchReady = null;
      throw error;
    });
    return this.branchReady;
  }

  private async createBranchIfMissing(): Promise<void> {
    try {
      await this.octokit.rest.git.getRef({ ...this.ids, ref: `heads/${this.branch}` });
      return;
    } catch (error) {
      if (isStatus(error, 409)) throw emptyRepository(this.location, this.branch);
      if (!isStatus(error, 404)) throw describeGitHubError(error, { repo: this.location, branch: this.branch, what: 'read the manifest branch' });
    }
    await this.call(`create the '${this.branch}' branch`, async () => {
      const readme = `# UpdateForge feed\n\nThis branch is written by UpdateForge: \`manifest.json\` indexes the releases of this repository, \`icons/\` holds the app icons.\nDo not edit it by hand; every publish regenerates it from the releases.\n`;
      const tree = await this.octokit.rest.git.createTree({ ...this.ids, tree: [{ path: 'README.md', mode: '100644', type: 'blob', content: readme }] });
      const commit = await this.octokit.rest.git.createCommit({ ...this.ids, message: 'Start the UpdateForge feed branch', tree: tree.data.sha, parents: [] });
      try {
        await this.octokit.rest.git.createRef({ ...this.ids, ref: `refs/heads/${this.branch}`, sha: commit.data.sha });
      } catch (error) {
        // Another publish created it at the same moment: theirs is as good as ours.
        if (!(isStatus(error, 422) && /already exists/i.test((error as Error).message))) throw error;
      }
    });
  }
}
