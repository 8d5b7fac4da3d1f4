import { describe, expect, test } from 'vitest';
import type { BranchFile } from '../../src/store/types.js';
import { githubStore, READ_TOKEN, useFakeGitHub } from '../helpers/github.js';

const github = useFakeGitHub();

function file(read: BranchFile | 'not-modified' | null): BranchFile {
  if (read === null || read === 'not-modified') throw new Error(`expected the file, got ${read}`);
  return read;
}

describe('reading the manifest branch of a private repository', () => {
  test('a cache’s re-checks ask for the branch’s sha: free while it stands, the file again once it moves', async () => {
    const repo = github.newRepo({ private: true });
    const writer = githubStore(github.fake(), repo);
    const reader = githubStore(github.fake(), repo, { token: READ_TOKEN, patience: 'serve' });
    const { sha } = await writer.writeBranchFile('manifest.json', Buffer.from('{"v":1}'), { expectedSha: null, message: 'm' });

    let since = github.fake().requests.length;
    const first = file(await reader.readBranchFile('manifest.json', { recheck: true }));
    expect(first.sha).toBe(sha);
    expect(github.fake().countRequests(since).byOperation).toEqual({ 'repos/get-commit': 1, 'repos/get-content': 1 });
    since = github.fake().requests.length;
    for (let i = 0; i < 5; i++) expect(await reader.readBranchFile('manifest.json', { etag: first.etag })).toBe('not-modified');
    expect(
      github
        .fake()
        .requests.slice(since)
        .map((r) => r.status),
    ).toEqual([304, 304, 304, 304, 304]);

    // Another file of the branch changes: the manifest is read again (at the new commit) and is the same.
    await writer.writeBranchFile('icons/rocket/rocket.png', Buffer.from('png'), { expectedSha: null, message: 'm' });
    const same = file(await reader.readBranchFile('manifest.json', { etag: first.etag }));
    expect(same.sha).toBe(sha);
    expect(same.etag).not.toBe(first.etag);
    const second = await writer.writeBranchFile('manifest.json', Buffer.from('{"v":2}'), { expectedSha: same.sha, message: 'm' });
    const changed = file(await reader.readBranchFile('manifest.json', { etag: same.etag }));
    expect(Buffer.from(changed.content).toString()).toBe('{"v":2}');
    expect(changed.sha).toBe(second.sha);
  });

  test('a manifest over 1 MB is read as a blob once: a new commit that leaves it alone costs no second blob', async () => {
    const repo = github.newRepo({ private: true });
    const writer = githubStore(github.fake(), repo);
    const reader = githubStore(github.fake(), repo, { token: READ_TOKEN, patience: 'serve' });
    const big = Buffer.alloc(1_500_000, 'x');
    await writer.writeBranchFile('manifest.json', big, { expectedSha: null, message: 'm' });
    const first = file(await reader.readBranchFile('manifest.json', { recheck: true }));
    expect(Buffer.from(first.content).equals(big)).toBe(true);
    await writer.writeBranchFile('notes.txt', Buffer.from('moved on'), { expectedSha: null, message: 'm' });
    const since = github.fake().requests.length;
    const again = file(await reader.readBranchFile('manifest.json', { etag: first.etag }));
    expect(Buffer.from(again.content).equals(big)).toBe(true);
    expect(github.fake().countRequests(since).byOperation).toEqual({ 'repos/get-commit': 1, 'repos/get-content': 1 });
  });

  test('a one-off read (a publish about to write) is one request; no branch or no file is null either way', async () => {
    const repo = github.newRepo({ private: true });
    const store = githubStore(github.fake(), repo);
    expect(await store.readBranchFile('manifest.json')).toBeNull();
    expect(await store.readBranchFile('manifest.json', { recheck: true })).toBeNull();
    const { sha } = await store.writeBranchFile('other.json', Buffer.from('{}'), { expectedSha: null, message: 'm' });
    expect(await store.readBranchFile('manifest.json', { recheck: true })).toBeNull();
    const since = github.fake().requests.length;
    expect(file(await store.readBranchFile('other.json')).sha).toBe(sha);
    expect(github.fake().countRequests(since).byOperation).toEqual({ 'repos/get-content': 1 });
  });
});
