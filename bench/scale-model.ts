import { performance } from 'node:perf_hooks';
import { hurryZeroDelayTimers, SimulatedClock } from './scale-model-clock.js';
import { derivationChecks, derivedRow, measuredRow, type HourRow } from './scale-model-derive.js';
import { simulateHour, STEPS_IN_FLIGHT, type HourResult } from './scale-model-hour.js';
import { HOUR, scaleRuns, type DownloadMode } from './scale-model-plan.js';
import { budgetTable, hourTable, hourVerdict } from './scale-model-report.js';
import type { BenchContext, BenchSection } from './run.js';

const flag = (name: string) =>
  process.argv
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',');

/** The fleets in the table. */
const FLEETS = [1_000, 10_000, 100_000];
/**
 * The fleets simulated in full (`--scale=1000,10000,100000` to simulate them all): a 100,000-device
 * hour is 800,000 requests through the handlers, about 5 minutes on a busy 2-core machine, so by
 * default its rows are derived from the measured ones (scale-model-derive.ts).
 */
const SIMULATED = flag('scale')?.map(Number) ?? [1_000, 10_000];
const INSTANCES = flag('scale-instances')?.map(Number) ?? [1, 10];
const MODES = (flag('scale-modes') ?? ['proxy', 'redirect']) as DownloadMode[];

/**
 * The scale model (issue 12, part 6): one simulated hour of a GitHub-backed deployment per
 * fleet size and deployment shape, counting the GitHub API requests it makes.
 */
export async function benchScaleModel(ctx: BenchContext): Promise<BenchSection> {
  const clock = new SimulatedClock(Date.UTC(2026, 5, 1, 9));
  const results: HourResult[] = [];
  clock.install();
  const unhurry = hurryZeroDelayTimers();
  try {
    for (const [i, run] of scaleRuns({ deviceCounts: SIMULATED, instanceCounts: INSTANCES, modes: MODES }).entries()) {
      const began = performance.now();
      const label = `  ${run.devices} devices, ${run.instances} instances, ${run.downloads}`;
      const onProgress = (minute: number) => process.stderr.write(`${label}: minute ${minute} after ${((performance.now() - began) / 1000).toFixed(1)} s\n`);
      const result = await simulateHour(run, { dir: ctx.dir, clock, seed: 12 + i, onProgress });
      process.stderr.write(`${label}: ${result.serving.total} API requests (${result.serving.notModified} × 304); clients ${JSON.stringify(result.clients)}\n`);
      results.push(result);
      clock.advanceTo(clock.now() + 60_000);
    }
  } finally {
    unhurry();
    clock.uninstall();
  }
  const fleets = [...new Set([...FLEETS, ...SIMULATED])].sort((a, b) => a - b);
  const rows: HourRow[] = scaleRuns({ deviceCounts: fleets, instanceCounts: INSTANCES, modes: MODES }).flatMap((run) => {
    const measured = results.find((r) => r.run.devices === run.devices && r.run.instances === run.instances && r.run.downloads === run.downloads);
    const row = measured ? measuredRow(measured) : derivedRow(run, results);
    return row ? [row] : [];
  });
  const checks = derivationChecks(results);
  const publishes = [...new Set(results.map((r) => r.publish.total))].sort((a, b) => a - b);
  return {
    title: 'GitHub API requests per hour at scale (simulated)',
    body: [
      `One simulated hour per row: N devices each checking for an update every ${HOUR.pollEveryMs / 60_000} minutes (POST /api/v1/updates as Capgo plugin 8 sends it), ${HOUR.testers} testers (each logs in once, lists the apps and loads the icon every ${HOUR.testerListEveryMs / 60_000} minutes, downloads each new build),`,
      `and a new ${HOUR.bundleBytes / 1024} KiB bundle published at minute ${HOUR.publishAtMs / 60_000} that every device downloads (within ${HOUR.downloadWithinMs / 1000} s of its next check), checks and reports. The deployment is 1 or 10 instances of what a Vercel function runs`,
      '(`contextFromEnv` and the `api/` route table), cold at the start of the hour, reading a private feed repository on the OpenAPI-checked fake GitHub; requests go to the instances in turn (round-robin).',
      `Every request of a simulated row goes through the handlers. Time is simulated: \`Date\` reads a clock that moves in ${HOUR.stepMs / 1000} s steps, everything due in a step is sent at once, and a request waiting on GitHub may finish up to ${STEPS_IN_FLIGHT} steps later;`,
      "timers stay real (zero-delay ones run as immediates). Counted: every API request of the deployment's token that the fake answered; 304s are free against the primary rate limit;",
      "the publish's own requests (CI's token) and downloads from signed URLs (not API requests) are not counted. The deployment's token has no ceiling here: the table says when a 5,000/h budget would have run out.",
      '',
      ...hourTable(rows),
      '',
      publishes.length ? `The publish in each hour made ${publishes.join(' or ')} requests of CI's own token (not counted above).` : '',
      '',
      checks.length ? `Check of the rule the derived rows rest on (I instances serving D devices cost I × one instance serving D / I): ${checks.join('; ')}.` : '',
      '',
      `**${hourVerdict(rows)}**`,
      '',
      "What a deployment uses of its token's 5,000 requests an hour (device downloads proxied, the default; † derived):",
      '',
      ...budgetTable(rows),
    ].join('\n'),
  };
}
