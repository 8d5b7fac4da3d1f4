import { dummyHash, verifyPassword } from '../../users/password.js';
import type { Handler } from '../route.js';
import { readJsonBody } from '../request-body.js';
import { ERRORS, HttpError, jsonResponse } from '../responses.js';

/** POST /api/v1/auth: email + password → `{token, userId, email}` (WEB_API.md). */
export const login: Handler = async (request, context) => {
  const body = await readJsonBody(request);
  const { email, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof email !== 'string' || typeof password !== 'string' || email.trim() === '' || password === '') {
    throw new HttpError(400, ERRORS.credentialsRequired);
  }
  const user = context.users.byEmail(email);
  // Unknown emails are checked against a dummy hash, so they take as long as a wrong password.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok) {
    context.log.info('login refused');
    throw new HttpError(401, ERRORS.invalidCredentials);
  }
  const token = await context.tokens.issueTesterToken(user);
  context.log.info('login', { userId: user.id });
  return jsonResponse(200, { token, userId: user.id, email: user.email });
};
