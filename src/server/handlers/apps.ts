import { teamJson } from '../apps-response.js';
import { authenticate } from '../authenticate.js';
import { memoized } from '../../feed/feed-snapshot.js';
import type { Handler } from '../route.js';
import { staleHeaders } from '../responses.js';

/**
 * GET /api/v1/apps: the user's teams, oldest first, each with its apps and their
 * current/pending versions. The answer's bytes are made once per manifest and set of
 * teams, so a request costs a token check and a lookup.
 */
export const listApps: Handler = async (request, context) => {
  const user = await authenticate(request, context);
  const { snapshot, stale } = await context.feed.get();
  const answer = memoized(snapshot, `apps-answer:${user.teams.join('\0')}`, () => {
    const mine = new Set(user.teams);
    const teams: string[] = [];
    for (const team of snapshot.manifest.teams) {
      if (!mine.has(team.id)) continue;
      const json = memoized(snapshot, `apps-team:${team.id}`, () => teamJson(snapshot, team.id));
      if (json !== null) teams.push(json);
    }
    return Buffer.from(`{"teams":[${teams.join(',')}]}`);
  });
  return context.respond.rawJson(200, answer, staleHeaders(stale));
};
