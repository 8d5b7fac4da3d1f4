// What the scale model simulates: the scenario every run shares, and the grid of runs.

export type DownloadMode = 'proxy' | 'redirect';

/** One simulated deployment: how many devices poll it, behind how many instances, serving device downloads how. */
export interface ScaleRun {
  readonly devices: number;
  readonly instances: number;
  readonly downloads: DownloadMode;
}

/** The hour every run simulates. */
export const HOUR = {
  lengthMs: 3_600_000,
  /** Simulated time moves on in steps of this; every request due within a step is sent at its start, all at once. */
  stepMs: 1_000,
  /** Each device checks for an update this often (the Capgo plugin checks at app start and on resume; 10 min is a busy app). */
  pollEveryMs: 600_000,
  /** When the new bundle is published (by CI, with its own token); every device is offered it at its next check. */
  publishAtMs: 5 * 60_000,
  /** A device starts its download within this long of being offered the bundle (the plugin starts at once, in the background). */
  downloadWithinMs: 5_000,
  /** The bundle's size: small, since bytes are not what is counted; a download through the server still streams them all. */
  bundleBytes: 4 * 1024,
  testers: 100,
  /** Each tester logs in once, at a random moment of the hour's first half, lists the apps then and this often after, and downloads each new build once. */
  testerListEveryMs: 15 * 60_000,
  /** GitHub's primary rate limit for one token (a GitHub App installation or a fine-grained PAT): 5,000 requests an hour. */
  budgetPerHour: 5_000,
} as const;

/** The grid: every device count × instance count, device downloads proxied (the default) and redirected. */
export function scaleRuns(options: { deviceCounts: readonly number[]; instanceCounts: readonly number[]; modes: readonly DownloadMode[] }): ScaleRun[] {
  return options.modes.flatMap((downloads) => options.instanceCounts.flatMap((instances) => options.deviceCounts.map((devices) => ({ devices, instances, downloads }))));
}
