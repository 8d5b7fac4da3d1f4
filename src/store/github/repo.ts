import type { GitHubClient } from './client.js';
import { describeGitHubError, isStatus, parseRepo } from './errors.js';

/**
 * One repository on GitHub as the store's parts call it: the client, the repository's
 * names, and failures turned into messages that name the repository and say what to do.
 */
export class GitHubRepo {
  readonly owner: string;
  readonly name: string;
  /** `owner/name`. */
  readonly location: string;
  /** The manifest branch. */
  readonly branch: string;

  /** `repo` is `owner/name` (an error shows that form when it is not); `branch` is named in messages. */
  constructor(
    readonly octokit: GitHubClient,
    options: { readonly repo: string; readonly branch: string },
  ) {
    [this.owner, this.name] = parseRepo(options.repo);
    this.location = `${this.owner}/${this.name}`;
    this.branch = options.branch;
  }

  /** The parameters every call for this repository starts with. */
  get ids(): { owner: string; repo: string } {
    return { owner: this.owner, repo: this.name };
  }

  /** A failed call as an error that says what to do (never the token). */
  fail(what: string, error: unknown): Error {
    return describeGitHubError(error, { repo: this.location, branch: this.branch, what });
  }

  /** Runs a GitHub call, turning its failure into `fail(what, …)`. */
  async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.fail(what, error);
    }
  }

  /** `work`'s answer, or null when GitHub says there is no such thing (404). */
  unlessAbsent<T>(what: string, work: () => Promise<T>): Promise<T | null> {
    return this.call(what, async () => {
      try {
        return await work();
      } catch (error) {
        if (isStatus(error, 404)) return null;
        throw error;
      }
    });
  }
}
