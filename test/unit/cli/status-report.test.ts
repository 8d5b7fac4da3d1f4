import { describe, expect, test } from 'vitest';
import { formatStatus } from '../../../src/cli/status-report.js';
import type { BuildTypeStatus, StatusVersion } from '../../../src/feed/status.js';

const bundle = (version: string, rollout: number): StatusVersion => ({
  id: `id-${version}`,
  version,
  name: '',
  created: '2026-03-01T00:00:00.000Z',
  public: false,
  kind: 'bundle',
  size: 1_400_000,
  rollout,
  downloads: null,
});
const none: BuildTypeStatus = { current: null, pending: null, live: null, rollouts: [], yanked: [] };

describe('updateforge status as text', () => {
  test('a rollout at 0% reads as paused, and a team without apps says so', () => {
    const text = formatStatus({
      location: './feed',
      generatedAt: '2026-03-02T00:00:00.000Z',
      versions: 2,
      teams: [
        {
          id: 'acme',
          name: 'Acme',
          apps: [{ id: 'rocket', title: 'Rocket', buildTypes: { release: { ...none, live: bundle('1.2.1', 100), rollouts: [bundle('1.2.2', 0)] }, debug: none, profile: none } }],
        },
        { id: 'partners', name: 'Partners', apps: [] },
      ],
    });
    expect(text).toBe(
      [
        'Feed ./feed: 2 versions',
        '',
        'Acme (acme)',
        '  rocket  Rocket',
        '    release  live     1.2.1  2026-03-01  1.4 MB  bundle',
        '    release  rollout paused: 1.2.2 at 0% (offered to no device)',
        '',
        'Partners (partners)',
        '  no apps yet',
        '',
      ].join('\n'),
    );
  });
});
