import { ERRORS } from './feed/api-errors.js';

/**
 * What kind of failure an error is, in the terms its reader acts on. Both top-level catches (the CLI's
 * exit code, the API's status) answer by kind from the one table below, never by knowing error classes.
 */
export type ErrorKind =
  /** A value the user gave is wrong: fix it and run again. Nothing was written. */
  | 'input'
  /** The command was called wrongly (a flag, a missing argument). Nothing was written. */
  | 'usage'
  /** The configuration (file or environment) cannot work as it is. Nothing was written. */
  | 'config'
  /** Someone else's change got there first, or the feed already holds something else under that name. */
  | 'conflict'
  | 'not-found'
  /** The store cannot be reached or used right now: try again later. */
  | 'unavailable'
  /** The feed was written by a newer UpdateForge: upgrade this one. */
  | 'unsupported'
  /** The feed's stored state needs `updateforge repair` before this can be done. */
  | 'damaged'
  /** The work stopped part-way; the message says what is left and running again finishes it. */
  | 'unfinished'
  /** A bug, or a failure nothing here knows: no message of it reaches an API client. */
  | 'internal';

export interface ErrorOptionsWith extends ErrorOptions {
  /** The flag or action input to fix, when one value is at fault (`build-type`). */
  readonly field?: string;
}

/** The base of every error UpdateForge throws on purpose; `cause` is kept whenever there is one. */
export abstract class UpdateForgeError extends Error {
  abstract readonly kind: ErrorKind;
  readonly field: string | undefined;
  constructor(message: string, options: ErrorOptionsWith = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.field = options.field;
  }
}

export function kindOf(error: unknown): ErrorKind {
  return error instanceof UpdateForgeError ? error.kind : 'internal';
}

/** How each entry point answers a kind: the CLI's exit code, the API's status and its documented `error` string. */
export interface KindAnswer {
  /** 2: the call itself was wrong and nothing was written; 1: anything else. */
  readonly exitCode: 1 | 2;
  readonly status: number;
  readonly message: string;
}

/**
 * The one table. HTTP answers use only WEB_API.md's strings: a failure that is no client's fault says
 * so without detail (the detail goes to the log). A client rarely sees most kinds: handlers answer
 * their own outcomes with an HttpError, and the feed cache turns store failures into 'unavailable'.
 */
export const KIND_ANSWERS: Readonly<Record<ErrorKind, KindAnswer>> = {
  input: { exitCode: 2, status: 400, message: ERRORS.badRequest },
  usage: { exitCode: 2, status: 400, message: ERRORS.badRequest },
  config: { exitCode: 2, status: 503, message: ERRORS.misconfigured },
  conflict: { exitCode: 1, status: 409, message: ERRORS.conflict },
  'not-found': { exitCode: 1, status: 404, message: ERRORS.notFound },
  unavailable: { exitCode: 1, status: 503, message: ERRORS.feedUnavailable },
  unsupported: { exitCode: 1, status: 503, message: ERRORS.feedUnavailable },
  damaged: { exitCode: 1, status: 503, message: ERRORS.feedUnavailable },
  unfinished: { exitCode: 1, status: 500, message: ERRORS.internal },
  internal: { exitCode: 1, status: 500, message: ERRORS.internal },
};

export function answerFor(error: unknown): KindAnswer {
  return KIND_ANSWERS[kindOf(error)];
}

/** The flag or input an error names as the one to fix, if any. */
export function fieldOf(error: unknown): string | undefined {
  return error instanceof UpdateForgeError ? error.field : undefined;
}
