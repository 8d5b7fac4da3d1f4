import { describe, expect, test } from 'vitest';
import { openApiChecker } from './openapi-check.js';

/** A path of `template` with every parameter filled in: plain, or with an encoded slash as tags and file paths have. */
function pathOf(template: string, value: (name: string) => string): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => value(name));
}

describe("the fake GitHub's router", () => {
  test("finds the operation and parameters openapi-backend's router finds, for the fake's endpoints and a sample of the rest", async () => {
    const checker = await openApiChecker();
    // Every operation the releases, git, contents and commits endpoints have (where templates such as
    // releases/latest and releases/{release_id} meet), and every 15th of the others.
    const near = /^\/repos\/\{owner\}\/\{repo\}\/(releases|git|contents|commits)\b/;
    const sample = checker.operations.filter((op, i) => near.test(op.path) || i % 15 === 0);
    expect(sample.length).toBeGreaterThan(100);
    const paths = [
      ...sample.map((op) => [op.method, pathOf(op.path, (name) => `${name}-7`)] as const),
      ...sample.map((op) => [op.method, pathOf(op.path, (name) => `a%2F${name}%20b`)] as const),
      ['get', '/repos/acme/feed/releases/latest'],
      ['get', '/repos/acme/feed/releases/generate-notes'],
      ['get', '/repos/acme/feed/releases/tags/rocket%2Frelease%2Fv1.0.0'],
      ['get', '/repos/acme/feed/releases/assets/42'],
      ['get', '/repos/acme/feed/nope/nothing'],
    ] as const;
    for (const [method, path] of paths) {
      const fast = checker.match(method, path);
      const reference = checker.referenceMatch(method, path);
      expect({ method, path, operation: fast?.operation.operationId ?? null, params: fast?.params ?? null }).toEqual({
        method,
        path,
        operation: reference?.operation.operationId ?? null,
        params: reference?.params ?? null,
      });
    }
  });
});
