import { constants } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { HashingStream } from '../../util/hashing-stream.js';
import { createNewFileStream } from '../../util/new-file.js';
import { StoreConflictError, StoreNotFoundError } from '../errors.js';
import type { Asset, AssetUpload, ByteRange, Release } from '../types.js';
import { fileStream, tempPath } from './files.js';
import { newId, type StoreLayout } from './layout.js';
import type { LocalReleases } from './releases.js';

/**
 * The asset bytes of a local store, one file each under assets/, named by id. Bytes land
 * complete (written to tmp/, then renamed) before the release lists them.
 */
export class LocalAssets {
  constructor(
    private readonly layout: StoreLayout,
    private readonly releases: LocalReleases,
  ) {}

  async upload(release: Release, upload: AssetUpload): Promise<Asset> {
    if (release.assets.some((a) => a.name === upload.name)) throw new StoreConflictError(`release '${release.tag}' already has an asset named '${upload.name}'`);
    await this.layout.ready();
    const tmp = tempPath(this.layout.tmpDir);
    try {
      const target = await createNewFileStream(tmp);
      const hashing = new HashingStream((sent) => upload.onProgress?.(sent));
      await pipeline(upload.open(), hashing, target);
      const { size: sent, sha256 } = hashing.digests();
      if (sent !== upload.size) throw new Error(`upload of '${upload.name}' sent ${sent} bytes, expected ${upload.size}`);
      const asset: Asset = {
        id: newId(),
        name: upload.name,
        label: upload.label,
        size: sent,
        contentType: upload.contentType,
        digest: `sha256:${sha256}`,
        state: 'uploaded',
      };
      await rename(tmp, this.layout.assetPath(asset.id));
      try {
        await this.releases.mutate(release, (current) => {
          if (current.assets.some((a) => a.name === asset.name)) throw new StoreConflictError(`release '${release.tag}' already has an asset named '${asset.name}'`);
          return { ...current, assets: [...current.assets, asset] };
        });
      } catch (error) {
        await this.removeBytes(asset.id);
        throw error;
      }
      return asset;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async delete(release: Release, asset: Asset): Promise<void> {
    await this.releases.mutate(release, (current) => ({ ...current, assets: current.assets.filter((a) => a.id !== asset.id) }));
    await this.removeBytes(asset.id);
  }

  /** The bytes (and the download count) of an asset no release lists any more (a deleted release's). */
  async removeBytes(assetId: string): Promise<void> {
    await rm(this.layout.assetPath(assetId), { force: true });
    await rm(this.layout.downloadCountPath(assetId), { force: true });
  }

  async open(assetId: string, range?: ByteRange): Promise<ReadableStream<Uint8Array>> {
    const file = this.layout.assetPath(assetId);
    // Not through a link, like branch files (see LocalBranch.read).
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' || error.code === 'ELOOP' ? new StoreNotFoundError(`no asset '${assetId}'`) : error;
    });
    const { size } = await handle.stat();
    return fileStream(handle, size, range);
  }
}
