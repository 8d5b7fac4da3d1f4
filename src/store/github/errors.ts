import { errorMessage } from '../../util/error-message.js';
import { StoreUnavailableError } from '../errors.js';
import { isRateLimitAnswer, retryAfterSeconds } from './rate-limit.js';

/** What Octokit throws for an HTTP failure (a RequestError), checked by shape. */
interface GitHubRequestError {
  readonly status: number;
  readonly message: string;
  /** Absent when GitHub never answered: Octokit then reports the network failure as a 500. */
  readonly response?: { readonly headers?: Readonly<Record<string, string | number | undefined>>; readonly data?: unknown } | undefined;
}

export function isRequestError(error: unknown): error is GitHubRequestError {
  return error instanceof Error && 'status' in error && typeof error.status === 'number';
}

export function isStatus(error: unknown, status: number): error is GitHubRequestError {
  return isRequestError(error) && error.status === status;
}

/** GitHub's 422 naming an `already_exists` validation error: a release's tag or an asset's name is taken. */
export function isAlreadyExists(error: unknown): boolean {
  return isStatus(error, 422) && /already_exists/.test(JSON.stringify(error.response?.data ?? ''));
}

/** GitHub's 422 refusing a tag that an immutable release once had. */
export function isTagOfImmutableRelease(error: unknown): boolean {
  return isStatus(error, 422) && /used by an immutable release/i.test(JSON.stringify(error.response?.data ?? ''));
}

export function unavailable(message: string): StoreUnavailableError {
  return new StoreUnavailableError(message);
}

export function emptyRepository(repo: string, branch: string): StoreUnavailableError {
  return unavailable(`${repo} is an empty repository. Push a first commit (a README will do) so UpdateForge can create its '${branch}' branch.`);
}

/** `owner/name`, or an error that shows the expected form. */
export function parseRepo(value: string): [string, string] {
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/.exec(value.trim());
  if (!match) throw unavailable(`Invalid repository '${value}'. Expected {owner}/{repo}, e.g. acme/mobile-builds.`);
  return [match[1]!, match[2]!];
}

/**
 * Turns a failed GitHub call into an error that says what to do. Only GitHub's own
 * message is quoted; the request (and so the token) never is.
 */
export function describeGitHubError(error: unknown, context: { repo: string; branch: string; what: string }): Error {
  const { repo, what } = context;
  if (!isRequestError(error)) {
    return error instanceof Error && error.name !== 'Error' ? error : unavailable(`Could not ${what} on ${repo}: ${errorMessage(error)}`);
  }
  // Octokit appends the documentation link to GitHub's message; the message is what helps.
  const said = (error.message.split('\n')[0] ?? '').replace(/:?\s+-\s+https?:\/\/\S+$/, '');
  if (error.response === undefined) return unavailable(`Could not ${what} on ${repo}: GitHub could not be reached (${said}).`);
  if (error.status === 422 && /repository is empty/i.test(said)) return emptyRepository(repo, context.branch);
  const headers = error.response.headers ?? {};
  if (isRateLimitAnswer(error.status, headers, said)) {
    // The wait travels with the error: a server answers 503 with it in Retry-After, a CLI prints it.
    const wait = retryAfterSeconds(headers);
    return new StoreUnavailableError(
      `GitHub's rate limit stopped UpdateForge from trying to ${what} on ${repo} (${error.status} ${said}); GitHub asks to wait ${wait} s before trying again.`,
      {
        retryAfterSeconds: wait,
      },
    );
  }
  switch (error.status) {
    case 401:
      return unavailable(`GitHub refused the token (401 ${said}) when trying to ${what} on ${repo}. Check the token given to UpdateForge.`);
    case 403:
      return unavailable(
        `The token may not ${what} on ${repo} (403 ${said}). In a workflow, add \`permissions: contents: write\`; otherwise use a token with Contents: read and write on ${repo}.`,
      );
    case 404:
      return unavailable(`Could not ${what}: ${repo} was not found, or the token cannot see it. Check the repository name and the token's access.`);
    default:
      return unavailable(`Could not ${what} on ${repo}: GitHub answered ${error.status} ${said}`);
  }
}
