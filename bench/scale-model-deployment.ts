import { randomBytes, scrypt } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../src/feed/config.js';
import { publish } from '../src/publish/publish.js';
import { createApp, type FetchHandler } from '../src/server/app.js';
import { contextFromEnv } from '../src/server/env-context.js';
import { GitHubStore } from '../src/store/github/store.js';
import { silentLogger } from '../src/util/logger.js';
import type { LoggedRequest } from '../test/fake-github/server.js';
import { FakeGitHub } from '../test/fake-github/server.js';
import type { DownloadMode } from './scale-model-plan.js';

/** Where simulated clients reach the deployment (its UPDATEFORGE_PUBLIC_URL): requests to it never leave the process. */
export const ORIGIN = 'https://updates.example.test';
export const APP = { id: 'fleet', packageName: 'com.scale.fleet' } as const;
const REPO = 'acme/scale-feed';
const READ_TOKEN = 'ghs_read_token';
const JWT_SECRET = 'scale-model-secret-that-is-long-enough-for-it';

export interface Tester {
  readonly email: string;
  readonly password: string;
}

/** A published bundle as a device checks it: its version and the sha256 of its zip. */
export interface Bundle {
  readonly id: string;
  readonly version: string;
  readonly sha256: string;
}

/** GitHub API requests in a slice of the fake's log. */
export interface ApiCount {
  readonly total: number;
  /** 304s: conditional requests that still matched, free against the primary rate limit. */
  readonly notModified: number;
  /** 403s and 429s: refused (a read token is never refused for anything but the rate limit). */
  readonly refused: number;
  readonly byOperation: Readonly<Record<string, number>>;
}

export function countApi(requests: readonly LoggedRequest[]): ApiCount {
  const byOperation: Record<string, number> = {};
  let notModified = 0;
  let refused = 0;
  for (const r of requests) {
    const key = r.operationId ?? r.path;
    byOperation[key] = (byOperation[key] ?? 0) + 1;
    if (r.status === 304) notModified++;
    if (r.status === 403 || r.status === 429) refused++;
  }
  return { total: requests.length, notModified, refused, byOperation };
}

/**
 * A feed repository on the fake GitHub (private, as a feed with tester builds is) and `instances`
 * copies of the deployment serving it: each its own context built by `contextFromEnv`, the
 * function a Vercel instance runs on its first request, over the `api/` route table. Requests
 * go to the instances in turn (round-robin), so every instance sees every kind of traffic:
 * the most GitHub a deployment of that many warm instances can cost.
 */
export class Deployment {
  private next = 0;
  private published = 1;

  private constructor(
    readonly fake: FakeGitHub,
    private readonly instances: readonly FetchHandler[],
    private readonly writer: GitHubStore,
    private readonly config: LoadedConfig,
    private readonly dir: string,
    readonly testers: readonly Tester[],
    readonly first: Bundle,
  ) {}

  /** Sets the feed up (its first bundle published, not counted) and starts the instances. */
  static async start(options: { dir: string; instances: number; downloads: DownloadMode; testers: number; bundleBytes: number }): Promise<Deployment> {
    const fake = await FakeGitHub.start();
    try {
      // No ceiling on the deployment's token: the model measures what the code asks for, and the
      // report says when a real 5,000/h budget would have run out.
      fake.rateLimit.setLimit(READ_TOKEN, Number.MAX_SAFE_INTEGER);
      fake.addRepo(REPO, { private: true });
      await mkdir(options.dir, { recursive: true });
      await writeFile(path.join(options.dir, 'icon.png'), ICON_PNG);
      const configPath = path.join(options.dir, 'updateforge.json');
      await writeFile(
        configPath,
        JSON.stringify({ teams: [{ id: 'scale', name: 'Scale' }], apps: [{ id: APP.id, team: 'scale', title: 'Fleet', packageName: APP.packageName, icon: 'icon.png' }] }),
      );
      const config = await loadConfig(configPath);
      const writer = GitHubStore.create({ token: 'ghs_write_token', repo: REPO, branch: 'updateforge', apiUrl: fake.url, log: silentLogger, pacingMs: 0 });
      const testers = Array.from({ length: options.testers }, (_, i) => ({ email: `tester${i}@scale.example`, password: `password-${i}` }));
      const users = await Promise.all(testers.map(async (t, i) => ({ id: `tester-${i}`, email: t.email, passwordHash: await cheapHash(t.password), teams: ['scale'] })));
      const env = {
        UPDATEFORGE_REPO: REPO,
        UPDATEFORGE_GITHUB_TOKEN: READ_TOKEN,
        UPDATEFORGE_GITHUB_API_URL: fake.url,
        UPDATEFORGE_USERS: JSON.stringify(users),
        UPDATEFORGE_JWT_SECRET: JWT_SECRET,
        UPDATEFORGE_PUBLIC_URL: ORIGIN,
        UPDATEFORGE_DOWNLOADS: options.downloads,
      };
      const first = await publishBundle({ writer, config, dir: options.dir, version: '1.0.0', bytes: options.bundleBytes });
      const instances = await Promise.all(Array.from({ length: options.instances }, () => createApp(contextFromEnv(env, silentLogger))));
      return new Deployment(fake, instances, writer, config, options.dir, testers, first);
    } catch (error) {
      await fake.stop();
      throw error;
    }
  }

  /** Requests the deployment's token has spent of its rate limit (all but the 304s), cumulative. */
  spent(): number {
    return this.fake.rateLimit.consumed(READ_TOKEN);
  }

  /** One request to the next instance in turn, as the platform's router would hand it over. */
  send(request: Request): Promise<Response> {
    const instance = this.instances[this.next++ % this.instances.length]!;
    return instance(request);
  }

  /** Publishes the next bundle version (1.0.0, 1.1.0, ...) through the publish pipeline, with CI's write token. */
  async publishBundle(bytes: number): Promise<Bundle> {
    const version = `1.${this.published++}.0`;
    return publishBundle({ writer: this.writer, config: this.config, dir: this.dir, version, bytes });
  }

  async stop(): Promise<void> {
    if (this.fake.violations.length) throw new Error(`the fake GitHub saw requests GitHub would refuse: ${this.fake.violations.slice(0, 5).join('; ')}`);
    await this.fake.stop();
  }
}

/** A web build folder of about `bytes` (incompressible, so the zip is as big), published as a live-update bundle. */
async function publishBundle(options: { writer: GitHubStore; config: LoadedConfig; dir: string; version: string; bytes: number }): Promise<Bundle> {
  const build = path.join(options.dir, `web-${options.version}`);
  await mkdir(build, { recursive: true });
  await writeFile(path.join(build, 'index.html'), `<!doctype html><title>Fleet ${options.version}</title>`);
  await writeFile(path.join(build, 'app.bin'), randomBytes(options.bytes));
  const result = await publish({ store: options.writer, config: options.config, request: { app: APP.id, buildType: 'release', version: options.version, path: build } });
  const file = result.version.file;
  if (!file) throw new Error(`bundle ${options.version} was published without its file`);
  return { id: result.version.id, version: options.version, sha256: file.sha256 };
}

/**
 * A tester's password hash at scrypt's lowest cost the server accepts (ln=10, not the default 15):
 * a login costs no GitHub request either way, and 100 logins per run at full cost would add
 * seconds of hashing to every run of the model.
 */
async function cheapHash(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, 32, { N: 1024, r: 8, p: 1 }, (error, derived) => (error ? reject(error) : resolve(derived))),
  );
  const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=10,r=8,p=1$${b64(salt)}$${b64(key)}`;
}

/** A 1×1 transparent PNG. */
const ICON_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
