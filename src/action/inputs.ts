import { tmpdir } from 'node:os';
import { CONFIG_FILE_NAME, DEFAULT_BRANCH } from '../defaults.js';
import { isPercent } from '../feed/percent.js';
import { parseStrictVersion } from '../feed/version.js';
import { parseWholeNumber } from '../util/whole-number.js';
import { PublishInputError } from '../publish/errors.js';
import { webhookInput } from '../publish/notify.js';
import { parseKeep } from '../publish/prune.js';
import type { RawPublishRequest } from '../publish/request.js';
import { isPublicUrl } from '../server/public-url.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** What the action can do to a feed: publish a build, edit a published bundle, or prune old versions. */
export const COMMANDS = ['publish', 'rollout', 'yank', 'prune'] as const;

/** A published version, as rollout and yank name it. */
export interface VersionTarget {
  readonly app: string;
  readonly buildType: string;
  readonly version: string;
}

/** An app and build type to prune to its newest `keep` versions. */
export interface PruneTarget {
  readonly app: string;
  readonly buildType: string;
  readonly keep: number;
}

export type ActionCommand =
  /** `keep`: after publishing, prune the app and build type to the newest that many. */
  | {
      readonly name: 'publish';
      readonly request: RawPublishRequest;
      readonly notifyWebhook: URL | undefined;
      readonly keep: number | undefined;
      /** The deployment's address, for the `install-url` and `qr-code` outputs. */
      readonly pageUrl: string | undefined;
    }
  | { readonly name: 'rollout'; readonly target: VersionTarget; readonly percent: number }
  | { readonly name: 'yank'; readonly target: VersionTarget }
  | { readonly name: 'prune'; readonly target: PruneTarget; readonly dryRun: boolean };

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
  /** The runner's folder for this job's files (RUNNER_TEMP): where the QR code image goes. */
  readonly tempDir: string;
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

/**
 * The version a tag names: `v1.2.3` → `1.2.3`, and after a prefix that keeps one line of tags
 * apart from another, `live-v1.2.3`, `rocket/v1.2.3` or `rocket@1.2.3` → `1.2.3`. The first
 * split that leaves a strict version wins, so `v1.2.3-1` stays `1.2.3-1`. A tag that names no
 * version is returned as it is, for the version check to explain.
 */
export function versionFromRef(ref: string | undefined): string | null {
  const tag = /^refs\/tags\/(.+)$/.exec(ref ?? '')?.[1];
  if (!tag) return null;
  const starts = [0, ...[...tag.matchAll(/[/@-]/g)].map((m) => m.index + 1)];
  for (const start of starts) {
    const candidate = tag.slice(start).replace(/^v(?=\d)/, '');
    if (parseStrictVersion(candidate)) return candidate;
  }
  return tag.replace(/^v(?=\d)/, '');
}

const optional = (value: string) => (value === '' ? undefined : value);

/** The inputs that only shape a new build; rollout and yank refuse them rather than ignore them. */
const PUBLISH_ONLY = [
  'path',
  'name',
  'notes',
  'notes-file',
  'public',
  'min-native-version',
  'rollout',
  'encrypt-key',
  'session-key',
  'checksum',
  'notify-webhook',
  'page-url',
] as const;

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
  if (input(env, 'dry-run') !== '') {
    throw new PublishInputError('dry-run', 'is for `command: prune`; a publish has no dry run. To see what `keep` would remove, run `command: prune` with `dry-run: true`.');
  }
  const keep = input(env, 'keep');
  const notes = optional(input(env, 'notes'));
  const notesFile = optional(input(env, 'notes-file'));
  if (notes !== undefined && notesFile !== undefined) throw new PublishInputError('notes-file', 'Give either `notes` or `notes-file`, not both.');
  const key = optional(env['INPUT_ENCRYPT-KEY'] ?? '');
  const notifyWebhook = webhookInput(input(env, 'notify-webhook'));
  const pageUrl = optional(input(env, 'page-url'));
  if (pageUrl !== undefined && !isPublicUrl(pageUrl)) {
    throw new PublishInputError('page-url', `'${pageUrl}' is not an http(s) address. Give your deployment's, e.g. https://updates.example.com.`);
  }
  return {
    name: 'publish',
    notifyWebhook,
    keep: keep === '' ? undefined : parseKeep(keep),
    pageUrl,
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
      encryptKey: key === undefined ? undefined : { pem: key, source: 'the key text' },
      sessionKey: optional(input(env, 'session-key')),
      checksum: optional(input(env, 'checksum')),
    },
  };
}

/** A publish-only input given to another command, if any. */
function publishOnlyInput(env: Env): string | undefined {
  return PUBLISH_ONLY.find((field) => input(env, field) !== '') ?? (flag(env, 'overwrite') ? 'overwrite' : undefined);
}

function editCommand(env: Env, name: 'rollout' | 'yank', version: string): ActionCommand {
  const extra = publishOnlyInput(env);
  if (extra) {
    const instead = extra === 'rollout' && name === 'rollout' ? ' Give the new share of devices as `percent`.' : ' Remove it from this step.';
    throw new PublishInputError(extra, `is for \`command: publish\`; \`command: ${name}\` edits a published bundle and does not take it.${instead}`);
  }
  const pruneOnly = (['keep', 'dry-run'] as const).find((field) => input(env, field) !== '');
  if (pruneOnly) throw new PublishInputError(pruneOnly, `is for \`command: prune\`; \`command: ${name}\` edits one published bundle. Remove it from this step.`);
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

/** The version a publish, rollout or yank is about: the input, else the tag the run was started by. */
function versionInput(env: Env): string {
  const version = input(env, 'version') || versionFromRef(env['GITHUB_REF']);
  if (!version) {
    throw new PublishInputError(
      'version',
      `is empty and this run was not started by a tag (GITHUB_REF=${env['GITHUB_REF'] ?? 'unset'}). Set \`version\`, or run on tags like v1.2.3.`,
    );
  }
  return version;
}

/** `command: prune`: the app and build type, how many to keep; every input that shapes or names one version is refused. */
function pruneCommand(env: Env): ActionCommand {
  const extra = publishOnlyInput(env) ?? (['version', 'percent'] as const).find((field) => input(env, field) !== '');
  if (extra) {
    throw new PublishInputError(extra, `does not apply to \`command: prune\`, which keeps the newest \`keep\` versions of \`app\` and \`build-type\`. Remove it from this step.`);
  }
  const keep = input(env, 'keep');
  if (keep === '') throw new PublishInputError('keep', 'is empty: `command: prune` needs how many of the newest versions to keep, a whole number, 1 or more (e.g. 3).');
  return { name: 'prune', target: { app: input(env, 'app'), buildType: input(env, 'build-type') || 'release', keep: parseKeep(keep) }, dryRun: flag(env, 'dry-run') ?? false };
}

/** A pure function of the environment, so tests hand in a plain object. */
export function parseActionInputs(env: Env): ActionInputs {
  const token = input(env, 'token');
  if (!token) throw new PublishInputError('token', 'is empty. Keep the default (`${{ github.token }}`) or pass a token that can write to the feed repository.');
  const name = commandName(env);
  const repo = input(env, 'repo') || env['GITHUB_REPOSITORY'] || '';
  // The built commit exists only in the workflow's own repository; a feed kept elsewhere tags its default branch.
  const ownRepo = repo.toLowerCase() === (env['GITHUB_REPOSITORY'] ?? '').toLowerCase();
  return {
    token,
    repo,
    configPath: input(env, 'config') || CONFIG_FILE_NAME,
    branch: input(env, 'branch') || DEFAULT_BRANCH,
    command: name === 'publish' ? publishCommand(env, versionInput(env)) : name === 'prune' ? pruneCommand(env) : editCommand(env, name, versionInput(env)),
    apiUrl: env['GITHUB_API_URL'] || 'https://api.github.com',
    serverUrl: env['GITHUB_SERVER_URL'] || 'https://github.com',
    workspace: env['GITHUB_WORKSPACE'] || process.cwd(),
    // Default variables of every run (https://docs.github.com/en/actions/reference/variables-reference).
    commit: ownRepo ? env['GITHUB_SHA'] || undefined : undefined,
    run: env['GITHUB_RUN_ID'] ? { id: env['GITHUB_RUN_ID'], attempt: Number(env['GITHUB_RUN_ATTEMPT'] ?? '1') || 1 } : undefined,
    tempDir: env['RUNNER_TEMP'] || tmpdir(),
  };
}
