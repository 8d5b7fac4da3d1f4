import { CONFIG_FILE_NAME, DEFAULT_BRANCH } from '../defaults.js';
import { isPercent } from '../feed/percent.js';
import { parseWholeNumber } from '../util/whole-number.js';
import { PublishInputError } from '../publish/errors.js';
import { webhookInput } from '../publish/notify.js';
import type { RawPublishRequest } from '../publish/request.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** What the action can do to a feed: publish a build, or edit a published bundle. */
export const COMMANDS = ['publish', 'rollout', 'yank'] as const;

/** A published version, as rollout and yank name it. */
export interface VersionTarget {
  readonly app: string;
  readonly buildType: string;
  readonly version: string;
}

export type ActionCommand =
  | { readonly name: 'publish'; readonly request: RawPublishRequest; readonly notifyWebhook: URL | undefined }
  | { readonly name: 'rollout'; readonly target: VersionTarget; readonly percent: number }
  | { readonly name: 'yank'; readonly target: VersionTarget };

/** Everything the action was asked to do, read from the runner's environment. */
export interface ActionInputs {
  readonly token: string;
  readonly repo: string;
  readonly configPath: string;
  readonly branch: string;
  /** What to do. A publish's key text is in its request's `encryptKey`; nothing here is printed. */
  readonly command: ActionCommand;
  readonly apiUrl: string;
  readonly serverUrl: string;
  readonly workspace: string;
  /** The commit the workflow run builds: the release's tag is made there, not at the branch's later head. */
  readonly commit: string | undefined;
  /** This workflow run, so a re-run can take over the version lease its killed attempt left. */
  readonly run: { readonly id: string; readonly attempt: number } | undefined;
}

/** The runner passes input `build-type` as `INPUT_BUILD-TYPE`, trimmed like `core.getInput` does. */
function input(env: Env, name: string): string {
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
  const whole = parseWholeNumber(value);
  if (whole === undefined) throw new PublishInputError(name, `'${value}' is not a whole number.`);
  return whole;
}

/** `refs/tags/v1.2.3` → `1.2.3`. */
export function versionFromRef(ref: string | undefined): string | null {
  const tag = /^refs\/tags\/(.+)$/.exec(ref ?? '')?.[1];
  return tag ? tag.replace(/^v(?=\d)/, '') : null;
}

const optional = (value: string) => (value === '' ? undefined : value);

/** The inputs that only shape a new build; rollout and yank refuse them rather than ignore them. */
const PUBLISH_ONLY = ['path', 'name', 'notes', 'notes-file', 'public', 'min-native-version', 'rollout', 'encrypt-key', 'session-key', 'checksum', 'notify-webhook'] as const;

function commandName(env: Env): ActionCommand['name'] {
  const name = input(env, 'command') || 'publish';
  const known = COMMANDS.find((c) => c === name.toLowerCase());
  if (!known) throw new PublishInputError('command', `'${name}' is not one of ${COMMANDS.join(', ')}.`);
  return known;
}

function publishCommand(env: Env, version: string): ActionCommand {
  if (input(env, 'percent') !== '') {
    throw new PublishInputError('percent', 'is for `command: rollout`. To offer a new bundle to part of the devices, set `rollout` on the publish.');
  }
  const notes = optional(input(env, 'notes'));
  const notesFile = optional(input(env, 'notes-file'));
  if (notes !== undefined && notesFile !== undefined) throw new PublishInputError('notes-file', 'Give either `notes` or `notes-file`, not both.');
  const key = optional(env['INPUT_ENCRYPT-KEY'] ?? '');
  const notifyWebhook = webhookInput(input(env, 'notify-webhook'));
  return {
    name: 'publish',
    notifyWebhook,
    request: {
      app: input(env, 'app'),
      buildType: input(env, 'build-type') || 'release',
      version,
      path: optional(input(env, 'path')),
      name: optional(input(env, 'name')),
      notes,
      notesFile,
      public: flag(env, 'public'),
      overwrite: flag(env, 'overwrite') ?? false,
      minNativeVersion: optional(input(env, 'min-native-version')),
      rollout: number(env, 'rollout'),
      encryptKey: key === undefined ? undefined : { pem: key, source: 'the `encrypt-key` input' },
      sessionKey: optional(input(env, 'session-key')),
      checksum: optional(input(env, 'checksum')),
    },
  };
}

function editCommand(env: Env, name: 'rollout' | 'yank', version: string): ActionCommand {
  const extra = PUBLISH_ONLY.find((field) => input(env, field) !== '') ?? (flag(env, 'overwrite') ? 'overwrite' : undefined);
  if (extra) {
    const instead = extra === 'rollout' && name === 'rollout' ? ' Give the new share of devices as `percent`.' : ' Remove it from this step.';
    throw new PublishInputError(extra, `is for \`command: publish\`; \`command: ${name}\` edits a published bundle and does not take it.${instead}`);
  }
  const target = { app: input(env, 'app'), buildType: input(env, 'build-type') || 'release', version };
  if (name === 'yank') {
    if (input(env, 'percent') !== '') throw new PublishInputError('percent', 'is for `command: rollout`; a yank withdraws the bundle from every device.');
    return { name, target };
  }
  const percent = number(env, 'percent');
  if (percent === undefined || !isPercent(percent)) {
    throw new PublishInputError(
      'percent',
      `${percent === undefined ? 'is empty' : `'${percent}' is over 100`}: \`command: rollout\` needs the share of devices to offer the bundle to, a whole number from 0 to 100.`,
    );
  }
  return { name, target, percent };
}

/** A pure function of the environment, so tests hand in a plain object. */
export function parseActionInputs(env: Env): ActionInputs {
  const token = input(env, 'token');
  if (!token) throw new PublishInputError('token', 'is empty. Keep the default (`${{ github.token }}`) or pass a token that can write to the feed repository.');
  const name = commandName(env);
  const version = input(env, 'version') || versionFromRef(env['GITHUB_REF']);
  if (!version) {
    throw new PublishInputError(
      'version',
      `is empty and this run was not started by a tag (GITHUB_REF=${env['GITHUB_REF'] ?? 'unset'}). Set \`version\`, or run on tags like v1.2.3.`,
    );
  }
  const repo = input(env, 'repo') || env['GITHUB_REPOSITORY'] || '';
  // The built commit exists only in the workflow's own repository; a feed kept elsewhere tags its default branch.
  const ownRepo = repo.toLowerCase() === (env['GITHUB_REPOSITORY'] ?? '').toLowerCase();
  return {
    token,
    repo,
    configPath: input(env, 'config') || CONFIG_FILE_NAME,
    branch: input(env, 'branch') || DEFAULT_BRANCH,
    command: name === 'publish' ? publishCommand(env, version) : editCommand(env, name, version),
    apiUrl: env['GITHUB_API_URL'] || 'https://api.github.com',
    serverUrl: env['GITHUB_SERVER_URL'] || 'https://github.com',
    workspace: env['GITHUB_WORKSPACE'] || process.cwd(),
    // Default variables of every run (https://docs.github.com/en/actions/reference/variables-reference).
    commit: ownRepo ? env['GITHUB_SHA'] || undefined : undefined,
    run: env['GITHUB_RUN_ID'] ? { id: env['GITHUB_RUN_ID'], attempt: Number(env['GITHUB_RUN_ATTEMPT'] ?? '1') || 1 } : undefined,
  };
}
