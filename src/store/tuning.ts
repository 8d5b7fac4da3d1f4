import { parseWholeNumber } from '../util/whole-number.js';

/**
 * The test knobs of a GitHub store (GitHub's advised spacing of writes, the base of retry waits),
 * shortened against the fake GitHub; the CLI and the action both read them from these variables.
 * Apart from the inputs and flags: no user sets them. Its own module, so the CLI does not load the
 * GitHub client to read two numbers.
 */
export function storeTuning(env: Readonly<Record<string, string | undefined>>): { pacingMs: number | undefined; retryBaseMs: number | undefined } {
  return { pacingMs: parseWholeNumber(env['UPDATEFORGE_GITHUB_PACING_MS']), retryBaseMs: parseWholeNumber(env['UPDATEFORGE_GITHUB_RETRY_MS']) };
}
