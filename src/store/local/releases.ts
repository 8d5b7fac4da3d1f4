import { readFile, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { StoreConflictError, StoreNotFoundError, StoreUnavailableError } from '../errors.js';
import type { NewRelease, Release } from '../types.js';
import { createFileExclusive, writeFileAtomic } from './files.js';
import { ID, newId, type StoreLayout } from './layout.js';
import type { StoreLock } from './lock.js';

const AssetSchema = z.object({
  id: z.string().regex(ID),
  name: z.string(),
  label: z.string(),
  size: z.number().int().nonnegative(),
  contentType: z.string(),
  digest: z.string().nullable(),
  state: z.enum(['uploaded', 'incomplete']),
});
const ReleaseSchema = z.object({
  id: z.string().regex(ID),
  tag: z.string(),
  name: z.string(),
  body: z.string(),
  draft: z.boolean(),
  createdAt: z.string(),
  assets: z.array(AssetSchema),
});

/**
 * The releases of a local store, one JSON file each under releases/. A new one appears
 * complete in one link; every change after that is a read-modify-write under the store lock.
 */
export class LocalReleases {
  constructor(
    private readonly layout: StoreLayout,
    private readonly lock: StoreLock,
    private readonly now: () => number,
  ) {}

  /** Newest first. */
  async list(): Promise<Release[]> {
    const dir = this.layout.releasesDir;
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
    const releases = await Promise.all(names.map((n) => this.read(path.join(dir, n))));
    return releases.filter((r): r is Release => r !== null).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  find(tag: string): Promise<Release | null> {
    return this.read(this.layout.releasePath(tag));
  }

  /** StoreConflictError when the tag is taken. */
  async create(input: NewRelease): Promise<Release> {
    await this.layout.ready();
    const release: Release = { id: newId(), ...input, createdAt: new Date(this.now()).toISOString(), assets: [] };
    const created = await createFileExclusive(this.layout.tmpDir, this.layout.releasePath(input.tag), Buffer.from(JSON.stringify(release, null, 2)));
    if (!created) throw new StoreConflictError(`a release with tag '${input.tag}' already exists`);
    return release;
  }

  /** Applies `change` to the release as it is now; StoreNotFoundError when it was deleted (or replaced) meanwhile. */
  mutate(release: Release, change: (current: Release) => Release): Promise<Release> {
    return this.lock.hold(async () => {
      const current = await this.read(this.layout.releasePath(release.tag));
      if (!current || current.id !== release.id) throw new StoreNotFoundError(`release '${release.tag}' no longer exists`);
      const next = change(current);
      await writeFileAtomic(this.layout.tmpDir, this.layout.releasePath(next.tag), Buffer.from(JSON.stringify(next, null, 2)));
      return next;
    });
  }

  /** The release as it was when removed, so its assets can go too; null when it was already gone. */
  delete(release: Release): Promise<Release | null> {
    return this.lock.hold(async () => {
      const current = await this.read(this.layout.releasePath(release.tag));
      if (!current || current.id !== release.id) return null;
      await unlink(this.layout.releasePath(release.tag));
      return current;
    });
  }

  private async read(file: string): Promise<Release | null> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let raw: unknown = null;
    try {
      raw = JSON.parse(text);
    } catch {
      // reported below, like any other damage
    }
    const parsed = ReleaseSchema.safeParse(raw);
    if (!parsed.success) throw new StoreUnavailableError(`Release file '${path.basename(file)}' in the store is damaged.`);
    return parsed.data;
  }
}
