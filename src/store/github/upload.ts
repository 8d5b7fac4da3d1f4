import { Readable, pipeline } from 'node:stream';
import { HashingStream, type Digests } from '../../util/hashing-stream.js';
import type { Logger } from '../../util/logger.js';
import { StoreConflictError } from '../errors.js';
import type { Asset, AssetUpload, Release } from '../types.js';
import { isAlreadyExists, isRequestError, isStatus } from './errors.js';
import { toAsset, type GitHubAsset } from './map.js';
import type { GitHubReleases } from './releases.js';
import type { GitHubRepo } from './repo.js';

const UPLOAD_ATTEMPTS = 3;
const MAX_ASSET_BYTES = 2 * 1024 ** 3;

/** One attempt that did not end in an asset. */
interface FailedAttempt {
  readonly error: unknown;
  /** Our own file failing to read, when it did. */
  readonly ownFailure: Error | null;
  /** What went out, when all of it did. */
  readonly sent: Digests | null;
}

/**
 * Uploads release assets. The client's plugins cannot resend a stream, so this retries on a fresh
 * one. After a failed attempt, what it left behind decides: an asset that arrived whole with our
 * bytes counts as success; a half-made one is deleted before trying again.
 */
export class GitHubAssetUploads {
  constructor(private readonly options: { readonly repo: GitHubRepo; readonly releases: GitHubReleases; readonly log: Logger }) {}

  async upload(release: Release, upload: AssetUpload): Promise<Asset> {
    // "Each file included in a release must be under 2 GiB" (docs.github.com, About releases): refused
    // before a byte is sent, rather than after streaming all of it.
    if (upload.size >= MAX_ASSET_BYTES)
      throw new StoreConflictError(`'${upload.label}' is ${upload.size} bytes; GitHub takes release assets only under 2 GiB (${MAX_ASSET_BYTES} bytes).`);
    const url = await this.options.releases.uploadUrl(release.id);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.send(url ?? '', upload);
      if ('asset' in outcome) return outcome.asset;
      const left = await this.recover(release, upload, attempt, outcome);
      if (left) return left;
    }
  }

  /** One attempt: the file streamed up once. */
  private async send(url: string, upload: AssetUpload): Promise<{ readonly asset: Asset } | FailedAttempt> {
    const hashing = new HashingStream((sent) => upload.onProgress?.(sent));
    const source = Readable.from(upload.open());
    let sourceError: Error | null = null;
    source.once('error', (error) => (sourceError ??= error));
    const body = pipeline(source, hashing, () => {});
    try {
      const { data } = await this.options.repo.octokit.request<GitHubAsset>({
        method: 'POST',
        url,
        name: upload.name,
        label: upload.label,
        data: body,
        headers: { 'content-type': upload.contentType, 'content-length': String(upload.size) },
        request: { retries: 0 },
      });
      return { asset: toAsset(data) };
    } catch (error) {
      // Read before tearing the streams down, which makes them fail too.
      const ownFailure: Error | null = sourceError;
      body.destroy();
      return { error, ownFailure, sent: hashing.readableEnded ? hashing.digests() : null };
    }
  }

  /**
   * After a failed attempt: the asset it left when that is whole and ours; otherwise null to try
   * again (what it left deleted), or the error when trying again cannot help.
   */
  private async recover(release: Release, upload: AssetUpload, attempt: number, failed: FailedAttempt): Promise<Asset | null> {
    const { repo, releases, log } = this.options;
    const { error, ownFailure, sent } = failed;
    const what = `upload '${upload.label}'`;
    if (isStatus(error, 422)) {
      if (/immutable/i.test(error.message))
        throw new StoreConflictError(
          `release '${release.tag}' in ${repo.location} is immutable (the repository's immutable-releases setting): publish a new version instead of replacing its file`,
        );
      // Only GitHub's `already_exists` is a name clash; another 422 (e.g. the 1,000-assets cap) says what it is.
      if (!isAlreadyExists(error)) throw repo.fail(what, error);
      if (attempt === 1) throw new StoreConflictError(`release '${release.tag}' already has an asset named '${upload.name}'`);
    }
    if (isRequestError(error) && error.status < 500 && error.status !== 422) throw repo.fail(what, error);
    const current = await releases.reload(release.id);
    const left = current.assets.find((a) => a.name === upload.name || (a.label === upload.label && a.state !== 'uploaded'));
    if (left && sent && left.state === 'uploaded' && left.digest === `sha256:${sent.sha256}`) return left;
    if (left) await releases.deleteAsset(left.id);
    // Our own file failing to read is not GitHub's doing, and another attempt will not mend it.
    if (ownFailure) throw ownFailure;
    if (attempt >= UPLOAD_ATTEMPTS) throw repo.fail(what, error);
    log.warn('upload failed, retrying', { attempt, asset: upload.label, status: isRequestError(error) ? error.status : 'network' });
    return null;
  }
}
