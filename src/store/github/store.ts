import type { Logger } from '../../util/logger.js';
import type { Store } from '../store.js';
import type { Asset, AssetUpload, BranchFile, ByteRange, NewRelease, ReadBranchFile, Release, ReleasePatch, WriteBranchFile } from '../types.js';
import { GitHubBranchFiles } from './branch.js';
import { createGitHubClient, githubFetch, patienceLimits, type GitHubClient, type GitHubClientOptions } from './client.js';
import { GitHubAssetDownloads } from './download.js';
import { readDownloadCounts } from './download-counts.js';
import { GitHubReleases } from './releases.js';
import { GitHubRepo } from './repo.js';
import { GitHubAssetUploads } from './upload.js';

/**
 * A feed in a GitHub repository: releases and their assets, and the files of one branch
 * (created as an orphan branch on first write). Every request goes through Octokit
 * with the retry and throttling plugins; releases are listed 100 per page.
 */
export class GitHubStore implements Store {
  readonly location: string;
  private readonly releases: GitHubReleases;
  private readonly uploads: GitHubAssetUploads;
  private readonly assetDownloads: GitHubAssetDownloads;
  private readonly branchFiles: GitHubBranchFiles;

  constructor(
    octokit: GitHubClient,
    options: { repo: string; branch: string; log: Logger },
    downloads: {
      /** For the signed download links, which are not API calls. */
      readonly fetchSigned: typeof fetch;
      /** How long a started download may send nothing before it is given up. */
      readonly idleTimeoutMs: number | null;
    } = { fetchSigned: fetch, idleTimeoutMs: null },
  ) {
    const repo = new GitHubRepo(octokit, options);
    this.location = repo.location;
    this.releases = new GitHubReleases(repo);
    this.uploads = new GitHubAssetUploads({ repo, releases: this.releases, log: options.log });
    this.assetDownloads = new GitHubAssetDownloads({ repo, ...downloads });
    this.branchFiles = new GitHubBranchFiles(repo);
  }

  static create(options: GitHubClientOptions & { repo: string; branch: string }): GitHubStore {
    return new GitHubStore(createGitHubClient(options), options, { fetchSigned: githubFetch(options), idleTimeoutMs: patienceLimits(options).idleTimeoutMs });
  }

  /** Every release; past GitHub's first 1,000, ReleaseListCapped carrying those (releases.ts). */
  listReleases(): Promise<Release[]> {
    return this.releases.list();
  }

  listTags(prefix: string): Promise<string[]> {
    return this.releases.listTags(prefix);
  }

  /** The published release with this tag, else a draft waiting for it (found through GraphQL, releases.ts). */
  findReleaseByTag(tag: string): Promise<Release | null> {
    return this.releases.findByTag(tag);
  }

  createRelease(input: NewRelease): Promise<Release> {
    return this.releases.create(input);
  }

  updateRelease(release: Release, patch: ReleasePatch): Promise<Release> {
    return this.releases.update(release, patch);
  }

  deleteRelease(release: Release): Promise<void> {
    return this.releases.delete(release);
  }

  /** Streamed up, and retried after a partial upload as upload.ts decides. */
  uploadAsset(release: Release, upload: AssetUpload): Promise<Asset> {
    return this.uploads.upload(release, upload);
  }

  deleteAsset(_release: Release, asset: Asset): Promise<void> {
    return this.releases.deleteAsset(asset.id);
  }

  /** GitHub's signed link for the asset, reused while it lasts (download.ts); null when GitHub sends the bytes itself. */
  assetLink(assetId: string): Promise<string | null> {
    return this.assetDownloads.link(assetId);
  }

  openAsset(assetId: string, range?: ByteRange, expected?: { size?: number }): Promise<ReadableStream<Uint8Array>> {
    return this.assetDownloads.open(assetId, range, expected);
  }

  /** A cache's re-checks go through the branch's commit sha and are free while it holds (branch.ts). */
  readBranchFile(path: string, options?: ReadBranchFile): Promise<BranchFile | 'not-modified' | null> {
    return this.branchFiles.read(path, options);
  }

  /** GitHub's own `download_count` of each asset, from the release listing (download-counts.ts says what it counts). */
  downloadCounts(assetIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return readDownloadCounts(this.releases, assetIds);
  }

  writeBranchFile(path: string, content: Uint8Array, options: WriteBranchFile): Promise<{ sha: string }> {
    return this.branchFiles.write(path, content, options);
  }

  deleteBranchFile(path: string, options: { expectedSha: string; message: string }): Promise<void> {
    return this.branchFiles.delete(path, options);
  }
}
