import type { z } from 'zod';
import { readJsonBody } from './request-body.js';
import { ERRORS } from '../feed/api-errors.js';
import { HttpError } from './responses.js';

/**
 * Reads and validates what a Capgo plugin posted. A bad body is a 400 whose `error` is a
 * stable code and whose `message` says which field is wrong, the way the plugin logs it.
 */
export async function readDeviceBody<T extends z.ZodType>(request: Request, schema: T, limit?: number): Promise<z.output<T>> {
  const body = await readJsonBody(request, limit).catch((error: unknown) => {
    // The plugin's own shape for every refusal, not the tester API's bare one.
    if (error instanceof HttpError && error.message === ERRORS.invalidJson)
      throw new HttpError(400, { message: 'invalid_request', details: { message: 'the body is not JSON', kind: 'failed' } });
    throw error;
  });
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new HttpError(400, { message: 'invalid_request', details: { message: describeIssue(result.error), kind: 'failed' } });
}

/** The first problem of a rejected body, as `field: what is wrong`. */
export function describeIssue(error: z.ZodError): string {
  const issue = firstIssue(error.issues);
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue?.message ?? 'invalid body'}`;
}

/**
 * A union's own issue says only "Invalid input". When the body has the type of just one
 * of its forms (an object where a stats event or a batch is allowed), that form's first
 * problem is the one that names the field.
 */
function firstIssue(issues: readonly z.core.$ZodIssue[]): { path: PropertyKey[]; message: string } | undefined {
  const issue = issues[0];
  if (issue?.code === 'invalid_union') {
    const meant = issue.errors.filter((form) => !form.some((i) => i.code === 'invalid_type' && i.path.length === 0));
    const inner = meant.length === 1 && meant[0] ? firstIssue(meant[0]) : undefined;
    if (inner) return { path: [...issue.path, ...inner.path], message: inner.message };
  }
  return issue && { path: issue.path, message: issue.message };
}
