import { FakeGitHub } from '../test/fake-github/server.js';

/** Runs `work` against a fresh fake GitHub, and fails the bench if GitHub would have refused any of its requests. */
export async function onFakeGitHub<T>(work: (fake: FakeGitHub) => Promise<T>): Promise<T> {
  const fake = await FakeGitHub.start();
  try {
    const result = await work(fake);
    if (fake.violations.length) throw new Error(`the fake GitHub saw requests GitHub would refuse: ${fake.violations.join('; ')}`);
    return result;
  } finally {
    await fake.stop();
  }
}
