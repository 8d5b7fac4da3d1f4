import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseReleaseBody, releaseTag, renderReleaseBody, type ReleaseMetadata } from '../../src/feed/release-body.js';

const META: ReleaseMetadata = {
  updateforge: 1,
  app: 'rocket',
  buildType: 'release',
  version: '1.2.0+build.7',
  name: 'January update',
  public: true,
  created: '2026-01-15T10:30:00.000Z',
  state: 'published',
  file: { assetId: '42', name: 'Rocket – café.apk', size: 10, sha256: 'a'.repeat(64), contentType: 'application/vnd.android.package-archive', kind: 'binary' },
};

describe('release body', () => {
  test('round-trips notes and metadata, with the metadata in an HTML comment', () => {
    const body = renderReleaseBody('## Changes\n- faster', META);
    expect(body).toMatch(/^## Changes\n- faster\n\n<!-- updateforge \{.*\} -->$/);
    expect(parseReleaseBody(body)).toEqual({ notes: '## Changes\n- faster', metadata: META });
  });

  test('text that would close the comment cannot break out of it', () => {
    const meta = { ...META, name: 'evil --> <script>' };
    const body = renderReleaseBody('notes with --> inside', meta);
    expect(body.match(/-->/g)).toHaveLength(2); // the one in the notes, and the real end
    expect(parseReleaseBody(body)?.metadata.name).toBe('evil --> <script>');
  });

  test('round-trips any name and notes', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (name, notes) => {
        const parsed = parseReleaseBody(renderReleaseBody(notes, { ...META, name }));
        expect(parsed?.metadata.name).toBe(name);
        expect(parsed?.notes).toBe(notes.trim());
      }),
    );
  });

  test.each([
    ['a release made by hand', 'Just some notes'],
    ['an unterminated block', '<!-- updateforge {"updateforge":1}'],
    ['a block that is not JSON', '<!-- updateforge {nope} -->'],
    ['a block of another shape', '<!-- updateforge {"updateforge":2} -->'],
  ])('ignores %s', (_label, body) => {
    expect(parseReleaseBody(body)).toBeNull();
  });

  test('the tag names app, build type and version precedence', () => {
    expect(releaseTag('rocket', 'debug', '1.2.0-rc.1+build.9')).toBe('rocket/debug/v1.2.0-rc.1');
  });
});
