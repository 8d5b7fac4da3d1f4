import { beforeAll, describe, expect, test } from 'vitest';
import { backends, startFeedServer } from '../helpers/feed-server.js';
import { useFakeGitHub } from '../helpers/github.js';

const github = useFakeGitHub();
import { login } from '../helpers/server.js';

type Feed = Awaited<ReturnType<typeof startFeedServer>>;

async function appsOf(url: string, email: string) {
  const res = await fetch(`${url}/api/v1/apps`, { headers: { authorization: `Bearer ${await login(url, email)}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return (await res.json()) as { teams: { id: string; name: string; apps: Record<string, unknown>[] }[] };
}

describe.each(backends(github))('GET /api/v1/apps (%s)', (_name, backend) => {
  let feed: Feed;
  beforeAll(async () => {
    feed = await startFeedServer({ backend: backend() });
  });

  test('answers exactly the WEB_API.md shape for a user of one team', async () => {
    const { versions } = feed;
    expect(await appsOf(feed.url, 'alice@example.com')).toEqual({
      teams: [
        {
          id: 'acme',
          name: 'Acme',
          apps: [
            {
              id: 'rocket',
              title: 'Rocket',
              packageName: 'com.acme.rocket',
              icon: '/api/files/apps/rocket/rocket.png',
              release: {
                current: { id: versions.rocket110.id, version: '1.1.0', name: 'January update', public: true, hasFile: true, created: '2026-01-15T10:30:00Z' },
                pending: { id: versions.rocket120.id, version: '1.2.0', name: 'Next sprint', public: false, hasFile: false, created: '2026-01-21T09:00:00Z' },
              },
              debug: {
                current: { id: versions.rocketDebug.id, version: '1.3.0', name: '', public: false, hasFile: true, created: '2026-01-20T08:00:00Z' },
                pending: null,
              },
              profile: { current: null, pending: null },
            },
            {
              id: 'anvil',
              title: 'Anvil',
              packageName: 'com.acme.anvil',
              icon: '',
              release: { current: null, pending: null },
              debug: { current: null, pending: null },
              profile: { current: null, pending: null },
            },
          ],
        },
      ],
    });
  });

  test('lists only the user’s teams, in declaration order whatever the order in the user record', async () => {
    expect((await appsOf(feed.url, 'bob@example.com')).teams.map((t) => t.id)).toEqual(['globex']);
    const carol = await appsOf(feed.url, 'carol@example.com');
    expect(carol.teams.map((t) => t.id)).toEqual(['acme', 'globex']);
    expect(carol.teams[1]?.apps.map((a) => a['id'])).toEqual(['gadget']);
  });

  test('teams is an empty array for a user of no team, or of a team the feed does not have', async () => {
    expect(await appsOf(feed.url, 'dave@example.com')).toEqual({ teams: [] });
    expect(await appsOf(feed.url, 'eve@example.com')).toEqual({ teams: [] });
  });

  test('a version object has exactly the six documented fields', async () => {
    const rocket = (await appsOf(feed.url, 'alice@example.com')).teams[0]?.apps[0] as { release: { current: object } };
    expect(Object.keys(rocket.release.current).sort()).toEqual(['created', 'hasFile', 'id', 'name', 'public', 'version']);
  });

  test('a new publish shows up on the next request', async () => {
    const { publish } = await import('../../src/publish/publish.js');
    const { writeBuild } = await import('../helpers/fixtures.js');
    await publish({ store: feed.store, config: feed.config, request: { app: 'anvil', buildType: 'profile', version: '0.1.0', path: await writeBuild('p') } });
    const anvil = (await appsOf(feed.url, 'alice@example.com')).teams[0]?.apps[1] as { profile: { current: { version: string } } };
    expect(anvil.profile.current.version).toBe('0.1.0');
  });
});
