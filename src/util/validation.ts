import type { z } from 'zod';
import { errorMessage } from './error-message.js';
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

/** Validates `value` with `schema`, or throws a ValidationError that lists every issue. */
export function validate<T extends z.ZodType>(schema: T, value: unknown, source: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = formatPath(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  throw new ValidationError(source, problems);
}

/** Parses JSON text, naming the source in the error instead of a bare SyntaxError. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = errorMessage(error);
    throw new ValidationError(source, [`not valid JSON (${detail})`], { cause: error });
  }
}
