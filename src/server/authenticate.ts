import type { User } from '../users/users.js';
import { passwordFingerprint } from '../users/users.js';
import type { ServerContext } from './context.js';
import { ERRORS } from '../feed/api-errors.js';
import { HttpError } from './responses.js';

// A compact JWS exactly as issued (three base64url parts, no padding): one spelling per token.
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+) *$/i;

/**
 * The tester a request's Bearer token stands for. 401 for a missing, malformed,
 * forged or expired token, and for one whose user is gone or changed password.
 */
export async function authenticate(request: Request, context: ServerContext): Promise<User> {
  const match = BEARER.exec(request.headers.get('authorization') ?? '');
  const claims = match?.[1] ? await context.tokens.verifyTesterToken(match[1]) : null;
  const user = claims ? context.users.byId(claims.userId) : undefined;
  if (!claims || !user || passwordFingerprint(user) !== claims.passwordFingerprint) throw new HttpError(401, { message: ERRORS.unauthorized });
  return user;
}
