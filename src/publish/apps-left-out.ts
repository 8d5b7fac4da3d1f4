import type { Config } from '../feed/config.js';
import type { Manifest } from '../feed/manifest.js';
import { readFeedManifest } from '../feed/read-manifest.js';
import type { Store } from '../store/store.js';
import { closestMatch } from '../util/suggest.js';
import { AppsLeftOutError } from './errors.js';

/**
 * A publish or an edit writes the feed from `updateforge.json`, which is the list of apps: an app
 * it no longer declares leaves the feed. That is how an app is retired, but a renamed or mistyped
 * id would do it by accident, and every tester and device of that app would lose it at once. So
 * those writes refuse; `updateforge repair` is the deliberate way to rebuild the feed without it.
 */
export function checkAppsKept(config: Config, feed: Manifest): void {
  const declared = new Set(config.apps.map((a) => a.id));
  const counts = new Map<string, number>();
  for (const v of feed.versions) if (!declared.has(v.app)) counts.set(v.app, (counts.get(v.app) ?? 0) + 1);
  if (counts.size === 0) return;
  const missing = [...counts].map(([app, n]) => `'${app}' (${n} version${n === 1 ? '' : 's'})`).join(', ');
  const fresh = config.apps.map((a) => a.id).filter((id) => !feed.versions.some((v) => v.app === id));
  const likely = [...counts.keys()].flatMap((app) => {
    const renamed = closestMatch(app, fresh);
    return renamed ? [`'${app}' → '${renamed}'`] : [];
  });
  throw new AppsLeftOutError(
    `updateforge.json no longer declares ${counts.size === 1 ? 'app' : 'apps'} ${missing} of this feed: writing the feed from it would take ${counts.size === 1 ? 'that app' : 'them'} away from testers and devices at once. ` +
      `If an id was renamed or mistyped${likely.length ? ` (${likely.join(', ')}?)` : ''}, put it back in updateforge.json. ` +
      'To retire an app for good, run `updateforge repair` with this updateforge.json: it rebuilds the feed without it, and leaves its releases on the store.',
  );
}

/** The same check before anything is written, so that a refused publish leaves the feed exactly as it was. */
export async function checkStoreKeepsApps(store: Store, config: Config): Promise<void> {
  // A damaged manifest is rebuilt from the releases, by the write itself or by `repair`: nothing to check against.
  const feed = await readFeedManifest(store).catch(() => null);
  if (feed) checkAppsKept(config, feed.manifest);
}
