import { webcrypto } from 'node:crypto';
import type * as Jose from 'jose';
import { passwordFingerprint, type User } from '../users/users.js';
import { ServerConfigError } from './config-error.js';

const ISSUER = 'updateforge';
const TESTER_AUDIENCE = 'updateforge:tester';
const DOWNLOAD_AUDIENCE = 'updateforge:download';
/** How long a bundle link given to a device stays valid: long enough for a slow download to start and resume. */
const DOWNLOAD_TOKEN_LIFETIME_SECONDS = 30 * 60;
const ALGORITHM = 'HS256';
/** WEB_API.md: tokens are long-lived; clients log in again on a 401. */
const TESTER_TOKEN_LIFETIME_SECONDS = 90 * 24 * 60 * 60;
export const MIN_SECRET_LENGTH = 32;
const VERIFIED_CACHE_SIZE = 10_000;

/** Loaded at the first token issued or checked: a device's update check, stats and channel calls never need one (46 modules at their first request). */
let joseModule: Promise<typeof Jose> | undefined;
const jose = () => (joseModule ??= import('jose'));

/** What is wrong with a signing secret, in words that say how to fix it; undefined when it will do. */
export function jwtSecretProblem(secret: string | undefined): string | undefined {
  if (secret === undefined || secret.trim() === '') {
    return `UPDATEFORGE_JWT_SECRET is not set. Set it to a random string of at least ${MIN_SECRET_LENGTH} characters, e.g. the output of \`openssl rand -base64 48\`.`;
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    return `UPDATEFORGE_JWT_SECRET is ${secret.length} characters long; it must be at least ${MIN_SECRET_LENGTH}. Use e.g. \`openssl rand -base64 48\`.`;
  }
  return undefined;
}

export interface TesterClaims {
  readonly userId: string;
  readonly passwordFingerprint: string;
}

/** Issues and checks the testers' Bearer tokens (HS256 only, issuer and audience pinned). */
export class TokenService {
  // Imported once: jose would otherwise turn raw bytes into a CryptoKey on every request.
  private readonly key: Promise<webcrypto.CryptoKey>;
  // Clients send the same token with every request; one that verified needs no second HMAC until it expires.
  private readonly verified = new Map<string, TesterClaims & { expiresAt: number }>();
  private readonly linkTokens = new Map<string, { token: string; at: number }>();

  /** Refuses a missing or guessable signing secret before anything is served. */
  constructor(
    secret: string,
    /** The clock tokens are dated and checked by (default Date.now): a test's fixed clock makes the same token twice. */
    private readonly now: () => number = () => Date.now(),
  ) {
    const problem = jwtSecretProblem(secret);
    if (problem !== undefined) throw new ServerConfigError(problem);
    const bytes = new TextEncoder().encode(secret);
    this.key = webcrypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  async issueTesterToken(user: User): Promise<string> {
    const { SignJWT } = await jose();
    return new SignJWT({ pwd: passwordFingerprint(user) })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(TESTER_AUDIENCE)
      .setSubject(user.id)
      .setIssuedAt(this.seconds())
      .setExpirationTime(this.seconds() + TESTER_TOKEN_LIFETIME_SECONDS)
      .sign(await this.key);
  }

  /**
   * A download token for the link devices get, shared by every device asking for that
   * version within a minute: it names the version, not the device, so there is no need
   * to sign one per request (it still has at least 29 minutes to live when handed out).
   */
  async downloadToken(versionId: string): Promise<string> {
    const now = this.now();
    const cached = this.linkTokens.get(versionId);
    if (cached && now - cached.at < 60_000) return cached.token;
    const token = await this.issueDownloadToken(versionId);
    if (this.linkTokens.size >= VERIFIED_CACHE_SIZE) this.linkTokens.clear();
    this.linkTokens.set(versionId, { token, at: now });
    return token;
  }

  /** A token for one version's download link, with no login: what the Capgo plugin gets in `url`. */
  async issueDownloadToken(versionId: string, lifetimeSeconds = DOWNLOAD_TOKEN_LIFETIME_SECONDS): Promise<string> {
    return (await this.issueDownloadLink(versionId, lifetimeSeconds)).token;
  }

  /** A download token for one version and the moment it stops working (its `exp`, to the second). */
  async issueDownloadLink(versionId: string, lifetimeSeconds = DOWNLOAD_TOKEN_LIFETIME_SECONDS): Promise<{ token: string; expiresAt: Date }> {
    const expires = this.seconds() + lifetimeSeconds;
    const { SignJWT } = await jose();
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(DOWNLOAD_AUDIENCE)
      .setSubject(versionId)
      .setIssuedAt(this.seconds())
      .setExpirationTime(expires)
      .sign(await this.key);
    return { token, expiresAt: new Date(expires * 1000) };
  }

  /** True when `token` is a valid, unexpired download token for exactly `versionId`. */
  async verifyDownloadToken(token: string, versionId: string): Promise<boolean> {
    const { jwtVerify } = await jose();
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: DOWNLOAD_AUDIENCE,
        subject: versionId,
        currentDate: new Date(this.now()),
      });
      return payload.sub === versionId;
    } catch {
      return false;
    }
  }

  /** The claims of a valid tester token, or null for anything else (forged, expired, other audience). */
  async verifyTesterToken(token: string): Promise<TesterClaims | null> {
    const known = this.verified.get(token);
    if (known) {
      if (this.now() < known.expiresAt) return { userId: known.userId, passwordFingerprint: known.passwordFingerprint };
      this.verified.delete(token);
      return null;
    }
    const { jwtVerify } = await jose();
    try {
      const { payload } = await jwtVerify(token, await this.key, { algorithms: [ALGORITHM], issuer: ISSUER, audience: TESTER_AUDIENCE, currentDate: new Date(this.now()) });
      if (typeof payload.sub !== 'string' || typeof payload['pwd'] !== 'string' || typeof payload.exp !== 'number') return null;
      const claims = { userId: payload.sub, passwordFingerprint: payload['pwd'] };
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value ?? '');
      this.verified.set(token, { ...claims, expiresAt: payload.exp * 1000 });
      return claims;
    } catch {
      return null;
    }
  }
}
