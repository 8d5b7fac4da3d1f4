import { KIND_ANSWERS, kindOf } from '../errors.js';
import { StoreUnavailableError } from '../store/errors.js';
import { errorMessage } from '../util/error-message.js';
import { describeError, type Logger } from '../util/logger.js';
import { HttpError, type Responses } from './responses.js';

/** How long a client is asked to wait when the feed cannot be read and the store did not say (GitHub's rate limits do). */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * The one catch of every request: an HttpError is the handler's own documented answer; anything
 * else is answered by its kind (src/errors.ts), with the detail in the log and never in the answer.
 * Nothing logged carries a stack or request data, and store messages name no secret.
 */
export function answerError(error: unknown, at: { respond: Responses; log: Logger; route: string }): Response {
  const { respond, log, route } = at;
  if (error instanceof HttpError) return respond.error(error.status, error.message, error.headers, error.details);
  const kind = kindOf(error);
  const answer = KIND_ANSWERS[kind];
  switch (kind) {
    case 'internal':
    case 'unfinished':
      log.error('unhandled error', { route, ...describeError(error) });
      return respond.error(answer.status, answer.message);
    case 'config':
      // Which settings are wrong goes to the log; clients only learn it is not their fault.
      log.error('server misconfigured', { message: errorMessage(error) });
      return respond.error(answer.status, answer.message);
    case 'unavailable':
    case 'unsupported':
    case 'damaged': {
      log.warn('store unavailable', { route, message: errorMessage(error) });
      const wait = error instanceof StoreUnavailableError ? error.retryAfterSeconds : undefined;
      return respond.error(answer.status, answer.message, { 'retry-after': String(wait ?? DEFAULT_RETRY_AFTER_SECONDS) });
    }
    default:
      log.warn('request failed', { route, kind, message: errorMessage(error) });
      return respond.error(answer.status, answer.message);
  }
}
