import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { MANIFEST_PATH } from '../../src/feed/manifest.js';
import { editMetadata, setRollout, yankVersion } from '../../src/publish/edit-version.js';
import { publish } from '../../src/publish/publish.js';
import { LocalStore } from '../../src/store/local/store.js';
import type { Store } from '../../src/store/store.js';
import { withFaults } from '../helpers/faulty-store.js';
import { tempDir, writeConfig } from '../helpers/fixtures.js';
import { githubStore, useFakeGitHub } from '../helpers/github.js';
import { webBuild } from '../helpers/live-feed.js';

/**
 * A command that changes nothing writes nothing: on GitHub every manifest write is a commit, and
 * a workflow re-run would add one each time. Counted where it matters, at the store's writes,
 * with a bundle partly rolled out (its record has the optional keys a fresh one is built without).
 */

const github = useFakeGitHub();

const backends: [string, () => Promise<Store>][] = [
  ['a local folder', async () => LocalStore.openOrCreate(path.join(await tempDir(), 'store'))],
  ['GitHub', () => Promise.resolve(githubStore(github.fake(), github.newRepo()))],
];

describe.each(backends)('on %s', (_, open) => {
  test('a re-run publish, a rollout to the same share, a second yank and a repeated edit write no manifest', async () => {
    const inner = await open();
    let manifestWrites = 0;
    const store = withFaults(inner, {
      writeBranchFile: (target, file, content, options) => {
        if (file === MANIFEST_PATH) manifestWrites++;
        return target.writeBranchFile(file, content, options);
      },
    });
    const config = await writeConfig();
    const build = await webBuild('bundle 1');
    const request = { app: 'rocket', buildType: 'release', version: '1.0.0', path: build, notes: 'First.', rollout: 40 };
    const first = await publish({ store, config, request });
    expect([first.outcome, manifestWrites]).toEqual(['published', 1]);

    const again = await publish({ store, config, request });
    expect([again.outcome, manifestWrites]).toEqual(['unchanged', 1]);
    const same = await setRollout({ store, config, app: 'rocket', buildType: 'release', version: '1.0.0', percent: 40 });
    expect([same.changed, manifestWrites]).toEqual([false, 1]);

    const raised = await setRollout({ store, config, app: 'rocket', buildType: 'release', version: '1.0.0', percent: 60 });
    expect([raised.changed, manifestWrites]).toEqual([true, 2]);
    const yanked = await yankVersion({ store, config, app: 'rocket', buildType: 'release', version: '1.0.0' });
    expect([yanked.changed, manifestWrites]).toEqual([true, 3]);
    const yankedAgain = await yankVersion({ store, config, app: 'rocket', buildType: 'release', version: '1.0.0' });
    expect([yankedAgain.changed, manifestWrites]).toEqual([false, 3]);
    const target = { store, config, app: 'rocket', buildType: 'release', version: '1.0.0' };
    const edited = await editMetadata({ ...target, change: { name: 'Renamed', notes: 'First.' } });
    expect([edited.changed, manifestWrites]).toEqual([true, 4]);
    const editedAgain = await editMetadata({ ...target, change: { name: 'Renamed', notes: 'First.' } });
    expect([editedAgain.changed, manifestWrites]).toEqual([false, 4]);
  });
});
