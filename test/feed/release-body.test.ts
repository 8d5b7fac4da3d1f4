import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseReleaseBody, releaseTag, renderReleaseBody, type ReleaseMetadata } from '../../src/feed/release-body.js';
import { FormatVersionError, NewerFormatError } from '../../src/feed/versioned-format.js';
import { ValidationError } from '../../src/util/validation.js';

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
    ['a block that is not a JSON object', '<!-- updateforge ["updateforge", 1] -->'],
    ['notes that only quote the format', 'The body ends with `<!-- updateforge {...} -->`'],
  ])('ignores %s', (_label, body) => {
    expect(parseReleaseBody(body)).toBeNull();
  });

  test('a block of a newer version is refused, so an older UpdateForge cannot rewrite it and lose its fields', () => {
    const body = renderReleaseBody('notes', META).replace('{"updateforge":1,', '{"updateforge":3,"channels":["beta"],');

    expect(() => parseReleaseBody(body)).toThrow(NewerFormatError);
    expect(() => parseReleaseBody(body)).toThrow(`The UpdateForge metadata of release 'rocket/release/v1.2.0' has "updateforge": 3: it was written by a newer UpdateForge`);
  });

  test('a block of ours that is damaged is an error that names its release, not a release "made by hand"', () => {
    const noVersion = renderReleaseBody('', META).replace('"updateforge":1,', '');
    const badVersion = renderReleaseBody('', META).replace('"updateforge":1,', '"updateforge":"1",');
    const badField = renderReleaseBody('', META).replace('"sha256":"a', '"sha256":"A');
    const anonymous = '<!-- updateforge {"updateforge":1} -->';

    expect(() => parseReleaseBody(noVersion)).toThrow(FormatVersionError);
    expect(() => parseReleaseBody(badVersion)).toThrow(`The UpdateForge metadata of release 'rocket/release/v1.2.0' has "updateforge": "1", which is not a format version`);
    expect(() => parseReleaseBody(badField)).toThrow(ValidationError);
    expect(() => parseReleaseBody(badField)).toThrow("The UpdateForge metadata of release 'rocket/release/v1.2.0' is invalid:\n  - file.sha256: must be 64 lowercase hex digits");
    expect(() => parseReleaseBody(anonymous)).toThrow('The UpdateForge metadata of a release is invalid:');
  });

  test('keys a newer UpdateForge added within version 1 are dropped', () => {
    const body = renderReleaseBody('', META).replace('"state":', '"futureField":{"x":1},"state":');

    expect(parseReleaseBody(body)?.metadata).toEqual(META);
  });

  test('the same metadata is the same bytes, whatever order its keys come in', () => {
    const { updateforge, state, file, ...rest } = META;
    const reordered = { ...rest, file, state, yanked: true, updateforge } as ReleaseMetadata;

    expect(renderReleaseBody('n', reordered)).toBe(renderReleaseBody('n', { ...META, yanked: true }));
    expect(renderReleaseBody('n', reordered)).toContain('<!-- updateforge {"updateforge":1,"app":"rocket",');
  });

  test('refuses to write metadata readers would refuse', () => {
    expect(() => renderReleaseBody('', { ...META, version: 'v1.2.0' })).toThrow(ValidationError);
    expect(() => renderReleaseBody('', { ...META, updateforge: 2 as 1 })).toThrow(ValidationError);
  });

  test('the tag names app, build type and version precedence', () => {
    expect(releaseTag('rocket', 'debug', '1.2.0-rc.1+build.9')).toBe('rocket/debug/v1.2.0-rc.1');
  });
});
