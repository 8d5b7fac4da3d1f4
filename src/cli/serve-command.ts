import { createServerContext } from '../server/create-context.js';
import { startServer, type RunningServer } from '../server/node-server.js';
import { LocalStore } from '../store/local-store.js';
import { jsonLogger } from '../util/logger.js';
import { UsageError } from './errors.js';
import { readUsers } from './users-source.js';

export interface ServeCommandOptions {
  store: string;
  port: number;
  host: string;
  usersFile?: string;
  publicUrl?: string;
  branch: string;
}

/** Starts the API over a local store; resolves once it listens. */
export async function runServe(options: ServeCommandOptions, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; env: NodeJS.ProcessEnv }): Promise<RunningServer> {
  const store = await LocalStore.open(options.store, { branch: options.branch });
  const { users, from } = await readUsers({ file: options.usersFile, env: io.env });
  const publicUrl = options.publicUrl ?? io.env['UPDATEFORGE_PUBLIC_URL'];
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(publicUrl)) throw new UsageError(`--public-url: '${publicUrl}' is not an http(s) URL.`);
  const context = createServerContext({ store, users, jwtSecret: io.env['UPDATEFORGE_JWT_SECRET'], log: jsonLogger((line) => io.stderr.write(line)), publicUrl });
  const server = await startServer({ context, port: options.port, host: options.host });
  if (users.length === 0) io.stderr.write('warning: no users (set UPDATEFORGE_USERS or pass --users-file): nobody can log in.\n');
  const who = users.length === 0 ? 'no users' : `${users.length} users from ${from}`;
  io.stdout.write(`UpdateForge API listening on ${server.url} (store: ${store.location}, ${who})\n`);
  return server;
}

/** Closes the server on Ctrl-C or SIGTERM, letting running downloads end. */
export function closeOnSignal(server: RunningServer): void {
  const stop = () => {
    void server.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
