import { StoreConflictError } from '../errors.js';
import type { BranchFile, ReadBranchFile, WriteBranchFile } from '../types.js';
import { emptyRepository, isStatus, unavailable } from './errors.js';
import type { GitHubRepo } from './repo.js';

/** Marks an etag that is the branch's commit sha (any other etag is GitHub's ETag of a contents answer). */
const COMMIT = 'commit:';
/** Blobs kept by sha: the manifest's, and the one before it. */
const KEPT_BLOBS = 2;

/**
 * The files of the manifest branch: read, and written or deleted only over the sha the writer
 * read (GitHub's contents API refuses the write when the file moved on). The branch is created
 * on first write, as an orphan branch holding a README.
 *
 * A cache re-checks a file through the branch's head
 * commit, not the file: a private file's contents answer changes on every read (its `download_url`
 * carries a fresh token, so its ETag never matches and each re-check costs a request), while
 * `GET commits/{branch}` as `application/vnd.github.sha` answers 304 while the branch stays put,
 * "providing the local SHA-1 reference as the ETag" (OAS `repos/get-commit`), and a 304 costs no
 * rate limit. Only when the sha moves is the file read again, at that very commit.
 */
export class GitHubBranchFiles {
  private readonly blobs = new Map<string, Buffer>();
  private readonly location: string;
  private readonly branch: string;
  private branchReady: Promise<void> | null = null;

  constructor(private readonly repo: GitHubRepo) {
    this.location = repo.location;
    this.branch = repo.branch;
  }

  async read(path: string, options: ReadBranchFile = {}): Promise<BranchFile | 'not-modified' | null> {
    const since = options.etag?.startsWith(COMMIT) ? options.etag.slice(COMMIT.length) : undefined;
    // A one-off read (a publish about to write): one request, the file at the branch's head.
    if (since === undefined && !options.recheck) return this.readAt(path, this.branch, options.etag);
    const head = await this.head(since);
    if (head === 'not-modified' || head === null) return head;
    const file = await this.readAt(path, head);
    return file === null || file === 'not-modified' ? null : { ...file, etag: `${COMMIT}${head}` };
  }

  /** The branch's head commit sha; `'not-modified'` while it is still `since`; null when there is no such branch. */
  private async head(since: string | undefined): Promise<string | 'not-modified' | null> {
    let response;
    try {
      response = await this.repo.octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', {
        ...this.repo.ids,
        ref: this.branch,
        headers: { accept: 'application/vnd.github.sha', ...(since === undefined ? {} : { 'if-none-match': `"${since}"` }) },
      });
    } catch (error) {
      if (isStatus(error, 304)) return 'not-modified';
      // 422 "No commit found for SHA: <branch>": no such branch yet (squalrus/merge-bot#54); 409: an empty repository.
      if (isStatus(error, 422) || isStatus(error, 409)) return null;
      throw this.repo.fail(`read the head of the '${this.branch}' branch`, error);
    }
    const data: unknown = response.data;
    const sha = (typeof data === 'string' ? data : data instanceof ArrayBuffer ? Buffer.from(data).toString('utf8') : '').trim();
    if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)) throw unavailable(`GitHub answered the head of ${this.location}@${this.branch} with something other than a commit sha.`);
    return sha;
  }

  private async readAt(path: string, ref: string, etag?: string): Promise<BranchFile | 'not-modified' | null> {
    let response;
    try {
      response = await this.repo.octokit.rest.repos.getContent({
        ...this.repo.ids,
        path,
        ref,
        headers: etag ? { 'if-none-match': etag } : {},
      });
    } catch (error) {
      if (isStatus(error, 304)) return 'not-modified';
      if (isStatus(error, 404)) return null;
      throw this.repo.fail(`read ${path}`, error);
    }
    const { data } = response;
    if (Array.isArray(data) || data.type !== 'file') return null;
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
      // Unparsed, the answer's data is its body stream: the request is made in the form that lets that be said.
      const { data } = await this.repo.octokit.request<ReadableStream<Uint8Array>>({
        method: 'GET',
        url: '/repos/{owner}/{repo}/git/blobs/{file_sha}',
        ...this.repo.ids,
        file_sha: sha,
        headers: { accept: 'application/vnd.github.raw+json' },
        request: { parseSuccessResponseBody: false },
      });
      content = Buffer.from(await new Response(data).arrayBuffer());
    } catch (error) {
      throw this.repo.fail('read a blob', error);
    }
    this.blobs.set(sha, content);
    for (const old of this.blobs.keys()) if (this.blobs.size > KEPT_BLOBS) this.blobs.delete(old);
    return content;
  }

  async write(path: string, content: Uint8Array, options: WriteBranchFile): Promise<{ sha: string }> {
    await this.ensureBranch();
    try {
      const { data } = await this.repo.octokit.rest.repos.createOrUpdateFileContents({
        ...this.repo.ids,
        path,
        branch: this.branch,
        message: options.message,
        content: Buffer.from(content).toString('base64'),
        ...(options.expectedSha === null ? {} : { sha: options.expectedSha }),
      });
      return { sha: data.content?.sha ?? '' };
    } catch (error) {
      // 409: the file moved on; 422 "sha wasn't supplied": it appeared meanwhile.
      if (isStatus(error, 409) || (isStatus(error, 422) && /sha/.test(error.message))) {
        throw new StoreConflictError(`'${path}' on ${this.location}@${this.branch} changed meanwhile`, { cause: error });
      }
      throw this.repo.fail(`write ${path}`, error);
    }
  }

  async delete(path: string, options: { expectedSha: string; message: string }): Promise<void> {
    try {
      await this.repo.octokit.rest.repos.deleteFile({ ...this.repo.ids, path, branch: this.branch, message: options.message, sha: options.expectedSha });
    } catch (error) {
      if (isStatus(error, 409)) throw new StoreConflictError(`'${path}' on ${this.location}@${this.branch} changed meanwhile`, { cause: error });
      if (!isStatus(error, 404)) throw this.repo.fail(`delete ${path}`, error);
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
    const { octokit, ids } = this.repo;
    try {
      await octokit.rest.git.getRef({ ...ids, ref: `heads/${this.branch}` });
      return;
    } catch (error) {
      if (isStatus(error, 409)) throw emptyRepository(this.location, this.branch);
      if (!isStatus(error, 404)) throw this.repo.fail('read the manifest branch', error);
    }
    await this.repo.call(`create the '${this.branch}' branch`, async () => {
      const readme = `# UpdateForge feed\n\nThis branch is written by UpdateForge: \`manifest.json\` indexes the releases of this repository, \`icons/\` holds the app icons.\nDo not edit it by hand; every publish regenerates it from the releases.\n`;
      const tree = await octokit.rest.git.createTree({ ...ids, tree: [{ path: 'README.md', mode: '100644', type: 'blob', content: readme }] });
      const commit = await octokit.rest.git.createCommit({ ...ids, message: 'Start the UpdateForge feed branch', tree: tree.data.sha, parents: [] });
      try {
        await octokit.rest.git.createRef({ ...ids, ref: `refs/heads/${this.branch}`, sha: commit.data.sha });
      } catch (error) {
        // Another publish created it at the same moment: theirs is as good as ours.
        if (!(isStatus(error, 422) && /already exists/i.test(error.message))) throw error;
      }
    });
  }
}
