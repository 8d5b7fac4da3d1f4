import type { ServerContext } from '../server/context.js';
import { createServerContext } from '../server/create-context.js';
import { contextFromEnv } from '../server/env-context.js';
import { startServer, type RunningServer } from '../server/node-server.js';
import { isPublicUrl } from '../server/public-url.js';
import { openStore } from '../store/open-store.js';
import type { Logger } from '../util/logger.js';
import { serverLog } from './server-log.js';
import { UsageError } from './errors.js';
import { usersInNoTeam } from '../users/users.js';
import { formatUsers, readUsers } from './users-source.js';

export interface ServeCommandOptions {
  store?: string;
  github?: string;
  port: number;
  host: string;
  usersFile?: string;
  publicUrl?: string;
  branch: string;
}

type ServeIO = { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; env: NodeJS.ProcessEnv };

/** The API over a local folder (`--store`) or over a GitHub repository (`--github`), as a deployment would run it. */
async function contextFor(options: ServeCommandOptions, io: ServeIO, log: Logger): Promise<{ context: ServerContext; where: string; users: number }> {
  if ((options.store === undefined) === (options.github === undefined)) throw new UsageError('Give either --store DIR (a local feed) or --github OWNER/NAME (a feed on GitHub).');
  const publicUrl = options.publicUrl ?? io.env['UPDATEFORGE_PUBLIC_URL'];
  if (options.github !== undefined) {
    // The same configuration a Vercel deployment reads, with the flags filled in.
    const { users } = await readUsers({ file: options.usersFile, env: io.env });
    const env = {
      ...io.env,
      UPDATEFORGE_REPO: options.github,
      UPDATEFORGE_BRANCH: options.branch,
      UPDATEFORGE_USERS: options.usersFile === undefined ? (io.env['UPDATEFORGE_USERS'] ?? '[]') : formatUsers(users),
      ...(publicUrl === undefined ? {} : { UPDATEFORGE_PUBLIC_URL: publicUrl }),
    };
    const context = contextFromEnv(env, log);
    return { context, where: `${options.github}@${options.branch} on ${io.env['UPDATEFORGE_GITHUB_API_URL'] || 'GitHub'}`, users: context.users.users.length };
  }
  if (publicUrl !== undefined && !isPublicUrl(publicUrl)) throw new UsageError(`--public-url: '${publicUrl}' is not an http(s) URL.`);
  const store = await openStore({ kind: 'folder', dir: options.store ?? '' }, { branch: options.branch, log });
  const { users } = await readUsers({ file: options.usersFile, env: io.env });
  return { context: createServerContext({ store, users, jwtSecret: io.env['UPDATEFORGE_JWT_SECRET'], log, publicUrl }), where: store.location, users: users.length };
}

/** Starts the API; resolves once it listens. */
export async function runServe(options: ServeCommandOptions, io: ServeIO): Promise<RunningServer> {
  const { log, flushedOnClose } = serverLog(io.stderr);
  const { context, where, users } = await contextFor(options, io, log);
  const server = flushedOnClose(await startServer({ context, port: options.port, host: options.host }));
  if (users === 0) io.stderr.write('warning: no users (set UPDATEFORGE_USERS or pass --users-file): nobody can log in.\n');
  await warnAboutLostTesters(context, io);
  io.stdout.write(`UpdateForge API listening on ${server.url} (store: ${where}, ${users === 0 ? 'no users' : `${users} user${users === 1 ? '' : 's'}`})\n`);
  return server;
}

/** Testers in no team of the feed would log in to an empty list: said at start, as `doctor` says it of a deployment. */
async function warnAboutLostTesters(context: ServerContext, io: ServeIO): Promise<void> {
  let teams: string[];
  try {
    const { snapshot } = await context.feed.get();
    if (snapshot.manifest.teams.length === 0) return; // nothing published yet: no teams to be in
    teams = snapshot.manifest.teams.map((t) => t.id);
  } catch {
    return; // an unreadable feed is reported by the requests that need it
  }
  const lost = usersInNoTeam(context.users.users, teams);
  if (lost.length === 0) return;
  io.stderr.write(
    `warning: ${lost.map((u) => u.email).join(', ')} ${lost.length === 1 ? 'is' : 'are'} in no team of this feed (teams: ${teams.join(', ')}), so ${lost.length === 1 ? 'sees' : 'see'} no apps: fix with \`updateforge user set-teams\`.\n`,
  );
}

/** Closes the server on Ctrl-C or SIGTERM, letting running downloads end. */
export function closeOnSignal(server: RunningServer): void {
  const stop = () => {
    // Fire and forget: a signal handler has no caller to await it; the process exits once the server has closed.
    void server.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
