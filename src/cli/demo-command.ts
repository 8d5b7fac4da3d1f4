import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_BRANCH } from '../defaults.js';
import { DEMO_PASSWORD, DEMO_USERS, demoPaths, demoSecret, demoUsers, seedDemo } from '../demo/seed.js';
import { createServerContext } from '../server/create-context.js';
import { startServer, type RunningServer } from '../server/node-server.js';
import { openStore } from '../store/open-store.js';
import { parseUsers } from '../users/users.js';
import { serverLog } from './server-log.js';

export interface DemoCommandOptions {
  dir: string;
  port: number;
  host: string;
}

/** `npm start`: seeds a demo store on first run, then serves it and prints how to log in. */
export async function runDemo(options: DemoCommandOptions, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; env: NodeJS.ProcessEnv }): Promise<RunningServer> {
  const paths = demoPaths(path.resolve(options.dir));
  if (!existsSync(path.join(paths.store, 'updateforge-store.json'))) {
    io.stdout.write(`Seeding a demo store in ${paths.store} ...\n`);
    await seedDemo(paths);
  }
  const envUsers = io.env['UPDATEFORGE_USERS'];
  const users = parseUsers(envUsers ?? (await demoUsers(paths)), envUsers ? 'UPDATEFORGE_USERS' : paths.usersFile);
  const jwtSecret = io.env['UPDATEFORGE_JWT_SECRET'] ?? (await demoSecret(paths));
  const { log, flushedOnClose } = serverLog(io.stderr);
  const store = await openStore({ kind: 'folder', dir: paths.store }, { branch: DEFAULT_BRANCH, log });
  const context = createServerContext({ store, users, jwtSecret, log });
  const server = flushedOnClose(await startServer({ context, port: options.port, host: options.host }));

  const [demo, tester] = DEMO_USERS;
  const login = JSON.stringify({ email: demo.email, password: DEMO_PASSWORD });
  const lines = [
    '',
    `UpdateForge demo is running at ${server.url}`,
    '',
    envUsers ? '  Log in with the users in UPDATEFORGE_USERS.' : `  Demo login: ${demo.email} / ${DEMO_PASSWORD}   (${tester.email}, same password, sees only team Acme)`,
    '',
    `  Open ${server.url} in a browser to log in and install a build (a phone on your network: --host 0.0.0.0).`,
    '',
    '  Or try the API:',
    `    TOKEN=$(curl -fsS ${server.url}/api/v1/auth -H 'content-type: application/json' -d '${login}' | node -pe 'JSON.parse(fs.readFileSync(0)).token')`,
    `    curl --fail-with-body -sS ${server.url}/api/v1/apps -H "Authorization: Bearer $TOKEN"`,
    '',
    `  Store: ${paths.store} (delete ${paths.dir} to start over). Ctrl-C stops the server.`,
    '',
  ];
  io.stdout.write(lines.join('\n'));
  return server;
}
