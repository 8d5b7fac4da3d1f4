import type { GitHubClient } from './github-client.js';
import { describeGitHubError, isStatus, unavailable } from './github-errors.js';
import type { BranchFile, ReadBranchFile } from './types.js';

/** Marks an etag that is the branch's commit sha (any other etag is GitHub's ETag of a contents answer). */
const COMMIT = 'commit:';
/** Blobs kept by sha: the manifest's, and the one before it. */
const KEPT_BLOBS = 2;

/**
 * Reads the files of the manifest branch. A cache re-checks a file through the branch's head
 * commit, not the file: a private file's contents answer changes on every read (its `download_url`
 * carries a fresh token, so its ETag never matches and each re-check costs a request), while
 * `GET commits/{branch}` as `application/vnd.github.sha` answers 304 while the branch stays put,
 * "providing the local SHA-1 reference as the ETag" (OAS `repos/get-commit`), and a 304 costs no
 * rate limit. Only when the sha moves is the file read again, at that very commit.
 */
export class GitHubBranchFiles {
  private readonly blobs = new Map<string, Buffer>();
  private readonly location: string;

  constructor(private readonly options: { octokit: GitHubClient; owner: string; repo: string; branch: string }) {
    this.location = `${options.owner}/${options.repo}`;
  }

  async read(path: string, options: ReadBranchFile = {}): Promise<BranchFile | 'not-modified' | null> {
    const since = options.etag?.startsWith(COMMIT) ? options.etag.slice(COMMIT.length) : undefined;
    // A one-off read (a publish about to write): one request, the file at the branch's head.
    if (since === undefined && !options.recheck) return this.readAt(path, this.options.branch, options.etag);
    const head = await this.head(since);
    if (head === 'not-modified' || head === null) return head;
    const file = await this.readAt(path, head);
    return file === null || file === 'not-modified' ? null : { ...file, etag: `${COMMIT}${head}` };
  }

  /** The branch's head commit sha; `'not-modified'` while it is still `since`; null when there is no such branch. */
  private async head(since: string | undefined): Promise<string | 'not-modified' | null> {
    let response;
    try {
      response = await this.options.octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', {
        owner: this.options.owner,
        repo: this.options.repo,
        ref: this.options.branch,
        headers: { accept: 'application/vnd.github.sha', ...(since === undefined ? {} : { 'if-none-match': `"${since}"` }) },
      });
    } catch (error) {
      if (isStatus(error, 304)) return 'not-modified';
      // 422 "No commit found for SHA: <branch>": no such branch yet (squalrus/merge-bot#54); 409: an empty repository.
      if (isStatus(error, 422) || isStatus(error, 409)) return null;
      throw this.describe(error, `read the head of the '${this.options.branch}' branch`);
    }
    const data: unknown = response.data;
    const sha = (typeof data === 'string' ? data : data instanceof ArrayBuffer ? Buffer.from(data).toString('utf8') : '').trim();
    if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha))
      throw unavailable(`GitHub answered the head of ${this.location}@${this.options.branch} with something other than a commit sha.`);
    return sha;
  }

  private async readAt(path: string, ref: string, etag?: string): Promise<BranchFile | 'not-modified' | null> {
    let response;
    try {
      response = await this.options.octokit.rest.repos.getContent({
        owner: this.options.owner,
        repo: this.options.repo,
        path,
        ref,
        headers: etag ? { 'if-none-match': etag } : {},
      });
    } catch (error) {
      if (isStatus(error, 304)) return 'not-modified';
      if (isStatus(error, 404)) return null;
      throw this.describe(error, `read ${path}`);
    }
    const data = response.data as { type?: string; sha: string; content?: string; encoding?: string };
    if (Array.isArray(response.data) || data.type !== 'file') return null;
    // Files over 1 MB come without content: read them as a git blob (up to 100 MB).
    const content = data.encoding === 'base64' ? Buffer.from(data.content ?? '', 'base64') : await this.readBlob(data.sha);
    return { content, sha: data.sha, etag: response.headers.etag ?? `"${data.sha}"` };
  }

  /** A blob by its sha, which names its bytes for good: one already read is not read again. */
  private async readBlob(sha: string): Promise<Buffer> {
    const kept = this.blobs.get(sha);
    if (kept) return kept;
    let content: Buffer;
    try {
      // Raw, not as base64 in JSON: Octokit's JSON parser overflows its stack on answers of ~8 MiB,
      // which a manifest of ~12,000 versions makes (measured by the scale model), and then hands back
      // text without `content`. Raw bytes cost no parsing at any size (OAS `git/get-blob`, media types).
      const { data } = await this.options.octokit.rest.git.getBlob({
        owner: this.options.owner,
        repo: this.options.repo,
        file_sha: sha,
        headers: { accept: 'application/vnd.github.raw+json' },
        request: { parseSuccessResponseBody: false },
      });
      content = Buffer.from(await new Response(data as unknown as ReadableStream<Uint8Array>).arrayBuffer());
    } catch (error) {
      throw this.describe(error, 'read a blob');
    }
    this.blobs.set(sha, content);
    for (const old of this.blobs.keys()) if (this.blobs.size > KEPT_BLOBS) this.blobs.delete(old);
    return content;
  }

  private describe(error: unknown, what: string): Error {
    return describeGitHubError(error, { repo: this.location, branch: this.options.branch, what });
  }
}
