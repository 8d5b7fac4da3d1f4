import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeGitHub } from './server.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await FakeGitHub.start();
});
afterAll(() => fake.stop());

async function graphql(query: string, variables: Record<string, unknown>, token: string | null = 'ghs_read_token') {
  const response = await fetch(`${fake.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: { repository: { release: { databaseId: number; isDraft: boolean } | null } | null }; errors?: { message: string }[] },
  };
}

const RELEASE = 'query($owner: String!, $name: String!, $tag: String!) { repository(owner: $owner, name: $name) { release(tagName: $tag) { databaseId isDraft } } }';

describe("the fake GitHub's GraphQL endpoint", () => {
  test('release(tagName) finds a draft by its pending tag, and the published release once there is one', async () => {
    const repo = fake.addRepo('acme/gql-feed');
    const add = (id: number, draft: boolean, createdAt: string) =>
      repo.releases.set(id, {
        id,
        tagName: 'rocket/release/v1.0.0',
        targetCommitish: 'main',
        name: null,
        body: null,
        draft,
        prerelease: false,
        createdAt,
        publishedAt: draft ? null : createdAt,
        assetIds: [],
      });
    const ask = () => graphql(RELEASE, { owner: 'acme', name: 'gql-feed', tag: 'rocket/release/v1.0.0' });
    expect((await ask()).body).toEqual({ data: { repository: { release: null } } });
    add(1, true, '2026-01-01T00:00:00.000Z');
    add(2, true, '2026-01-02T00:00:00.000Z');
    expect((await ask()).body.data?.repository?.release).toEqual({ databaseId: 1, isDraft: true });
    add(3, false, '2026-01-03T00:00:00.000Z');
    expect((await ask()).body.data?.repository?.release).toEqual({ databaseId: 3, isDraft: false });
    expect((await graphql(RELEASE, { owner: 'acme', name: 'no-such-repo', tag: 'x' })).body).toEqual({ data: { repository: null } });
  });

  test("a field GitHub's schema does not have is refused as GitHub does (200 with errors) and recorded as a violation", async () => {
    fake.violations.length = 0;
    const answer = await graphql('query { repository(owner: "acme", name: "gql-feed") { release(tagName: "t") { downloadCount } } }', {});
    expect(answer.status).toBe(200);
    expect(answer.body.errors?.[0]?.message).toMatch(/Cannot query field "downloadCount" on type "Release"/);
    expect(fake.violations.splice(0)).toEqual([expect.stringMatching(/^graphql: Cannot query field "downloadCount"/)]);
  });

  test('without a token: 401', async () => {
    expect((await graphql(RELEASE, { owner: 'acme', name: 'gql-feed', tag: 't' }, null)).status).toBe(401);
  });
});
