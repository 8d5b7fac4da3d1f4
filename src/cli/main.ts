#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { CONFIG_FILE_NAME, DEFAULT_BRANCH } from '../defaults.js';
import { parsePercent } from '../feed/percent.js';
import { BUILD_TYPES } from '../feed/version.js';
import { packageVersion } from '../util/project-root.js';
import { parseWholeNumber } from '../util/whole-number.js';
import type { EditCommandOptions, MetadataEditOptions } from './edit-commands.js';
import type { PublishCommandOptions } from './publish-command.js';
import type { PruneCommandOptions } from './prune-command.js';
import type { RepairCommandOptions } from './repair-command.js';
import { reportError } from './report-error.js';
import type { ServeCommandOptions } from './serve-command.js';
import type { StatusCommandOptions } from './status-command.js';
import { GITHUB_ENVIRONMENT_HELP } from './store-flags.js';
import type { CliIO, UserEdit, UserEditOptions } from './user-commands.js';

// Commands are loaded when run: `serve` never loads the zip code, and `--help` loads almost nothing.
const publishCommand = () => import('./publish-command.js');
const serveCommand = () => import('./serve-command.js');
const demoCommand = () => import('./demo-command.js');
const userCommands = () => import('./user-commands.js');
const editCommands = () => import('./edit-commands.js');
const doctorCommand = () => import('./doctor-command.js');
const repairCommand = () => import('./repair-command.js');
const statusCommand = () => import('./status-command.js');
const pruneCommand = () => import('./prune-command.js');

/** Parses `--teams a,b`: trimmed, no empties, no repeats. */
function parseTeams(value: string): string[] {
  return [
    ...new Set(
      value
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    ),
  ];
}

function percentArgument(value: string): number {
  const percent = parsePercent(value);
  if (percent === undefined) throw new InvalidArgumentError('expected a whole percentage from 0 to 100.');
  return percent;
}

function parsePort(value: string): number {
  const port = parseWholeNumber(value);
  if (port === undefined || port > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  return port;
}

const defaultPort = (env: NodeJS.ProcessEnv) => parseWholeNumber(env['PORT']) ?? 8787;
/** `--port`, whose help says where its default comes from once, not twice. */
const portOption = (io: CliIO) => new Option('--port <n>', 'port to listen on').argParser(parsePort).default(defaultPort(io.env), '$PORT, else 8787');

/** The `updateforge` command line: parsing and wiring only, the work is in src/. */
function buildProgram(io: CliIO): Command {
  const program = new Command('updateforge')
    .description('Ship app builds to testers and live updates to devices, from GitHub Releases or a local folder.')
    .version(packageVersion(), '-V, --version', 'print the UpdateForge version')
    // Program options only before the command name: `publish --version 1.2.3` is the publish flag.
    .enablePositionalOptions()
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  addFeedCommands(program, io);
  addServerCommands(program, io);
  addUserCommands(program, io);
  return program;
}

/** Where a command finds the feed: a folder or a GitHub repository, and its configuration. */
function feedFlags(cmd: Command, storeHelp = 'the local store folder'): Command {
  return cmd
    .option('--store <dir>', storeHelp)
    .option('--github <owner/name>', 'or: the feed repository on GitHub (token: $UPDATEFORGE_GITHUB_TOKEN)')
    .option('--config <file>', 'the feed configuration', CONFIG_FILE_NAME);
}

/** The commands that write to a feed (publish, rollout, yank, edit, repair, prune), and status, which reads it. */
function addFeedCommands(program: Command, io: CliIO): void {
  feedFlags(program.command('publish'), 'the local store folder (created on first publish)')
    .description('Publish a build (a file as-is, or a web build folder zipped) or register a pending version, then regenerate the manifest.')
    .requiredOption('--app <id>', 'app id from updateforge.json')
    .addOption(new Option('--build-type <type>', 'build type').choices(BUILD_TYPES).default('release'))
    .requiredOption('--version <semver>', 'strict semantic version, e.g. 1.2.3')
    .option('--path <file|dir>', 'the build: a file uploaded as-is, or a folder zipped into a bundle; omit to register a pending version')
    .option('--name <text>', 'human-readable label shown to testers')
    .addOption(new Option('--notes <text>', 'release notes').conflicts('notesFile'))
    .option('--notes-file <file>', 'read release notes from a file')
    .option('--public', 'mark the version as intended for all testers')
    .option('--no-public', 'mark the version as internal')
    .option('--overwrite', 'replace the file of an already published version whose bytes differ')
    .option('--min-native-version <version>', 'live updates: devices with an older native app are told to update from the store')
    .option('--rollout <percent>', 'live updates: offer the bundle to this percentage of devices (default 100)', percentArgument)
    .addOption(new Option('--encrypt-key <file>', 'live updates: encrypt the bundle with this RSA private key (.capgo_key_v2)').conflicts(['sessionKey', 'checksum']))
    .option('--session-key <key>', 'live updates: the ivSessionKey of a bundle already encrypted by `@capgo/cli bundle encrypt`')
    .option('--checksum <checksum>', 'live updates: the checksum `@capgo/cli bundle encrypt` printed for that bundle')
    .option('--branch <name>', 'manifest branch', DEFAULT_BRANCH)
    .option(
      '--notify-webhook <url>',
      'after a publish that changed something, POST a JSON event here (Slack and Discord webhook URLs get their message shape); default $UPDATEFORGE_NOTIFY_WEBHOOK',
    )
    .option('--page-url <url>', 'your deployment (its tester page), to print the install link of an app binary; default $UPDATEFORGE_PUBLIC_URL')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', GITHUB_ENVIRONMENT_HELP)
    .action(async (options: PublishCommandOptions) => (await publishCommand()).runPublish(options, io));

  const versionTarget = (cmd: Command) =>
    feedFlags(cmd)
      .requiredOption('--app <id>', 'app id from updateforge.json')
      .addOption(new Option('--build-type <type>', 'build type').choices(BUILD_TYPES).default('release'))
      .requiredOption('--version <semver>', 'the published version')
      .option('--branch <name>', 'manifest branch', DEFAULT_BRANCH)
      .option('--json', 'print the result as JSON')
      .addHelpText('after', GITHUB_ENVIRONMENT_HELP);
  versionTarget(program.command('rollout').description('Offer a published live-update bundle to a different percentage of devices.'))
    .requiredOption('--percent <percent>', 'share of devices, 0 to 100', percentArgument)
    .action(async (options: EditCommandOptions & { percent: number }) => (await editCommands()).runRollout(options, io));
  versionTarget(program.command('yank').description('Withdraw a live-update bundle for good: devices roll back to the previous one.')).action(async (options: EditCommandOptions) =>
    (await editCommands()).runYank(options, io),
  );

  versionTarget(program.command('edit').description("Change a published or pending version's name, notes or public flag, without uploading anything."))
    .option('--name <text>', 'human-readable label shown to testers')
    .addOption(new Option('--notes <text>', 'release notes').conflicts('notesFile'))
    .option('--notes-file <file>', 'read release notes from a file')
    .option('--public', 'mark the version as intended for all testers')
    .option('--no-public', 'mark the version as internal')
    .action(async (options: MetadataEditOptions) => (await editCommands()).runEdit(options, io));

  feedFlags(program.command('status'))
    .description('Show the feed at a glance: current and pending versions, rollouts in progress and yanked bundles of every app. Writes nothing.')
    .option('--branch <name>', 'manifest branch', DEFAULT_BRANCH)
    .option('--json', 'print the status as JSON')
    .addHelpText('after', GITHUB_ENVIRONMENT_HELP)
    .action(async (options: Omit<StatusCommandOptions, 'configGiven'>, cmd: Command) =>
      (await statusCommand()).runStatus({ ...options, configGiven: cmd.getOptionValueSource('config') !== 'default' }, io),
    );

  feedFlags(program.command('repair'))
    .description('Rebuild the manifest from every release (a lost or damaged manifest, an app back in updateforge.json), and delete orphan drafts.')
    .option('--branch <name>', 'manifest branch', DEFAULT_BRANCH)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', GITHUB_ENVIRONMENT_HELP)
    .action(async (options: RepairCommandOptions) => (await repairCommand()).runRepair(options, io));

  feedFlags(program.command('prune'))
    .description('Delete the releases of versions past the newest N of each app and build type (never what testers or devices still get), then update the manifest.')
    .requiredOption('--keep <n>', 'how many of the newest versions of each app and build type to keep (1 or more)')
    .option('--app <id>', 'only this app (default: every app)')
    .addOption(new Option('--build-type <type>', 'only this build type (default: every build type)').choices(BUILD_TYPES))
    .option('--dry-run', 'list what would be removed, and write nothing')
    .option('--branch <name>', 'manifest branch', DEFAULT_BRANCH)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', GITHUB_ENVIRONMENT_HELP)
    .action(async (options: PruneCommandOptions) => (await pruneCommand()).runPrune(options, io));
}

/** The commands that serve a feed, or check a deployment that does. */
function addServerCommands(program: Command, io: CliIO): void {
  program
    .command('serve')
    .description('Serve the API over a local store, or over a feed on GitHub (as a Vercel deployment does).')
    .option('--store <dir>', 'the local store folder')
    .option('--github <owner/name>', 'the feed repository on GitHub (token: $UPDATEFORGE_GITHUB_TOKEN)')
    .addOption(portOption(io))
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--users-file <file>', 'users JSON file (default: the UPDATEFORGE_USERS variable)')
    .option('--public-url <url>', "the URL devices reach this server at, for bundle links (default: $UPDATEFORGE_PUBLIC_URL, else the request's host)")
    .option('--branch <name>', 'manifest branch', DEFAULT_BRANCH)
    .addHelpText(
      'after',
      '\nEnvironment:\n  UPDATEFORGE_JWT_SECRET    token signing secret, at least 32 characters (required)\n  UPDATEFORGE_USERS         users JSON, as printed by `updateforge user add`\n  UPDATEFORGE_PUBLIC_URL    default for --public-url\n  UPDATEFORGE_GITHUB_TOKEN  with --github: a token that can read the repository\n  UPDATEFORGE_DOWNLOADS     with --github: proxy (default) or redirect for device bundle links',
    )
    .action(async (options: ServeCommandOptions) => {
      const { closeOnSignal, runServe } = await serveCommand();
      closeOnSignal(await runServe(options, io));
    });

  program
    .command('demo')
    .description('Seed a demo store on first run and serve it (what `npm start` runs).')
    .option('--dir <dir>', 'where the demo store, users and secret are kept', '.demo')
    .addOption(portOption(io))
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .action(async (options: { dir: string; port: number; host: string }) => {
      const { closeOnSignal } = await serveCommand();
      closeOnSignal(await (await demoCommand()).runDemo(options, io));
    });

  program
    .command('doctor')
    .description("Check a GitHub-backed deployment's configuration (its environment variables) and, with --url, that it answers; says what to fix.")
    // Not --env-file: Node takes that flag for itself wherever it appears, and exits before we run on a missing file (nodejs/node#54232).
    .option('--vars-file <file>', 'read the variables from this file (e.g. from `vercel env pull`) on top of the environment')
    .option('--url <url>', 'the deployment to call, e.g. https://updates.example.com')
    .option('--json', 'print the checks as JSON')
    .action(async (options: { varsFile?: string; url?: string }) => {
      process.exitCode = await (await doctorCommand()).runDoctor(options, io);
    });
}

/** The commands that manage testers. */
function addUserCommands(program: Command, io: CliIO): void {
  program
    .command('hash-password')
    .description('Read a password (prompted, or the first line of standard input) and print its scrypt hash.')
    .action(async () => (await userCommands()).runHashPassword(io));

  const user = program.command('user').description('Manage testers: prints the updated UPDATEFORGE_USERS value, or with --users-file updates that file.');
  const source = (cmd: Command) => cmd.option('--users-file <file>', 'read and update this users file instead of the UPDATEFORGE_USERS variable');
  const edit = (name: UserEdit, description: string, configure: (cmd: Command) => Command) =>
    source(configure(user.command(name).description(description).requiredOption('--email <email>', "the tester's email"))).action(async (options: UserEditOptions) =>
      (await userCommands()).runUserEdit(name, options, io),
    );
  const teams = (cmd: Command) =>
    cmd.requiredOption('--teams <ids>', 'comma-separated team ids, e.g. acme,globex', parseTeams).option('--config <file>', 'check the team ids against this updateforge.json');
  edit('add', 'Add a tester; the password is prompted, or read from standard input.', (cmd) => teams(cmd).option('--id <id>', 'user id (default: random)'));
  edit('set-password', "Change a tester's password; their existing tokens stop working.", (cmd) => cmd);
  edit('set-teams', "Replace a tester's teams.", teams);
  edit('remove', 'Remove a tester.', (cmd) => cmd);
  source(user.command('list').description('List testers and their teams.').option('--json', 'print the testers as JSON')).action(async (options: { usersFile?: string }) =>
    (await userCommands()).runUserList(options, io),
  );
}

async function main(): Promise<void> {
  const io: CliIO = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
  // A reader that stops reading (`updateforge user list | head`) is no failure of ours: end quietly, as other CLIs do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  try {
    await buildProgram(io).parseAsync(process.argv);
  } catch (error) {
    process.exitCode = reportError(error, io.stderr, io.env);
  }
}

await main();
