// The page's side of the API: the session kept across reloads, and every call made with it.
// Same origin as the page, so no CORS and no CDN: the Content-Security-Policy allows 'self' only.

const SESSION_KEY = 'updateforge.session';

export interface Session {
  readonly token: string;
  readonly email: string;
}

export type BuildType = 'release' | 'debug' | 'profile';
export const BUILD_TYPES: readonly BuildType[] = ['release', 'debug', 'profile'];

/** A version as GET /api/v1/apps lists it (WEB_API.md). */
export interface VersionSummary {
  readonly id: string;
  readonly version: string;
  readonly name: string;
  readonly public: boolean;
  readonly hasFile: boolean;
  readonly created: string;
}

export interface AppSummary {
  readonly id: string;
  readonly title: string;
  readonly packageName: string;
  readonly icon: string | null;
  readonly release: { readonly current: VersionSummary | null; readonly pending: VersionSummary | null };
  readonly debug: { readonly current: VersionSummary | null; readonly pending: VersionSummary | null };
  readonly profile: { readonly current: VersionSummary | null; readonly pending: VersionSummary | null };
}

export interface Team {
  readonly id: string;
  readonly name: string;
  readonly apps: readonly AppSummary[];
}

export type Platform = 'android' | 'ios' | 'other';

/** A version as GET /api/v1/apps/{app}/versions lists it: what the page shows beyond WEB_API.md. */
export interface VersionDetail extends VersionSummary {
  readonly notes: string;
  readonly size: number | null;
  readonly fileName: string | null;
  readonly platform: Platform | null;
  /** How often it was downloaded (minutes old at most); null when the server cannot tell. */
  readonly downloads: number | null;
}

export type AppVersions = Readonly<Record<BuildType, readonly VersionDetail[]>>;

/** What POST /api/v1/versions/{id}/link answers: a download link good for minutes, for one version. */
export interface InstallLink {
  readonly url: string;
  readonly expiresAt: string;
  readonly fileName: string;
  readonly size: number;
  readonly platform: Platform;
  readonly manifestUrl?: string;
}

/** The session is over (a 401 on any call): the page goes back to the login form. */
export class SessionEnded extends Error {
  override readonly name = 'SessionEnded';
}

/** The server answered with its documented `{"error": ...}`, or could not be reached. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

export function loadSession(storage: Storage): Session | null {
  try {
    const saved = JSON.parse(storage.getItem(SESSION_KEY) ?? 'null') as Partial<Session> | null;
    return typeof saved?.token === 'string' && typeof saved.email === 'string' ? { token: saved.token, email: saved.email } : null;
  } catch {
    return null;
  }
}

export function saveSession(storage: Storage, session: Session | null): void {
  if (session) storage.setItem(SESSION_KEY, JSON.stringify(session));
  else storage.removeItem(SESSION_KEY);
}

async function call(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  } catch {
    throw new ApiError('The server cannot be reached. Check your connection and try again.', 0);
  }
}

async function failure(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
  const retry = Number(response.headers.get('retry-after'));
  return new ApiError(typeof body?.error === 'string' ? body.error : `HTTP ${response.status}`, response.status, Number.isFinite(retry) && retry > 0 ? retry : null);
}

/** POST /api/v1/auth: a session, or an ApiError (401 wrong email or password, 429 too many attempts). */
export async function logIn(email: string, password: string): Promise<Session> {
  const response = await call('/api/v1/auth', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!response.ok) throw await failure(response);
  const body = (await response.json()) as { token: string; email: string };
  return { token: body.token, email: body.email };
}

/** A call made as the logged-in tester; a 401 ends the session. */
async function authorized<T>(session: Session, path: string, init: RequestInit = {}): Promise<T> {
  const response = await call(path, { ...init, headers: { authorization: `Bearer ${session.token}` } });
  if (response.status === 401) throw new SessionEnded('Your session has ended. Log in again to see your builds.');
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

export const listTeams = (session: Session) => authorized<{ teams: Team[] }>(session, '/api/v1/apps').then((body) => body.teams);

export const listVersions = (session: Session, app: string) => authorized<AppVersions>(session, `/api/v1/apps/${encodeURIComponent(app)}/versions`);

export const installLink = (session: Session, versionId: string) => authorized<InstallLink>(session, `/api/v1/versions/${encodeURIComponent(versionId)}/link`, { method: 'POST' });
