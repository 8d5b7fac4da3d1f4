import { z } from 'zod';
import { errorMessage } from './error-message.js';
import { jsonLocator, syntaxErrorPlace, syntaxErrorReason, type LineColumn } from './json-location.js';
import { didYouMean } from './suggest.js';
import { UpdateForgeError } from '../errors.js';

/** A document that failed its schema: every problem, each with where it is. */
export class ValidationError extends UpdateForgeError {
  override readonly name = 'ValidationError';
  readonly kind = 'input';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
    options: ErrorOptions = {},
  ) {
    super(`${source} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out;
}

/** "file:3:7: " for a file whose text is known, so editors and terminals can jump there. */
function placePrefix(source: string, place: LineColumn | undefined): string {
  return place === undefined ? '' : `${source}:${place.line}:${place.column}: `;
}

/** The keys the object schema at `path` inside `schema` allows, or none when there is no object there. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let at: unknown = schema;
  for (const key of [...path, undefined]) {
    for (;;) {
      if (at instanceof z.ZodOptional || at instanceof z.ZodNullable || at instanceof z.ZodDefault) at = at.unwrap();
      else if (at instanceof z.ZodPipe) at = at.in;
      else break;
    }
    if (key === undefined) break;
    if (at instanceof z.ZodArray && typeof key === 'number') at = at.element;
    else if (at instanceof z.ZodObject && typeof key === 'string') at = (at.shape as Record<string, unknown>)[key];
    else return [];
  }
  return at instanceof z.ZodObject ? Object.keys(at.shape as Record<string, unknown>) : [];
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) at = typeof at === 'object' && at !== null ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  return at;
}

interface Problem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  /** Point at the member's key rather than its value (an unknown key). */
  readonly atKey?: boolean;
}

/** The issues in the words of this project: each unknown key on its own, with the closest known one. */
function problemsOf(schema: z.ZodType, value: unknown, issues: readonly z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(schema, issue.path);
      return issue.keys.map((key) => ({ path: [...issue.path, key], message: `unknown key '${key}'${didYouMean(key, known)}`, atKey: true }));
    }
    if (issue.code === 'invalid_value') {
      const input = valueAt(value, issue.path);
      const options = issue.values.filter((v): v is string => typeof v === 'string');
      if (typeof input === 'string') return [{ path: issue.path, message: `${issue.message}${didYouMean(input, options)}` }];
    }
    if (issue.code === 'invalid_type' && valueAt(value, issue.path) === undefined && issue.path.length > 0) {
      return [{ path: issue.path, message: `missing (expected ${issue.expected})` }];
    }
    return [{ path: issue.path, message: issue.message }];
  });
}

/**
 * Validates `value` with `schema`, or throws a ValidationError that lists every issue. Given the
 * JSON `text` the value was parsed from, each problem starts with `source:line:column:`.
 */
export function validate<T extends z.ZodType>(schema: T, value: unknown, source: string, options: { text?: string } = {}): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const locate = options.text === undefined ? undefined : jsonLocator(options.text);
  const problems = problemsOf(schema, value, result.error.issues).map((problem) => {
    const where = formatPath(problem.path);
    const place = locate?.(problem.path, { key: problem.atKey === true });
    return { place, text: `${placePrefix(source, place)}${where ? `${where}: ` : ''}${problem.message}` };
  });
  // In the file's order when the places are known (sort is stable: zod's order otherwise).
  problems.sort((a, b) => (a.place && b.place ? a.place.line - b.place.line || a.place.column - b.place.column : 0));
  throw new ValidationError(
    source,
    problems.map((p) => p.text),
  );
}

/**
 * Parses JSON text, naming the source in the error instead of a bare SyntaxError. With `located`
 * (`source` is a file), the problem starts with `source:line:column:` instead of JSON.parse's offset.
 */
export function parseJson(text: string, source: string, options: { located?: boolean } = {}): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = errorMessage(error);
    const problem = options.located ? `${placePrefix(source, syntaxErrorPlace(text, detail))}not valid JSON (${syntaxErrorReason(detail)})` : `not valid JSON (${detail})`;
    throw new ValidationError(source, [problem], { cause: error });
  }
}
