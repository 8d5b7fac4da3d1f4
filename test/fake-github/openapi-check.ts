import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, type Operation } from 'openapi-backend';

/**
 * GitHub's own OpenAPI description (`@octokit/openapi`), used to check every request
 * the fake receives and every response it sends, so the fake cannot drift from GitHub.
 */
export interface OpenApiChecker {
  /** The operation a request is, with its path parameters, or null when GitHub has no such endpoint. */
  match(method: string, path: string): { operation: Operation; params: Record<string, string> } | null;
  /** The same, by openapi-backend's own router: slow (it builds its patterns per call), kept to check `match` against. */
  referenceMatch(method: string, path: string): { operation: Operation; params: Record<string, string> } | null;
  /** Every operation of the description. */
  readonly operations: readonly Operation[];
  /** Spec violations of a request (empty when it is one GitHub accepts). */
  checkRequest(operation: Operation, request: { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: unknown }): string[];
  /** Spec violations of a response. */
  checkResponse(operation: Operation, status: number, body: unknown): string[];
}

let loading: Promise<OpenApiChecker> | null = null;

/** Loads and indexes the spec once per process (about 200 ms); validators compile on first use. */
export function openApiChecker(): Promise<OpenApiChecker> {
  loading ??= load();
  return loading;
}

type AjvError = { instancePath?: string; message?: string; keyword?: string; params?: Record<string, unknown> };

function describe(errors: AjvError[] | null | undefined): string[] {
  return (
    (errors ?? [])
      // GitHub's spec declares some errors as oneOf of two schemas that both accept a plain
      // {message, documentation_url}: real GitHub answers fail that too. Not a data error.
      .filter((e) => !(e.keyword === 'oneOf' && Array.isArray(e.params?.['passingSchemas'])))
      .map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword ?? 'invalid'}`)
  );
}

async function load(): Promise<OpenApiChecker> {
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const definition = spellNullsOut(JSON.parse(await readFile(file, 'utf8')) as unknown) as Record<string, unknown>;
  const api = new OpenAPIBackend({
    definition: definition as never,
    // quick: validators are compiled on first use, so only the endpoints the fake serves cost anything.
    quick: true,
    validate: true,
    strict: false,
    ajvOpts: { logger: false },
    customizeAjv: (ajv) => {
      addFormats.default(ajv as never);
      return ajv;
    },
  });
  await api.init();
  const routes = compileRoutes(api.getOperations());
  return {
    match(method, path) {
      const wanted = method.toLowerCase();
      for (const route of routes) {
        if (route.operation.method !== wanted) continue;
        const found = route.pattern.exec(path);
        if (found) return { operation: route.operation, params: Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')])) };
      }
      return null;
    },
    referenceMatch(method, path) {
      const request = { method: method.toLowerCase(), path, headers: {}, query: {} };
      const operation = api.router.matchOperation(request);
      if (!operation) return null;
      return { operation, params: api.router.parseRequest(request, operation).params as Record<string, string> };
    },
    operations: api.getOperations(),
    checkRequest(operation, request) {
      const result = api.validator.validateRequest({ ...request, method: request.method.toLowerCase() }, operation as never);
      return describe(result.errors as AjvError[] | null);
    },
    checkResponse(operation, status, body) {
      if (!operation.responses?.[String(status)] && !operation.responses?.['default']) return [`status ${status} is not a documented response of ${operation.operationId}`];
      const result = api.validator.validateResponse(body, operation as never, status);
      return describe(result.errors as AjvError[] | null);
    },
  };
}

interface CompiledRoute {
  readonly operation: Operation;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

/**
 * The description's ~1,000 path templates as regular expressions made once, tried in the order a
 * router must: a template with fewer parameters first, so `releases/latest` is not taken for
 * `releases/{release_id}`. openapi-backend's own router builds them afresh for every request
 * (about 14 ms each on this machine, most of the fake's time); a test (openapi-check.test.ts)
 * checks that both routers agree.
 */
function compileRoutes(operations: readonly Operation[]): CompiledRoute[] {
  const compiled = operations.map((operation) => {
    const names: string[] = [];
    const source = operation.path
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const name = /^\{([^}]+)\}$/.exec(part)?.[1];
        if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(name);
        return '([^/]+)';
      })
      .join('');
    return { operation, pattern: new RegExp(`^${source}/?$`), names };
  });
  return compiled.sort((a, b) => a.names.length - b.names.length || b.operation.path.length - a.operation.path.length);
}

/**
 * GitHub's description marks some schemas `nullable` without a `type` (a commit's `author` is
 * `{nullable: true, oneOf: [...]}`), which Ajv refuses to compile ("nullable" cannot be used without
 * "type"), failing every check of such an operation. Each becomes `anyOf: [the schema, {type: "null"}]`:
 * the same values allowed, in words Ajv reads.
 */
function spellNullsOut(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(spellNullsOut);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).map(([key, value]) => [key, spellNullsOut(value)] as const);
  const schema = Object.fromEntries(entries) as Record<string, unknown>;
  if (schema['nullable'] === undefined || 'type' in schema || '$ref' in schema) return schema;
  const { nullable, ...rest } = schema;
  return nullable === true ? { anyOf: [rest, { type: 'null' }] } : rest;
}
