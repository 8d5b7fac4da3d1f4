import { dummyHash, verifyPassword } from '../../users/password.js';
import { QueueFullError } from '../../util/bounded-queue.js';
import { clientAddress } from '../client-address.js';
import type { Handler } from '../route.js';
import { readJsonBody } from '../request-body.js';
import { ERRORS } from '../../feed/api-errors.js';
import { HttpError } from '../responses.js';

const tooManyAttempts = (seconds: number) => new HttpError(429, { message: ERRORS.tooManyAttempts, headers: { 'retry-after': String(seconds) } });

/** POST /api/v1/auth: email + password → `{token, userId, email}` (WEB_API.md); wrong passwords are throttled. */
export const login: Handler = async (request, context) => {
  const body = await readJsonBody(request);
  const { email, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof email !== 'string' || typeof password !== 'string' || email.trim() === '' || password === '') {
    throw new HttpError(400, { message: ERRORS.credentialsRequired });
  }
  const address = clientAddress(request);
  const wait = context.logins.attempt(email, address);
  if (wait !== null) {
    const refused = context.logins.refusalsToReport();
    if (refused !== null) context.log.warn('logins throttled', { refused });
    throw tooManyAttempts(wait);
  }
  // Every login waits for the dummy hash, so the first unknown email of an instance costs no more than any other.
  const dummy = await dummyHash();
  const user = context.users.byEmail(email);
  let ok: boolean;
  try {
    // Unknown emails are checked against the dummy hash, so they take as long as a wrong password.
    ok = await verifyPassword(password, user?.passwordHash ?? dummy);
  } catch (error) {
    if (!(error instanceof QueueFullError)) throw error;
    context.logins.release(email, address);
    context.log.warn('login refused: password checks queue full');
    throw tooManyAttempts(1);
  }
  if (!user || !ok) {
    context.log.info('login refused');
    throw new HttpError(401, { message: ERRORS.invalidCredentials });
  }
  context.logins.release(email, address);
  const token = await context.tokens.issueTesterToken(user);
  context.log.info('login', { userId: user.id });
  return context.respond.json(200, { token, userId: user.id, email: user.email });
};
