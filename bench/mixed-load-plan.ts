// What the mixed-load bench asks of its client process, and what the client reports back.
// Shared by bench/mixed-load.ts (the parent) and bench/mixed-load-client.ts (the second process).

export interface Credentials {
  readonly email: string;
  readonly password: string;
}

/** The seeded feed the client exercises. */
export interface Target {
  readonly url: string;
  /** A release asset: ranged downloads of it are checked byte for byte against `file`. */
  readonly download: { readonly versionId: string; readonly file: string; readonly size: number };
  readonly iconPath: string;
  readonly iconSize: number;
  /** The live-update app: `builtin` is offered `bundleVersion`, `bundleVersion` is up to date. */
  readonly updates: { readonly appId: string; readonly bundleVersion: string };
}

export const MIXED_KINDS = ['login', 'wrong login', 'apps', 'ranged download', 'update check', 'icon'] as const;
export type MixedKind = (typeof MIXED_KINDS)[number];

/** `workers` loops, each its own tester (user and client address), picking each request by `weights`. */
export interface MixedPlan {
  readonly mode: 'mixed';
  readonly target: Target;
  readonly seconds: number;
  readonly workers: number;
  readonly users: readonly Credentials[];
  /** A token per user, issued before the load: the workers' first requests need one, and a login would cost a hash. */
  readonly tokens: readonly string[];
  readonly weights: Readonly<Record<MixedKind, number>>;
}

export const PROBE_KINDS = ['ranged download', 'apps', 'icon', 'login', 'victim login'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

/**
 * One loop per kind, one request at a time with a pause between: another tester, not load.
 * It warms up at once and measures from `startAt` (epoch ms) for `seconds`, so the warm-up
 * never falls inside a flood, where it could wait out the whole flood.
 */
export interface ProbePlan {
  readonly mode: 'probe';
  readonly target: Target;
  readonly startAt: number;
  readonly seconds: number;
  readonly pauseMs: number;
  readonly address: string;
  readonly user: Credentials;
  /** The user's token, got before any flood: logging in at start could itself be refused. */
  readonly token: string;
  /** The account the one-account flood aims at, logging in with its right password from the probe's address. */
  readonly victim: Credentials;
}

/** Wrong-password logins, `workers` at a time, no back-off, from `startAt` (epoch ms) for `seconds`. Null email or address: a new random one per attempt. */
export interface FloodPlan {
  readonly mode: 'flood';
  readonly url: string;
  readonly startAt: number;
  readonly seconds: number;
  readonly workers: number;
  readonly email: string | null;
  readonly address: string | null;
}

export type Plan = MixedPlan | ProbePlan | FloodPlan;

export interface KindStats {
  readonly requests: number;
  /** Responses by status code. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Connection refused, reset, timed out: no HTTP status at all. */
  readonly transportErrors: number;
  /** Answers that are neither the expected one nor a 429, e.g. a 206 with the wrong bytes. */
  readonly unexpected: number;
  readonly stale: number;
  readonly retryAfter: number;
  readonly bytes: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface ClientReport {
  readonly seconds: number;
  readonly kinds: Readonly<Record<string, KindStats>>;
  /** Every kind added up. */
  readonly all: KindStats;
  /** Every kind but logins (right or wrong): what a tester with a token waits for. */
  readonly withoutLogins: KindStats;
  /** The first few failures, word for word, to say what went wrong. */
  readonly samples: readonly string[];
}

/** The `q` quantile (0..1) of ascending `sorted`, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const countStatus = (stats: KindStats | undefined, test: (status: number) => boolean): number =>
  Object.entries(stats?.statuses ?? {}).reduce((sum, [status, n]) => sum + (test(Number(status)) ? n : 0), 0);
