import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { seededRandom, type SimulatedClock } from './scale-model-clock.js';
import { countApi, Deployment, type ApiCount, type Bundle } from './scale-model-deployment.js';
import { Devices, Tally, Testers } from './scale-model-fleet.js';
import { HOUR, type ScaleRun } from './scale-model-plan.js';

export interface HourResult {
  readonly run: ScaleRun;
  /** GitHub API requests of the deployment (its read token) in the simulated hour, cold start included. */
  readonly serving: ApiCount;
  /** GitHub API requests of the one publish in the hour (CI's own token, its own budget). */
  readonly publish: ApiCount;
  /** What the simulated clients sent and got back. */
  readonly clients: Tally;
  /** What the deployment's token spent of its rate limit (the fake's own count; all but the 304s). */
  readonly spent: number;
  /** The minute at which a 5,000/h budget would have run out, or null. */
  readonly exhaustedAtMinute: number | null;
  /** Devices on the new bundle at the end of the hour. */
  readonly updated: number;
  readonly wallMs: number;
}

/**
 * How many steps' requests may be under way at once. A step's own work (most requests never
 * reach GitHub) runs before time moves on; a request waiting on GitHub finishes within this many
 * simulated seconds, as it would within GitHub's own latency, instead of holding the clock still.
 */
export const STEPS_IN_FLIGHT = 2;

const steps = (ms: number) => Math.round(ms / HOUR.stepMs);

/**
 * One simulated hour of one deployment. Time moves in steps; at each, the clock is set to the
 * step's start and everything due then (device checks, downloads, tester visits) is sent at once.
 * The new bundle is published between two steps, with nothing else under way, so its requests
 * are told apart from the deployment's by their place in the fake's log.
 */
export async function simulateHour(run: ScaleRun, options: { dir: string; clock: SimulatedClock; seed: number; onProgress?: (minute: number) => void }): Promise<HourResult> {
  const started = performance.now();
  const random = seededRandom(options.seed);
  const deployment = await Deployment.start({
    dir: path.join(options.dir, `scale-${run.devices}-${run.instances}-${run.downloads}`),
    instances: run.instances,
    downloads: run.downloads,
    testers: HOUR.testers,
    bundleBytes: HOUR.bundleBytes,
  });
  try {
    const { fake } = deployment;
    const bundles = new Map<string, Bundle>([[deployment.first.id, deployment.first]]);
    const clients = new Tally();
    const send = (request: Request) => deployment.send(request);
    const devices = new Devices({
      count: run.devices,
      pollEverySteps: steps(HOUR.pollEveryMs),
      downloadWithinSteps: steps(HOUR.downloadWithinMs),
      random,
      installed: deployment.first.version,
      send,
      tally: clients,
    });
    const testers = new Testers({
      testers: deployment.testers,
      loginWithinSteps: steps(HOUR.lengthMs / 2),
      listEverySteps: steps(HOUR.testerListEveryMs),
      steps: steps(HOUR.lengthMs),
      random,
      sha256Of: (id) => bundles.get(id)?.sha256,
      send,
      tally: clients,
    });

    options.onProgress?.(0);
    const start = options.clock.now();
    const from = fake.requests.length;
    let publishSlice: [number, number] = [from, from];
    let next: Bundle | null = null;
    const spentBefore = deployment.spent();
    let exhaustedAt: number | null = null;
    const inflight: Promise<unknown>[] = [];
    const drain = async () => {
      while (inflight.length) await inflight.shift();
    };
    for (let step = 0; step < steps(HOUR.lengthMs); step++) {
      options.clock.advanceTo(start + step * HOUR.stepMs);
      if (step === steps(HOUR.publishAtMs)) {
        await drain();
        const before = fake.requests.length;
        next = await deployment.publishBundle(HOUR.bundleBytes);
        bundles.set(next.id, next);
        publishSlice = [before, fake.requests.length];
      }
      inflight.push(Promise.all([...devices.actionsAt(step), ...testers.actionsAt(step)].map((action) => action())));
      // The step's own work runs now; what waits on GitHub may finish up to STEPS_IN_FLIGHT steps later.
      await new Promise((resolve) => setImmediate(resolve));
      while (inflight.length > STEPS_IN_FLIGHT) await inflight.shift();
      if (exhaustedAt === null && deployment.spent() - spentBefore > HOUR.budgetPerHour) exhaustedAt = step;
      if (((step + 1) * HOUR.stepMs) % 600_000 === 0) options.onProgress?.(((step + 1) * HOUR.stepMs) / 60_000);
    }
    await drain();
    options.clock.advanceTo(start + HOUR.lengthMs);
    const serving = countApi([...fake.requests.slice(from, publishSlice[0]), ...fake.requests.slice(publishSlice[1])]);
    const publish = countApi(fake.requests.slice(...publishSlice));
    const spent = deployment.spent() - spentBefore;
    const exhaustedAtMinute = exhaustedAt === null ? null : Math.floor((exhaustedAt * HOUR.stepMs) / 60_000);
    return { run, serving, publish, clients, spent, exhaustedAtMinute, updated: next ? devices.running(next.version) : 0, wallMs: performance.now() - started };
  } finally {
    await deployment.stop();
  }
}
