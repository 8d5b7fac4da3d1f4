import { describe, expect, test } from 'vitest';
import { SignedLinkCache, signedUrlExpiry } from '../../src/store/github/signed-links.js';

// Shapes of links GitHub has handed out (query abridged): Azure SAS since mid-2025 (plengauer/Thoth#3748),
// S3 before it (DataDog/documentation#24206).
const AZURE =
  'https://release-assets.githubusercontent.com/github-production-release-asset/692042935/5544a935?sp=r&sv=2018-11-09&sr=b&spr=https&se=2026-07-05T19%3A44%3A55Z&skt=2026-07-05T18%3A44%3A41Z&sig=abc%3D';
const S3 =
  'https://objects.githubusercontent.com/github-production-release-asset-2e65be/47203045/b393?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20240718T144553Z&X-Amz-Expires=300&X-Amz-Signature=e8a1';

describe('signedUrlExpiry', () => {
  test('reads Azure’s `se`, and S3’s `X-Amz-Date` plus `X-Amz-Expires`', () => {
    expect(signedUrlExpiry(AZURE)).toBe(Date.parse('2026-07-05T19:44:55Z'));
    expect(signedUrlExpiry(S3)).toBe(Date.parse('2024-07-18T14:45:53Z') + 300_000);
  });

  test('is null for a link that does not say, or is no URL', () => {
    expect(signedUrlExpiry('https://example.com/asset?sig=x')).toBeNull();
    expect(signedUrlExpiry('https://example.com/asset?se=soon')).toBeNull();
    expect(signedUrlExpiry('not a url')).toBeNull();
  });
});

describe('SignedLinkCache', () => {
  function clock(start: number) {
    const time = { now: start };
    return { time, now: () => time.now };
  }
  const link = (se: number, tag = 'a') => `https://host/${tag}?se=${encodeURIComponent(new Date(se).toISOString())}&sig=x`;

  test('reuses a link until shortly before its expiry: a minute before an hour’s, a quarter of a short one’s life', async () => {
    const { time, now } = clock(Date.parse('2026-01-01T00:00:00Z'));
    const cache = new SignedLinkCache({ now });
    let lookUps = 0;
    const long = link(time.now + 50 * 60_000);
    const get = () => cache.get('1', async () => (lookUps++, { link: long }));
    expect(await get()).toEqual({ link: long });
    time.now += 48 * 60_000;
    expect(await get()).toEqual({ link: long });
    expect(lookUps).toBe(1);
    time.now += 61_000;
    await get();
    expect(lookUps).toBe(2);

    const short = new SignedLinkCache({ now });
    const four = link(time.now + 4000, 'b');
    let shortLookUps = 0;
    const getShort = () => short.get('1', async () => (shortLookUps++, { link: four }));
    await getShort();
    time.now += 2900;
    await getShort();
    time.now += 200;
    await getShort();
    expect(shortLookUps).toBe(2);
  });

  test('keeps a link whose expiry it cannot read for the short default only', async () => {
    const { time, now } = clock(0);
    const cache = new SignedLinkCache({ now, unknownLifetimeMs: 60_000 });
    let lookUps = 0;
    const get = () => cache.get('1', async () => (lookUps++, { link: 'https://host/x?sig=1' }));
    await get();
    time.now += 59_000;
    await get();
    time.now += 2000;
    await get();
    expect(lookUps).toBe(2);
  });

  test('concurrent requests share one look-up; a failed look-up fails them all', async () => {
    const cache = new SignedLinkCache();
    let lookUps = 0;
    let finish = (_: string) => {};
    const lookUp = () => (lookUps++, new Promise<{ link: string }>((resolve) => (finish = (l) => resolve({ link: l }))));
    const all = Promise.all(Array.from({ length: 20 }, () => cache.get('1', lookUp)));
    finish(link(Date.now() + 3_600_000));
    expect(new Set((await all).map((r) => JSON.stringify(r))).size).toBe(1);
    expect(lookUps).toBe(1);

    let fail = (_: Error) => {};
    const failing = () => new Promise<{ link: string }>((_, reject) => (fail = reject));
    const waiting = Promise.allSettled(Array.from({ length: 3 }, () => cache.get('2', failing)));
    fail(new Error('rate limited'));
    expect((await waiting).map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  test('what is not a link goes to the caller who asked; the others who waited ask for themselves', async () => {
    const cache = new SignedLinkCache();
    const answers: LinkAnswer[] = [];
    type LinkAnswer = { link: string } | { other: number };
    let next = 0;
    const lookUp = async (): Promise<LinkAnswer> => ({ other: ++next });
    answers.push(...(await Promise.all([cache.get('1', lookUp), cache.get('1', lookUp), cache.get('1', lookUp)])));
    expect(answers).toEqual([{ other: 1 }, { other: 2 }, { other: 3 }]);
  });

  test('a forgotten link is looked up afresh; forgetting an older one leaves a newer in place', async () => {
    const cache = new SignedLinkCache();
    const first = link(Date.now() + 3_600_000, 'first');
    const second = link(Date.now() + 3_600_000, 'second');
    const links = [first, second];
    const get = () => cache.get('1', async () => ({ link: links.shift()! }));
    expect(await get()).toEqual({ link: first });
    cache.forget('1', first);
    expect(await get()).toEqual({ link: second });
    cache.forget('1', first);
    expect(await get()).toEqual({ link: second });
  });

  test('holds at most `maxEntries` links, dropping the oldest', async () => {
    const cache = new SignedLinkCache({ maxEntries: 2 });
    let lookUps = 0;
    const get = (key: string) => cache.get(key, async () => (lookUps++, { link: link(Date.now() + 3_600_000, key) }));
    await get('1');
    await get('2');
    await get('3');
    await get('2');
    await get('3');
    expect(lookUps).toBe(3);
    await get('1');
    expect(lookUps).toBe(4);
  });
});
