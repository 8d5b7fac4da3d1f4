import { openApiChecker } from '../test/fake-github/openapi-check.js';
import { FakeGitHub } from '../test/fake-github/server.js';

/** Runs `work` against a fresh fake GitHub, and fails the bench if GitHub would have refused any of its requests. */
export async function onFakeGitHub<T>(work: (fake: FakeGitHub) => Promise<T>): Promise<T> {
  await rememberRouteMatches();
  const fake = await FakeGitHub.start();
  try {
    const result = await work(fake);
    if (fake.violations.length) throw new Error(`the fake GitHub saw requests GitHub would refuse: ${fake.violations.join('; ')}`);
    return result;
  } finally {
    await fake.stop();
  }
}

let remembering = false;

/**
 * The fake finds each request's operation with openapi-backend's router, which flattens GitHub's
 * ~1,000 path templates and builds a RegExp for each on every request: tens of milliseconds a
 * request, fine for a test, not for a bench that sends tens of thousands. The bench process
 * remembers each method and path's match (bounded; the same answer as asking again), so a
 * request costs the fake what it costs GitHub's real router: next to nothing. Checks of
 * requests and responses against the description are unchanged.
 */
export async function rememberRouteMatches(): Promise<void> {
  if (remembering) return;
  remembering = true;
  const checker = await openApiChecker();
  const match = checker.match.bind(checker);
  const known = new Map<string, ReturnType<typeof match>>();
  checker.match = (method, path) => {
    const key = `${method} ${path}`;
    let found = known.get(key);
    if (found === undefined) {
      found = match(method, path);
      if (known.size >= 10_000) known.clear();
      known.set(key, found);
    }
    return found && { operation: found.operation, params: { ...found.params } };
  };
}
