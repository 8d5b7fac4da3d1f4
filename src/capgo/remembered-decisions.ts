import { memoized, type FeedSnapshot } from '../feed/feed-snapshot.js';
import type { VersionRecord } from '../feed/version-record.js';
import { decideUpdate, type UpdateDecision } from './decide-update.js';
import type { PluginRequest } from './identify-plugin.js';
import { inRollout } from './rollout.js';

/** Distinct questions remembered per feed snapshot; past that they are forgotten and asked again (a flood of made-up ones costs memory no more). */
const MAX_REMEMBERED = 10_000;

/** Per app: its bundles in a partial rollout, the only reason two devices asking the same thing get different answers. */
function partialRollouts(snapshot: FeedSnapshot): ReadonlyMap<string, readonly VersionRecord[]> {
  return memoized(snapshot, 'bundles in a partial rollout', () => {
    const byApp = new Map<string, VersionRecord[]>();
    for (const bundles of snapshot.liveBundles.values())
      for (const bundle of bundles) {
        if (bundle.rollout === undefined || bundle.rollout >= 100) continue;
        const list = byApp.get(bundle.app);
        if (list) list.push(bundle);
        else byApp.set(bundle.app, [bundle]);
      }
    return byApp;
  });
}

/**
 * decideUpdate, remembered per feed snapshot. decideUpdate is pure, and reads the device id
 * only to place the device inside or outside each partial rollout: devices that send the same
 * body (but for their id) and User-Agent, and fall on the same side of each of their app's
 * rollouts, get the same decision. A fleet on one build asks a handful of questions, once
 * per device and poll.
 */
export function rememberedDecision(plugin: PluginRequest, snapshot: FeedSnapshot): UpdateDecision {
  const { device_id: deviceId, ...asked } = plugin.info;
  const app = snapshot.appsByPackageName.get(plugin.info.app_id);
  const rollouts = app ? (partialRollouts(snapshot).get(app.id) ?? []) : [];
  const sides = rollouts.map((b) => (inRollout({ deviceId, app: b.app, version: b.version, percent: b.rollout ?? 100 }) ? 'in' : 'out'));
  const key = JSON.stringify([asked, plugin.userAgent ?? null, sides]);
  const decisions = memoized(snapshot, 'update decisions', () => new Map<string, UpdateDecision>());
  let decision = decisions.get(key);
  if (!decision) {
    decision = decideUpdate(plugin, snapshot);
    if (decisions.size >= MAX_REMEMBERED) decisions.clear();
    decisions.set(key, decision);
  }
  return decision;
}
