import type { VersionRecord } from '../../src/feed/version-record.js';
import { publish } from '../../src/publish/publish.js';
import { createServerContext } from '../../src/server/create-context.js';
import { startServer, type RunningServer } from '../../src/server/node-server.js';
import { silentLogger, type Logger } from '../../src/util/logger.js';
import type { FakeGitHub } from '../fake-github/server.js';
import { writeBuild, writeConfig } from './fixtures.js';
import { githubStore, READ_TOKEN } from './github.js';
import { webBuild } from './live-feed.js';
import { makeUser, SECRET } from './server.js';

/** Publishes version 1.0.0 of rocket (a web bundle, or `apk` as a file) into `repo` on the fake GitHub. */
export async function publishGitHubFeed(fake: FakeGitHub, repo: string, options: { apk?: Buffer } = {}): Promise<VersionRecord> {
  const config = await writeConfig();
  const build = options.apk ? await writeBuild(options.apk) : await webBuild('on github');
  const published = await publish({ store: githubStore(fake, repo), config, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: build } });
  return published.version;
}

export interface GitHubFeedServerOptions {
  manifestMaxAgeMs?: number;
  downloads?: 'proxy' | 'redirect';
  recheckWaitMs?: number;
  responseTimeoutMs?: number;
  idleTimeoutMs?: number;
  log?: Logger;
}

/**
 * The API on a loopback port, reading `repo` with the read-only token as a deployment does,
 * with a fresh manifest cache, and alice logged in. The caller closes the server.
 */
export async function startGitHubFeedServer(fake: FakeGitHub, repo: string, options: GitHubFeedServerOptions = {}): Promise<{ server: RunningServer; token: string }> {
  const users = [await makeUser('alice', 'alice@example.com', ['acme'])];
  const { responseTimeoutMs, idleTimeoutMs } = options;
  const context = createServerContext({
    store: githubStore(fake, repo, {
      token: READ_TOKEN,
      patience: 'serve',
      ...(responseTimeoutMs === undefined ? {} : { responseTimeoutMs }),
      ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
    }),
    users,
    jwtSecret: SECRET,
    log: options.log ?? silentLogger,
    manifestMaxAgeMs: options.manifestMaxAgeMs ?? 0,
    ...(options.recheckWaitMs === undefined ? {} : { manifestRecheckWaitMs: options.recheckWaitMs }),
    downloads: options.downloads ?? 'proxy',
    devicePolls: { burst: 100, perMinute: 100 },
  });
  const server = await startServer({ context });
  const login = await fetch(`${server.url}/api/v1/auth`, { method: 'POST', body: JSON.stringify({ email: 'alice@example.com', password: 'correct horse' }) });
  const { token } = (await login.json()) as { token: string };
  return { server, token };
}
