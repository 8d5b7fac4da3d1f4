import { createHash } from 'node:crypto';
import type { Hit, SecretKind } from './scan.js';

/** What each test file's recorder writes and the global teardown judges (no vitest here: the teardown runs outside the workers). */

export interface Counts {
  responses: number;
  responseBytes: number;
  logLines: number;
  cliStreams: number;
  actionRuns: number;
  outputBytes: number;
  storeFolders: number;
  storeFiles: number;
  storeBytes: number;
  githubRepos: number;
  releases: number;
  assets: number;
  branchFiles: number;
  githubBytes: number;
  /** Time the scanner spent matching. */
  scanMs: number;
}

export const ZERO: Counts = {
  responses: 0,
  responseBytes: 0,
  logLines: 0,
  cliStreams: 0,
  actionRuns: 0,
  outputBytes: 0,
  storeFolders: 0,
  storeFiles: 0,
  storeBytes: 0,
  githubRepos: 0,
  releases: 0,
  assets: 0,
  branchFiles: 0,
  githubBytes: 0,
  scanMs: 0,
};

export interface FileReport {
  readonly file: string;
  readonly counts: Counts;
  /** fingerprint → kind of every secret registered while the file ran. */
  readonly secrets: Record<string, SecretKind>;
  readonly tooShort: Record<string, SecretKind>;
  /** reason → how many secrets were found where they must be. */
  readonly allowed: Record<string, number>;
  readonly hits: readonly (Hit & { test: string | null })[];
}

/** The report file's name for a test file: stable, so a later flush replaces an earlier one. */
export function reportName(file: string): string {
  return `${createHash('sha1').update(file).digest('hex').slice(0, 16)}.json`;
}

/**
 * Below these, on a whole-suite run, a recorder is broken rather than the suite quiet:
 * about a tenth of what a whole run scanned when the sweep was written (13,102 responses,
 * 3,997 log lines, 152 CLI streams, 21 action runs, 615 files in 97 stores, 646 releases,
 * 404 assets, 253 branch files, 1,072 secrets).
 */
export const WHOLE_SUITE_MINIMUM: Readonly<Partial<Counts>> & { secrets: number } = {
  responses: 1_300,
  logLines: 400,
  cliStreams: 15,
  actionRuns: 2,
  storeFolders: 10,
  storeFiles: 60,
  releases: 60,
  assets: 40,
  branchFiles: 25,
  secrets: 100,
};

export interface Verdict {
  readonly summary: string;
  /** Why the run fails; empty when it passes. */
  readonly failures: readonly string[];
  readonly totals: Counts;
}

const n = (x: number) => x.toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Judges the reports of a run. `ran`: the test files vitest ran, and whether each passed;
 * a passed file without a report means its recorder never ran. `wholeSuite`: every test
 * file ran, so the minimums apply.
 */
export function judge(reports: readonly FileReport[], ran: readonly { file: string; passed: boolean }[], wholeSuite: boolean): Verdict {
  const totals: Counts = { ...ZERO };
  const secrets = new Map<string, SecretKind>();
  const tooShort = new Set<string>();
  const allowed: Record<string, number> = {};
  const hits: (Hit & { test: string | null; file: string })[] = [];
  for (const r of reports) {
    for (const key of Object.keys(totals) as (keyof Counts)[]) totals[key] += r.counts[key] ?? 0;
    for (const [print, kind] of Object.entries(r.secrets)) secrets.set(print, kind);
    for (const print of Object.keys(r.tooShort)) tooShort.add(print);
    for (const [reason, count] of Object.entries(r.allowed)) allowed[reason] = (allowed[reason] ?? 0) + count;
    for (const h of r.hits) hits.push({ ...h, file: r.file });
  }

  const failures: string[] = [];
  for (const h of hits.slice(0, 50)) {
    failures.push(`${h.kind} (${h.label}, sha256:${h.fingerprint}) in ${h.where} at byte ${h.offset} — ${h.file}${h.test ? ` > ${h.test}` : ''}`);
  }
  if (hits.length > 50) failures.push(`… and ${hits.length - 50} more hits`);
  const reported = new Set(reports.map((r) => r.file));
  for (const f of ran) if (f.passed && !reported.has(f.file)) failures.push(`no sweep report from ${f.file}: its recorder did not run`);
  if (wholeSuite) {
    const have: Record<string, number> = { ...totals, secrets: secrets.size };
    for (const [key, minimum] of Object.entries(WHOLE_SUITE_MINIMUM)) {
      if ((have[key] ?? 0) < minimum) failures.push(`only ${n(have[key] ?? 0)} ${key} scanned on a whole-suite run (at least ${n(minimum)} expected): a recorder is broken`);
    }
  }

  const allowedCount = Object.values(allowed).reduce((a, b) => a + b, 0);
  const summary =
    `secrets sweep${wholeSuite ? '' : ' (part of the suite)'}: ${n(totals.responses)} responses (${mb(totals.responseBytes)}), ${n(totals.logLines)} log lines, ` +
    `${n(totals.cliStreams)} CLI streams + ${n(totals.actionRuns)} action runs (${mb(totals.outputBytes)} with the logs), ` +
    `${n(totals.storeFiles)} files in ${n(totals.storeFolders)} stores (${mb(totals.storeBytes)}), ` +
    `${n(totals.releases)} releases / ${n(totals.assets)} assets / ${n(totals.branchFiles)} branch files on the fake GitHub (${mb(totals.githubBytes)}); ` +
    `${n(secrets.size)} secrets known (+${n(tooShort.size)} too short to search), ${n(allowedCount)} found where they must be; ` +
    `${(totals.scanMs / 1000).toFixed(1)} s of matching across workers; ${n(hits.length)} hits`;
  return { summary, failures, totals };
}
