import { errorMessage } from '../../util/error-message.js';
import { failWhenIdle } from '../../util/idle-stream.js';
import { StoreNotFoundError } from '../errors.js';
import type { ByteRange } from '../types.js';
import { whyNotTheBytes } from './download-answer.js';
import { isStatus, unavailable } from './errors.js';
import type { GitHubRepo } from './repo.js';
import { SignedLinkCache, type LinkLookup } from './signed-links.js';

export interface GitHubDownloadsOptions {
  readonly repo: GitHubRepo;
  /** For the signed download links, which are not API calls. */
  readonly fetchSigned: typeof fetch;
  /** How long a started download may send nothing before it is given up. */
  readonly idleTimeoutMs: number | null;
  readonly links?: SignedLinkCache;
}

/** GitHub sending an asset's bytes itself, answering the API request: only the caller who asked can read them. */
interface DirectAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: ReadableStream<Uint8Array> | null;
  /** Stops the transfer (the body's request). */
  readonly stop: AbortController;
}

/**
 * Release assets' bytes from GitHub. GitHub answers an asset request with a redirect to a short-lived
 * signed URL, or rarely with the bytes themselves (OAS `repos/get-release-asset` documents 302 and 200).
 * The signed URL is fetched without our Authorization header, which its host refuses (jspm/github#22),
 * with the Range asked for. Each link is kept and reused until shortly before it expires, so downloads
 * and Range requests cost about one API call per asset per link lifetime (signed-links.ts), and what the
 * host answers is checked before a byte goes on (download-answer.ts).
 */
export class GitHubAssetDownloads {
  private readonly links: SignedLinkCache;
  private readonly location: string;

  constructor(private readonly options: GitHubDownloadsOptions) {
    this.links = options.links ?? new SignedLinkCache();
    this.location = options.repo.location;
  }

  /** The asset's signed link, or null when GitHub sends the bytes itself instead. */
  async link(assetId: string): Promise<string | null> {
    const found = await this.find(assetId);
    if ('link' in found) return found.link;
    await found.other.body?.cancel();
    return null;
  }

  async open(assetId: string, range?: ByteRange, expected: { size?: number } = {}): Promise<ReadableStream<Uint8Array>> {
    const want = { range, size: expected.size };
    const failed = (how: string) => unavailable(`Could not download asset ${assetId} of ${this.location}: GitHub's download link ${how}`);
    for (let attempt = 1; ; attempt++) {
      const found = await this.find(assetId);
      if ('other' in found) return this.direct(assetId, found.other, want);
      const download = new AbortController();
      let signed: Response;
      try {
        signed = await this.options.fetchSigned(found.link, { headers: range ? { range: `bytes=${range.start}-${range.end}` } : {}, signal: download.signal });
      } catch (error) {
        throw failed(`could not be reached (${errorMessage(error)})`);
      }
      if (signed.status === 401 || signed.status === 403) {
        // Expired (or revoked) sooner than its URL said: one fresh link, then give up.
        await signed.body?.cancel();
        this.links.forget(assetId, found.link);
        if (attempt === 1) continue;
        throw failed(`answered ${signed.status}`);
      }
      const problem = whyNotTheBytes(signed, want) ?? (signed.body ? null : `answered ${signed.status} without a body`);
      if (problem !== null || !signed.body) {
        await signed.body?.cancel();
        this.links.forget(assetId, found.link);
        throw failed(problem ?? 'sent nothing');
      }
      return this.watched(range && signed.status === 200 ? slice(signed.body, range) : signed.body, download);
    }
  }

  private find(assetId: string): Promise<LinkLookup<DirectAnswer>> {
    return this.links.get(assetId, () => this.ask(assetId));
  }

  /**
   * One API call. It carries no Range and no caller's signal: its link may serve every download of the
   * asset for the next hour, and a client leaving must not cancel a look-up others are waiting on.
   */
  private async ask(assetId: string): Promise<LinkLookup<DirectAnswer>> {
    if (!/^\d+$/.test(assetId)) throw new StoreNotFoundError(`no asset '${assetId}' in ${this.location}`);
    const stop = new AbortController();
    const { repo } = this.options;
    let response;
    try {
      // Unparsed (parseSuccessResponseBody: false), the answer's data is its body stream, not the
      // endpoint's JSON: the request is made in the form that lets that be said.
      response = await repo.octokit.request<ReadableStream<Uint8Array> | null>({
        method: 'GET',
        url: '/repos/{owner}/{repo}/releases/assets/{asset_id}',
        ...repo.ids,
        asset_id: Number(assetId),
        headers: { accept: 'application/octet-stream' },
        request: { redirect: 'manual', parseSuccessResponseBody: false, signal: stop.signal },
      });
    } catch (error) {
      if (isStatus(error, 404)) throw new StoreNotFoundError(`no asset '${assetId}' in ${this.location}`, { cause: error });
      throw repo.fail('download an asset', error);
    }
    const body = response.data;
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location) {
      await body?.cancel();
      return { link: location };
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers.set(name, String(value));
    return { other: { status: response.status, headers, body, stop } };
  }

  /** GitHub's own answer with the bytes: it ignores Range, so a part is cut from the whole. */
  private direct(assetId: string, answer: DirectAnswer, want: { range?: ByteRange | undefined; size?: number | undefined }): ReadableStream<Uint8Array> {
    const problem = whyNotTheBytes(answer, want);
    if (problem !== null || !answer.body) {
      answer.stop.abort();
      throw unavailable(`Could not download asset ${assetId} of ${this.location}: GitHub ${problem ?? 'sent nothing'}`);
    }
    return this.watched(want.range && answer.status === 200 ? slice(answer.body, want.range) : answer.body, answer.stop);
  }

  private watched(body: ReadableStream<Uint8Array>, download: AbortController): ReadableStream<Uint8Array> {
    const ms = this.options.idleTimeoutMs;
    return ms === null ? body : failWhenIdle(body, ms, (reason) => download.abort(reason));
  }
}

/** The bytes of `range` from a stream of the whole file. */
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
