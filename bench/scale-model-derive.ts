import type { HourResult } from './scale-model-hour.js';
import type { ScaleRun } from './scale-model-plan.js';

/** A row of the hour table: measured, or worked out from measured rows. */
export interface HourRow {
  readonly run: ScaleRun;
  /** GitHub API requests in the hour, 304s included. */
  readonly total: number;
  readonly notModified: number;
  /** Requests that count against the primary rate limit: all but the 304s, as the fake counts them. */
  readonly counted: number;
  /** The run itself, when the row was measured. */
  readonly measured: HourResult | null;
  /** How a row that was not measured was worked out. */
  readonly derivation: string | null;
}

/** A measured row; what counts against the limit is the fake's own rate-limit bookkeeping for the deployment's token. */
export function measuredRow(result: HourResult): HourRow {
  const { total, notModified } = result.serving;
  return { run: result.run, total, notModified, counted: result.spent, measured: result, derivation: null };
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/**
 * A fleet too big to simulate in the time a bench has, worked out from the measured ones.
 * Instances share nothing (each has its own manifest cache, signed links and limiters) and
 * round-robin hands each an equal share of every kind of request, so I instances serving D
 * devices cost I × what one instance serving D / I devices costs. That one-instance cost is
 * taken from a measured run when there is one; past the largest, it is extrapolated along the
 * line through the two largest measured ones, which over-states it wherever costs level off.
 */
export function derivedRow(run: ScaleRun, results: readonly HourResult[]): HourRow | null {
  const single = results.filter((r) => r.run.instances === 1 && r.run.downloads === run.downloads).sort((a, b) => a.run.devices - b.run.devices);
  const share = run.devices / run.instances;
  const exact = single.find((r) => r.run.devices === share);
  const scale = (x: number) => x * run.instances;
  if (exact) {
    const row = measuredRow(exact);
    return {
      run,
      total: scale(row.total),
      notModified: scale(row.notModified),
      counted: scale(row.counted),
      measured: null,
      derivation: `${run.instances} × one instance serving ${n(share)} devices (measured)`,
    };
  }
  const [a, b] = single
    .filter((r) => r.run.devices < share)
    .slice(-2)
    .map(measuredRow);
  if (!a || !b) return null;
  const at = (pick: (r: HourRow) => number) => Math.max(pick(b), pick(b) + ((pick(b) - pick(a)) * (share - b.run.devices)) / (b.run.devices - a.run.devices));
  const prefix = run.instances === 1 ? '' : `${run.instances} × `;
  return {
    run,
    total: scale(at((r) => r.total)),
    notModified: scale(at((r) => r.notModified)),
    counted: scale(at((r) => r.counted)),
    measured: null,
    derivation: `${prefix}one instance serving ${n(share)} devices, extrapolated from ${n(a.run.devices)} and ${n(b.run.devices)} (an upper bound)`,
  };
}

/**
 * Checks the rule `derivedRow` rests on against the runs that measured it: a measured
 * many-instance row next to what the rule predicts from one-instance runs.
 */
export function derivationChecks(results: readonly HourResult[]): string[] {
  return results
    .filter((r) => r.run.instances > 1)
    .flatMap((r) => {
      const predicted = derivedRow(
        r.run,
        results.filter((s) => s.run.instances === 1),
      );
      if (!predicted || predicted.derivation?.includes('extrapolated')) return [];
      const row = measuredRow(r);
      return [
        `${n(r.run.devices)} devices on ${r.run.instances} instances, ${r.run.downloads}: predicted ${n(predicted.counted)} counted (${n(predicted.total)} in all), measured ${n(row.counted)} (${n(row.total)})`,
      ];
    });
}
