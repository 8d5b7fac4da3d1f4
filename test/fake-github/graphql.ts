import { schema as published } from '@octokit/graphql-schema';
import { buildClientSchema, execute, parse, validate, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import type { FakeRelease, FakeRepo } from './model.js';

/**
 * GitHub's GraphQL endpoint, as far as UpdateForge uses it: every query is parsed and validated
 * against GitHub's published schema (@octokit/graphql-schema), then run with graphql-js over the
 * fake's state, so a field GitHub does not have, or a wrong argument type, fails here as it would
 * there. Only `repository(owner, name) { release(tagName) }` has data behind it.
 */

let schema: GraphQLSchema | null = null;
function githubSchema(): GraphQLSchema {
  // GitHub's published SDL defines a few enterprise fields twice; the introspection result is the schema as served.
  schema ??= buildClientSchema(published.json as unknown as IntrospectionQuery);
  return schema;
}

export interface GraphQLAnswer {
  readonly status: number;
  readonly body: unknown;
  /** Why the query would not run on GitHub: our product sent something GitHub's schema refuses. */
  readonly violation?: string;
}

export function answerGraphQL(repos: ReadonlyMap<string, FakeRepo>, request: unknown): GraphQLAnswer {
  const { query, variables } = (request ?? {}) as { query?: unknown; variables?: unknown };
  if (typeof query !== 'string')
    return { status: 400, body: { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql' }, violation: 'graphql: no query' };
  let document;
  try {
    document = parse(query);
  } catch (error) {
    return { status: 200, body: { errors: [{ message: (error as Error).message }] }, violation: `graphql: ${(error as Error).message}` };
  }
  const problems = validate(githubSchema(), document);
  // GitHub answers a query its schema refuses with 200 and `errors` (https://docs.github.com/graphql/guides/forming-calls-with-graphql).
  if (problems.length > 0)
    return { status: 200, body: { errors: problems.map((p) => ({ message: p.message })) }, violation: `graphql: ${problems.map((p) => p.message).join('; ')}` };
  const result = execute({
    schema: githubSchema(),
    document,
    variableValues: (variables ?? {}) as Record<string, unknown>,
    rootValue: { repository: ({ owner, name }: { owner: string; name: string }) => repositoryNode(repos.get(`${owner}/${name}`.toLowerCase())) },
  });
  if (result instanceof Promise) throw new Error('the fake resolves GraphQL synchronously');
  return { status: 200, body: JSON.parse(JSON.stringify(result)) };
}

function repositoryNode(repo: FakeRepo | undefined) {
  if (!repo) return null;
  return {
    id: `R_${repo.owner}_${repo.name}`,
    name: repo.name,
    nameWithOwner: `${repo.owner}/${repo.name}`,
    /**
     * "Lookup a single release given various criteria" (schema, `Repository.release`). Drafts are found
     * by their pending tag: `gh` relies on it to find "the first draft release that has tagName as its
     * pending tag" (cli/cli@44ee177 pkg/cmd/release/shared/fetch.go:169-200), and checks `isDraft`
     * because a published release with the tag is what comes back when there is one. Among several
     * drafts the fake returns the oldest; GitHub does not document which.
     */
    release: ({ tagName }: { tagName: string }) => {
      const withTag = [...repo.releases.values()].filter((r) => r.tagName === tagName).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
      const chosen = withTag.find((r) => !r.draft) ?? withTag[0];
      return chosen ? releaseNode(repo, chosen) : null;
    },
  };
}

function releaseNode(repo: FakeRepo, release: FakeRelease) {
  return {
    id: `RE_${release.id}`,
    databaseId: release.id,
    tagName: release.tagName,
    name: release.name,
    isDraft: release.draft,
    isPrerelease: release.prerelease,
    isLatest: repo.latestReleaseId === release.id,
    createdAt: release.createdAt,
    publishedAt: release.publishedAt,
    url: `https://github.com/${repo.owner}/${repo.name}/releases/${release.draft ? `untagged-${release.id}` : `tag/${encodeURIComponent(release.tagName)}`}`,
    resourcePath: `/${repo.owner}/${repo.name}/releases/tag/${encodeURIComponent(release.tagName)}`,
  };
}
