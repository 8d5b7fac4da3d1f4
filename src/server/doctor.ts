import { MANIFEST_PATH, parseManifest, type Manifest } from '../feed/manifest.js';
import { ReleaseListCapped } from '../store/errors.js';
import { openGitHubStore } from '../store/open-store.js';
import { silentLogger } from '../util/logger.js';
import { parseServerEnv, type ServerEnv } from './env-config.js';
import { errorMessage } from '../util/error-message.js';
import { usersInNoTeam } from '../users/users.js';

export interface Check {
  readonly ok: boolean;
  readonly what: string;
  /** What was found, or what to do about it. */
  readonly detail: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Checks a GitHub-backed deployment's configuration the way the server will use it:
 * the variables, the repository and the token's access to it, the manifest, the users;
 * and, given the deployment's URL, that it answers as the clients expect (whatever the
 * configuration checks found: the deployment may hold other values than the ones given).
 */
export async function checkDeployment(env: Env, options: { url?: string | undefined; fetch?: typeof fetch } = {}): Promise<Check[]> {
  const checks = await checkConfiguration(env);
  if (options.url) checks.push(...(await probe(options.url.replace(/\/+$/, ''), options.fetch ?? fetch)));
  return checks;
}

/** Each check stops at the first that fails among those the next ones depend on. */
async function checkConfiguration(env: Env): Promise<Check[]> {
  const checks: Check[] = [];
  let config: ServerEnv;
  try {
    config = parseServerEnv(env);
    checks.push({ ok: true, what: 'configuration', detail: `repo ${config.repo}, branch ${config.branch}, ${config.users.length} users, downloads: ${config.downloads}` });
  } catch (error) {
    for (const line of errorMessage(error).split('\n').slice(1)) checks.push({ ok: false, what: 'configuration', detail: line.replace(/^\s*-\s*/, '') });
    return checks;
  }

  const store = openGitHubStore({ kind: 'github', repo: config.repo, token: config.token, apiUrl: config.apiUrl, patience: 'serve' }, { branch: config.branch, log: silentLogger });
  try {
    const releases = await store.listReleases().catch((error: unknown) => {
      // Past GitHub's listing cap the token plainly can read the repository: that is all this check asks.
      if (error instanceof ReleaseListCapped) return `more than ${error.listed.length}`;
      throw error;
    });
    const count = typeof releases === 'string' ? releases : releases.length;
    checks.push({ ok: true, what: 'repository', detail: `the token can read ${config.repo} (${count} release${count === 1 ? '' : 's'})` });
  } catch (error) {
    checks.push({ ok: false, what: 'repository', detail: errorMessage(error) });
    return checks;
  }

  let manifest: Manifest | null = null;
  try {
    const file = await store.readBranchFile(MANIFEST_PATH);
    if (file === null || file === 'not-modified') {
      checks.push({
        ok: false,
        what: 'manifest',
        detail: `no ${MANIFEST_PATH} on branch '${config.branch}' yet: publish a first version (the action creates the branch), or check UPDATEFORGE_BRANCH`,
      });
    } else {
      manifest = parseManifest(file.content);
      checks.push({ ok: true, what: 'manifest', detail: `valid: ${manifest.apps.length} apps, ${manifest.versions.length} versions, generated ${manifest.generatedAt}` });
    }
  } catch (error) {
    checks.push({ ok: false, what: 'manifest', detail: `cannot be used: ${errorMessage(error)}` });
  }

  if (manifest) {
    const teams = manifest.teams.map((t) => t.id);
    const lost = usersInNoTeam(config.users, teams);
    checks.push(
      lost.length === 0
        ? { ok: true, what: 'users', detail: `every user is in at least one team of the feed` }
        : {
            ok: false,
            what: 'users',
            detail: `${lost.map((u) => u.email).join(', ')} ${lost.length === 1 ? 'belongs' : 'belong'} to no team of the feed (teams: ${teams.join(', ')}); they would see no apps`,
          },
    );
  }
  return checks;
}

/** Calls the deployment the way the companion app and the plugin would, without credentials. */
async function probe(base: string, fetcher: typeof fetch): Promise<Check[]> {
  const expectJson = async (what: string, call: () => Promise<Response>, status: number, error: string): Promise<Check> => {
    try {
      const res = await call();
      const body = (await res.json().catch(() => null)) as { error?: unknown } | null;
      if (res.status === status && body?.error === error) return { ok: true, what, detail: `answers ${status} {"error":"${error}"} as expected` };
      return { ok: false, what, detail: `answered ${res.status} ${JSON.stringify(body)}; expected ${status} {"error":"${error}"}. Check the deployment's logs.` };
    } catch (cause) {
      return { ok: false, what, detail: `unreachable: ${errorMessage(cause)}` };
    }
  };
  return [
    await expectJson(`${base}/api/v1/apps`, () => fetcher(`${base}/api/v1/apps`), 401, 'unauthorized'),
    await expectJson(
      `${base}/api/v1/updates`,
      () => fetcher(`${base}/api/v1/updates`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }),
      400,
      'invalid_request',
    ),
  ];
}
