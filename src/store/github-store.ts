import { Readable, pipeline } from 'node:stream';
import { HashingStream } from '../util/hashing-stream.js';
import { failWhenIdle } from '../util/idle-stream.js';
import type { Logger } from '../util/logger.js';
import { StoreConflictError, StoreNotFoundError } from './errors.js';
import { createGitHubClient, githubFetch, patienceLimits, type GitHubClient, type GitHubClientOptions } from './github-client.js';
import { describeGitHubError, emptyRepository, isRequestError, isStatus, parseRepo, unavailable } from './github-errors.js';
import type { Store } from './store.js';
import type { Asset, AssetUpload, BranchFile, ByteRange, NewRelease, Release, ReleasePatch, WriteBranchFile } from './types.js';
import { errorMessage } from '../util/error-message.js';

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
  return { id: String(a.id), name: a.name, label: a.label ?? '', size: a.size, contentType: a.content_type, digest: a.digest ?? null, state: a.state === 'uploaded' ? 'uploaded' : 'incomplete' };
}

const UPLOAD_ATTEMPTS = 3;

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

  constructor(
    private readonly octokit: GitHubClient,
    options: { repo: string; branch: string; log: Logger },
    private readonly downloads: {
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
    return { id: String(release.id), tag: release.tag_name, name: release.name ?? '', body: release.body ?? '', draft: release.draft, createdAt: release.created_at, assets: release.assets.map(toAsset) };
  }

  async listReleases(): Promise<Release[]> {
    const all = await this.call('list releases', () => this.octokit.paginate(this.octokit.rest.repos.listReleases, { ...this.ids, per_page: 100 }));
    return (all as GitHubRelease[]).map((r) => this.remember(r));
  }

  async findReleaseByTag(tag: string): Promise<Release | null> {
    // A published release first, by its tag: one request whatever the number of releases, and a
    // draft another run left with the same tag (GitHub allows several) can never stand in for it.
    const published = await this.call('read a release by tag', async () => {
      try {
        return (await this.octokit.rest.repos.getReleaseByTag({ ...this.ids, tag })).data as GitHubRelease;
      } catch (error) {
        if (isStatus(error, 404)) return null;
        throw error;
      }
    });
    if (published) return this.remember(published);
    // Drafts have no tag yet, so GitHub's by-tag lookup cannot see them (OAS `repos/get-release-by-tag`): scan the list.
    return (await this.listReleases()).find((r) => r.tag === tag) ?? null;
  }

  private async reload(id: string): Promise<Release> {
    const { data } = await this.call('read a release', () => this.octokit.rest.repos.getRelease({ ...this.ids, release_id: Number(id) }));
    return this.remember(data as GitHubRelease);
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
      throw describeGitHubError(error, { repo: this.location, branch: this.branch, what: 'create a release' });
    }
  }

  async updateRelease(release: Release, patch: ReleasePatch): Promise<Release> {
    try {
      const { data } = await this.octokit.rest.repos.updateRelease({ ...this.ids, release_id: Number(release.id), ...patch, ...(patch.draft === false ? { make_latest: 'false' as const } : {}) });
      return this.remember(data as GitHubRelease);
    } catch (error) {
      // Drafts may share a tag; GitHub keeps tags unique when they are published.
      if (isStatus(error, 422) && /already_exists/.test(JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? ''))) {
        throw new StoreConflictError(`a release tagged '${release.tag}' is already published in ${this.location}`);
      }
      throw describeGitHubError(error, { repo: this.location, branch: this.branch, what: 'update a release' });
    }
  }

  async deleteRelease(release: Release): Promise<void> {
    await this.call('delete a release', async () => {
      try {
        await this.octokit.rest.repos.deleteRelease({ ...this.ids, release_id: Number(release.id) });
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    });
  }

  /**
   * Streams the file up, retrying on a fresh stream (a consumed one cannot be resent).
   * After a failed attempt, what it left behind decides: an asset that arrived whole
   * with our bytes counts as success; a half-made one is deleted before trying again.
   */
  async uploadAsset(release: Release, upload: AssetUpload): Promise<Asset> {
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
          if (/immutable/i.test(said)) throw new StoreConflictError(`release '${release.tag}' in ${this.location} is immutable (the repository's immutable-releases setting): publish a new version instead of replacing its file`);
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
    await this.call('delete an asset', async () => {
      try {
        await this.octokit.rest.repos.deleteReleaseAsset({ ...this.ids, asset_id: Number(asset.id) });
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    });
  }

  /**
   * GitHub answers an asset request with a redirect to a short-lived signed URL (or,
   * rarely, the bytes). The signed URL is fetched without our Authorization header,
   * which its host would refuse, and with the Range asked for.
   */
  async assetLink(assetId: string): Promise<string | null> {
    const response = await this.requestAsset(assetId, {});
    await (response.data as unknown as ReadableStream | null)?.cancel?.();
    return response.status >= 300 && response.status < 400 ? (response.headers.location ?? null) : null;
  }

  private requestAsset(assetId: string, rangeHeader: Record<string, string>, signal?: AbortSignal) {
    if (!/^\d+$/.test(assetId)) throw new StoreNotFoundError(`no asset '${assetId}' in ${this.location}`);
    return this.call('download an asset', async () => {
      try {
        return await this.octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
          ...this.ids,
          asset_id: Number(assetId),
          headers: { accept: 'application/octet-stream', ...rangeHeader },
          request: { redirect: 'manual', parseSuccessResponseBody: false, ...(signal ? { signal } : {}) },
        });
      } catch (error) {
        if (isStatus(error, 404)) throw new StoreNotFoundError(`no asset '${assetId}' in ${this.location}`);
        throw error;
      }
    });
  }

  async openAsset(assetId: string, range?: ByteRange): Promise<ReadableStream<Uint8Array>> {
    const rangeHeader: Record<string, string> = range ? { range: `bytes=${range.start}-${range.end}` } : {};
    const download = new AbortController();
    const response = await this.requestAsset(assetId, rangeHeader, download.signal);
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location) {
      const linkFailed = (how: string) => unavailable(`Could not download asset ${assetId} of ${this.location}: GitHub's download link ${how}`);
      let signed: Response;
      try {
        signed = await this.downloads.fetchSigned(location, { headers: rangeHeader, signal: download.signal });
      } catch (error) {
        throw linkFailed(`could not be reached (${errorMessage(error)})`);
      }
      if (!signed.ok || !signed.body) {
        await signed.body?.cancel();
        throw linkFailed(`answered ${signed.status}`);
      }
      return this.watched(range && signed.status === 200 ? slice(signed.body, range) : signed.body, download);
    }
    const body = response.data as unknown as ReadableStream<Uint8Array>;
    return this.watched(range && response.status === 200 ? slice(body, range) : body, download);
  }

  private watched(body: ReadableStream<Uint8Array>, download: AbortController): ReadableStream<Uint8Array> {
    const ms = this.downloads.idleTimeoutMs;
    return ms === null ? body : failWhenIdle(body, ms, (reason) => download.abort(reason));
  }

  async readBranchFile(path: string, options: { etag?: string } = {}): Promise<BranchFile | 'not-modified' | null> {
    let response;
    try {
      response = await this.octokit.rest.repos.getContent({ ...this.ids, path, ref: this.branch, headers: options.etag ? { 'if-none-match': options.etag } : {} });
    } catch (error) {
      if (isStatus(error, 304)) return 'not-modified';
      if (isStatus(error, 404)) return null;
      throw describeGitHubError(error, { repo: this.location, branch: this.branch, what: `read ${path}` });
    }
    const data = response.data as { type?: string; sha: string; content?: string; encoding?: string };
    if (Array.isArray(response.data) || data.type !== 'file') return null;
    // Files over 1 MB come without content: read them as a git blob (up to 100 MB).
    const content = data.encoding === 'base64' ? Buffer.from(data.content ?? '', 'base64') : await this.readBlob(data.sha);
    return { content, sha: data.sha, etag: response.headers.etag ?? `"${data.sha}"` };
  }

  private async readBlob(sha: string): Promise<Buffer> {
    const { data } = await this.call('read a blob', () => this.octokit.rest.git.getBlob({ ...this.ids, file_sha: sha }));
    return Buffer.from(data.content, 'base64');
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

/** The bytes of `range` from a stream of the whole file, for the rare direct 200 answer. */
function slice(body: ReadableStream<Uint8Array>, range: ByteRange): ReadableStream<Uint8Array> {
  let position = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const start = Math.max(range.start - position, 0);
        const end = Math.min(range.end + 1 - position, chunk.length);
        if (start < end) controller.enqueue(chunk.subarray(start, end));
        position += chunk.length;
      },
    }),
  );
}
