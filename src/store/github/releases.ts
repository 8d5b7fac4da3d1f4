import { ReleaseListCapped, StoreConflictError, TagUnavailableError } from '../errors.js';
import type { NewRelease, Release, ReleasePatch } from '../types.js';
import { isAlreadyExists, isTagOfImmutableRelease } from './errors.js';
import { toRelease, type GitHubRelease } from './map.js';
import type { GitHubRepo } from './repo.js';

const LIST_CAP = 1000;

/**
 * A repository's releases: listed 100 a page, found by tag (drafts through GraphQL), created,
 * edited and deleted. Each release read keeps its upload URL for the uploads that follow.
 */
export class GitHubReleases {
  private readonly uploadUrls = new Map<string, string>();

  constructor(private readonly repo: GitHubRepo) {}

  /**
   * Every release, 100 a page. GitHub serves only the first 1,000 of this list (a later page is a
   * 422, iree-org/iree#16506), so a longer one ends in ReleaseListCapped carrying those 1,000.
   */
  async list(): Promise<Release[]> {
    const listed: Release[] = [];
    const { capped } = await this.pages('list releases', (page) => listed.push(...page.map((r) => this.remember(r))));
    if (capped) throw new ReleaseListCapped(`GitHub lists only the newest ${LIST_CAP} releases of ${this.repo.location}, and it has more`, listed);
    return listed;
  }

  /**
   * Every release as GitHub answers it, newest first, handed to `onPage` a page (100) at a time;
   * `capped` when GitHub has more than the first LIST_CAP it will list (see `list`).
   */
  async pages(what: string, onPage: (page: readonly GitHubRelease[]) => void): Promise<{ capped: boolean }> {
    const { octokit, ids } = this.repo;
    return this.repo.call(what, async () => {
      let seen = 0;
      for await (const page of octokit.paginate.iterator(octokit.rest.repos.listReleases, { ...ids, per_page: 100 })) {
        onPage(page.data);
        seen += page.data.length;
        if (seen >= LIST_CAP && /rel="next"/.test(page.headers.link ?? '')) return { capped: true };
      }
      return { capped: false };
    });
  }

  /** Tag names starting with `prefix`: one request for all of them (OAS `git/list-matching-refs` is not paginated). */
  async listTags(prefix: string): Promise<string[]> {
    const { data } = await this.repo.call('list tags', () => this.repo.octokit.rest.git.listMatchingRefs({ ...this.repo.ids, ref: `tags/${prefix}` }));
    return data.map((ref) => ref.ref.replace(/^refs\/tags\//, ''));
  }

  async findByTag(tag: string): Promise<Release | null> {
    // A published release first, by its tag: one request whatever the number of releases, and a
    // draft another run left with the same tag (GitHub allows several) can never stand in for it.
    const published = await this.repo.unlessAbsent('read a release by tag', async () => (await this.repo.octokit.rest.repos.getReleaseByTag({ ...this.repo.ids, tag })).data);
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
    const found = await this.repo.call('look up a draft release', () =>
      this.repo.octokit.graphql<{ repository: { release: { databaseId: number | null; isDraft: boolean } | null } | null }>(
        'query DraftByTag($owner: String!, $name: String!, $tag: String!) { repository(owner: $owner, name: $name) { release(tagName: $tag) { databaseId isDraft } } }',
        { owner: this.repo.owner, name: this.repo.name, tag },
      ),
    );
    const draft = found.repository?.release;
    if (!draft?.isDraft || draft.databaseId === null) return null;
    const release = await this.get(String(draft.databaseId));
    return release?.draft && release.tag === tag ? release : null;
  }

  private async get(id: string): Promise<Release | null> {
    const found = await this.repo.unlessAbsent('read a release', () => this.byId(id));
    return found && this.remember(found);
  }

  /** The release now, read afresh from GitHub. */
  async reload(id: string): Promise<Release> {
    return this.remember(await this.repo.call('read a release', () => this.byId(id)));
  }

  private async byId(id: string): Promise<GitHubRelease> {
    return (await this.repo.octokit.rest.repos.getRelease({ ...this.repo.ids, release_id: Number(id) })).data;
  }

  /** Where the release's assets are uploaded (read from GitHub when this client has not seen the release). */
  async uploadUrl(id: string): Promise<string | undefined> {
    return this.uploadUrls.get(id) ?? (await this.reload(id), this.uploadUrls.get(id));
  }

  async create(input: NewRelease): Promise<Release> {
    try {
      const { data } = await this.repo.octokit.rest.repos.createRelease({
        ...this.repo.ids,
        tag_name: input.tag,
        name: input.name,
        body: input.body,
        draft: input.draft,
        ...(input.target ? { target_commitish: input.target } : {}),
        // A build for testers is never the project's "Latest release" (GitHub's default for a published one).
        make_latest: 'false',
      });
      return this.remember(data);
    } catch (error) {
      if (isAlreadyExists(error)) throw new StoreConflictError(`a release tagged '${input.tag}' already exists in ${this.repo.location}`, { cause: error });
      throw this.burnedTag(error, input.tag) ?? this.repo.fail('create a release', error);
    }
  }

  async update(release: Release, patch: ReleasePatch): Promise<Release> {
    try {
      const { data } = await this.repo.octokit.rest.repos.updateRelease({
        ...this.repo.ids,
        release_id: Number(release.id),
        ...patch,
        ...(patch.draft === false ? { make_latest: 'false' as const } : {}),
      });
      return this.remember(data);
    } catch (error) {
      // Drafts may share a tag; GitHub keeps tags unique when they are published.
      if (isAlreadyExists(error)) throw new StoreConflictError(`a release tagged '${release.tag}' is already published in ${this.repo.location}`, { cause: error });
      throw this.burnedTag(error, release.tag) ?? this.repo.fail('update a release', error);
    }
  }

  async delete(release: Release): Promise<void> {
    // Already gone is as good as deleted.
    await this.repo.unlessAbsent('delete a release', () => this.repo.octokit.rest.repos.deleteRelease({ ...this.repo.ids, release_id: Number(release.id) }));
  }

  async deleteAsset(assetId: string): Promise<void> {
    await this.repo.unlessAbsent('delete an asset', () => this.repo.octokit.rest.repos.deleteReleaseAsset({ ...this.repo.ids, asset_id: Number(assetId) }));
  }

  /** GitHub's refusal of a tag an immutable release once had: no re-run can ever publish it. */
  private burnedTag(error: unknown, tag: string): TagUnavailableError | null {
    if (!isTagOfImmutableRelease(error)) return null;
    return new TagUnavailableError(
      `The tag '${tag}' was used by an immutable release of ${this.repo.location} that was later deleted, and GitHub never lets a tag name be used again after that ("tag_name was used by an immutable release"). Publish a new version.`,
    );
  }

  private remember(release: GitHubRelease): Release {
    this.uploadUrls.set(String(release.id), release.upload_url);
    return toRelease(release);
  }
}
