import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { BundleKeyError } from '../../../src/capgo/bundle-encryption.js';
import { UsageError } from '../../../src/cli/errors.js';
import { reportError } from '../../../src/cli/report-error.js';
import { failureMessage } from '../../../src/action/run-action.js';
import { KIND_ANSWERS, kindOf, UpdateForgeError } from '../../../src/errors.js';
import { ConfigFileError } from '../../../src/feed/config.js';
import { FormatVersionError, NewerFormatError } from '../../../src/feed/versioned-format.js';
import * as publishErrors from '../../../src/publish/errors.js';
import { WriteNeeded } from '../../../src/publish/read-only-store.js';
import { ServerConfigError } from '../../../src/server/config-error.js';
import * as storeErrors from '../../../src/store/errors.js';
import { UserEditError } from '../../../src/users/manage.js';
import { QueueFullError } from '../../../src/util/bounded-queue.js';
import { ValidationError } from '../../../src/util/validation.js';

function cliRun(error: unknown, env: NodeJS.ProcessEnv = {}): { code: number; stderr: string } {
  let stderr = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stderr += chunk.toString();
      done();
    },
  });
  return { code: reportError(error, stream, env), stderr };
}

const classes = [
  ...Object.values(publishErrors),
  ...Object.values(storeErrors).filter((value) => typeof value === 'function' && value.prototype instanceof Error),
  BundleKeyError,
  UsageError,
  ConfigFileError,
  FormatVersionError,
  WriteNeeded,
  ServerConfigError,
  UserEditError,
  QueueFullError,
];

describe('one taxonomy of errors', () => {
  test('every error class UpdateForge throws has a kind the table answers, and keeps its name and cause', () => {
    for (const Class of classes as (new (message: string, options?: ErrorOptions) => Error)[]) {
      const cause = new Error('underneath');
      const error =
        (Class as unknown) === publishErrors.PublishInputError
          ? new publishErrors.PublishInputError('version', 'bad', { cause })
          : (Class as unknown) === storeErrors.ReleaseListCapped
            ? new storeErrors.ReleaseListCapped('more than 1,000', [], { cause })
            : new Class('what happened', { cause });
      expect(error, Class.name).toBeInstanceOf(UpdateForgeError);
      expect(KIND_ANSWERS[kindOf(error)], Class.name).toBeDefined();
      expect(error.name).toBe(Class.name);
      expect(error.cause, Class.name).toBe(cause);
    }
  });

  test('the CLI exits 2 when the call was wrong and nothing was written, 1 for anything else, by kind', () => {
    expect(cliRun(new UsageError('no such command')).code).toBe(2);
    expect(cliRun(new ValidationError('users.json', ['[0].email: invalid'])).code).toBe(2);
    expect(cliRun(new ConfigFileError('no apps')).code).toBe(2);
    expect(cliRun(new ServerConfigError('UPDATEFORGE_JWT_SECRET is not set')).code).toBe(2);
    expect(cliRun(new BundleKeyError('not a key')).code).toBe(2);
    expect(cliRun(new publishErrors.VersionConflictError('1.0.0 is published with other bytes')).code).toBe(1);
    expect(cliRun(new storeErrors.StoreUnavailableError('GitHub is down')).code).toBe(1);
    expect(
      cliRun(
        new NewerFormatError({
          description: { versionKey: 'schemaVersion', noun: 'manifests', whenDamaged: 'Repair.', whenNewer: () => 'Upgrade.' },
          source: 'manifest.json',
          found: 9,
          newest: 2,
        }),
      ).code,
    ).toBe(1);
    expect(cliRun(new TypeError('a bug')).code).toBe(1);
  });

  test('an error that names a field says which flag, and which action input, to fix', () => {
    const error = new publishErrors.PublishInputError('build-type', "must be one of 'release', 'debug', 'profile'");
    expect(cliRun(error).stderr).toBe("error: --build-type: must be one of 'release', 'debug', 'profile'\n");
    expect(failureMessage(error)).toBe("Input `build-type`: must be one of 'release', 'debug', 'profile'");
    expect(failureMessage(new storeErrors.StoreConflictError('the tag is taken'))).toBe('the tag is taken');
  });

  test('a stack is printed only when asked for, and never for a mistake in the call', () => {
    expect(cliRun(new TypeError('a bug'), { UPDATEFORGE_DEBUG: '1' }).stderr).toContain('at ');
    expect(cliRun(new TypeError('a bug')).stderr).toBe('error: a bug\n');
    expect(cliRun(new UsageError('no such command'), { UPDATEFORGE_DEBUG: '1' }).stderr).toBe('error: no such command\n');
  });
});
