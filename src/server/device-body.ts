import type { z } from 'zod';
import { readJsonBody } from './request-body.js';
import { HttpError } from './responses.js';

/**
 * Reads and validates what a Capgo plugin posted. A bad body is a 400 whose `error` is a
 * stable code and whose `message` says which field is wrong, the way the plugin logs it.
 */
export async function readDeviceBody<T extends z.ZodType>(request: Request, schema: T, limit?: number): Promise<z.output<T>> {
  const body = await readJsonBody(request, limit);
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new HttpError(400, 'invalid_request', {}, { message: `${where}${issue?.message ?? 'invalid body'}`, kind: 'failed' });
}

/** The origin devices reach this server at: the configured public URL, else the request's own. */
export function publicOrigin(request: Request, publicUrl: string | undefined): string {
  return publicUrl ?? new URL(request.url).origin;
}
