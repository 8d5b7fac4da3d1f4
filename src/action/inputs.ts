import { PublishInputError } from '../publish/errors.js';
import type { PublishRequest } from '../publish/inputs.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Everything the action was asked to do, read from the runner's environment. */
export interface ActionInputs {
  readonly token: string;
  readonly repo: string;
  readonly configPath: string;
  readonly branch: string;
  readonly notesFile: string | undefined;
  /** Key text comes in `request.encryptKey`; nothing here is printed. */
  readonly request: PublishRequest;
  readonly apiUrl: string;
  readonly serverUrl: string;
  readonly workspace: string;
  /** The commit the workflow run builds: the release's tag is made there, not at the branch's later head. */
  readonly commit: string | undefined;
  /** This workflow run, so a re-run can take over the version lease its killed attempt left. */
  readonly run: { readonly id: string; readonly attempt: number } | undefined;
  /** Test knobs: GitHub's advised pacing of writes and retry waits, shortened against the fake. */
  readonly pacingMs: number | undefined;
  readonly retryBaseMs: number | undefined;
}

/** The runner passes input `build-type` as `INPUT_BUILD-TYPE`, trimmed like `core.getInput` does. */
export function input(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

function flag(env: Env, name: string): boolean | undefined {
  const value = input(env, name).toLowerCase();
  if (value === '') return undefined;
  if (['true', 'yes', '1'].includes(value)) return true;
  if (['false', 'no', '0'].includes(value)) return false;
  throw new PublishInputError(name, `'${input(env, name)}' is not true or false.`);
}

function number(env: Env, name: string): number | undefined {
  const value = input(env, name);
  if (value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new PublishInputError(name, `'${value}' is not a whole number.`);
  return Number(value);
}

/** `refs/tags/v1.2.3` → `1.2.3`. */
export function versionFromRef(ref: string | undefined): string | null {
  const tag = /^refs\/tags\/(.+)$/.exec(ref ?? '')?.[1];
  return tag ? tag.replace(/^v(?=\d)/, '') : null;
}

const optional = (value: string) => (value === '' ? undefined : value);

/** A pure function of the environment, so tests hand in a plain object. */
export function parseActionInputs(env: Env): ActionInputs {
  const token = input(env, 'token');
  if (!token) throw new PublishInputError('token', 'is empty. Keep the default (`${{ github.token }}`) or pass a token that can write to the feed repository.');
  const version = input(env, 'version') || versionFromRef(env['GITHUB_REF']);
  if (!version) {
    throw new PublishInputError('version', `is empty and this run was not started by a tag (GITHUB_REF=${env['GITHUB_REF'] ?? 'unset'}). Set \`version\`, or run on tags like v1.2.3.`);
  }
  const notes = optional(input(env, 'notes'));
  const notesFile = optional(input(env, 'notes-file'));
  if (notes !== undefined && notesFile !== undefined) throw new PublishInputError('notes-file', 'Give either `notes` or `notes-file`, not both.');
  const key = optional(env['INPUT_ENCRYPT-KEY'] ?? '');
  const numberOrUndefined = (name: string) => (env[name] && /^\d+$/.test(env[name] ?? '') ? Number(env[name]) : undefined);
  const repo = input(env, 'repo') || env['GITHUB_REPOSITORY'] || '';
  // The built commit exists only in the workflow's own repository; a feed kept elsewhere tags its default branch.
  const ownRepo = repo.toLowerCase() === (env['GITHUB_REPOSITORY'] ?? '').toLowerCase();
  return {
    token,
    repo,
    configPath: input(env, 'config') || 'updateforge.json',
    branch: input(env, 'branch') || 'updateforge',
    notesFile,
    request: {
      app: input(env, 'app'),
      buildType: input(env, 'build-type') || 'release',
      version,
      path: optional(input(env, 'path')),
      name: optional(input(env, 'name')),
      notes,
      public: flag(env, 'public'),
      overwrite: flag(env, 'overwrite') ?? false,
      minNativeVersion: optional(input(env, 'min-native-version')),
      rollout: number(env, 'rollout'),
      encryptKey: key === undefined ? undefined : { pem: key, source: 'the `encrypt-key` input' },
      sessionKey: optional(input(env, 'session-key')),
      checksum: optional(input(env, 'checksum')),
    },
    apiUrl: env['GITHUB_API_URL'] || 'https://api.github.com',
    serverUrl: env['GITHUB_SERVER_URL'] || 'https://github.com',
    workspace: env['GITHUB_WORKSPACE'] || process.cwd(),
    // Default variables of every run (https://docs.github.com/en/actions/reference/variables-reference).
    commit: ownRepo ? env['GITHUB_SHA'] || undefined : undefined,
    run: env['GITHUB_RUN_ID'] ? { id: env['GITHUB_RUN_ID'], attempt: Number(env['GITHUB_RUN_ATTEMPT'] ?? '1') || 1 } : undefined,
    pacingMs: numberOrUndefined('UPDATEFORGE_GITHUB_PACING_MS'),
    retryBaseMs: numberOrUndefined('UPDATEFORGE_GITHUB_RETRY_MS'),
  };
}
