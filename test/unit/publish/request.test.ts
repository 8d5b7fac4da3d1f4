import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseConfig } from '../../../src/feed/config.js';
import { resolvePublishRequest, type RawPublishRequest } from '../../../src/publish/request.js';
import { CONFIG, tempDir } from '../../helpers/fixtures.js';

const config = parseConfig(CONFIG);
const base: RawPublishRequest = { app: 'rocket', buildType: 'release', version: '1.0.0' };

async function workspace(): Promise<string> {
  const dir = await tempDir('uf-request-');
  await mkdir(path.join(dir, 'www'));
  await writeFile(path.join(dir, 'www', 'index.html'), '<h1>hi</h1>');
  await writeFile(path.join(dir, 'NOTES.md'), 'What changed.');
  return dir;
}

describe('resolvePublishRequest', () => {
  test('in a workspace, relative paths are resolved against it and the notes file is read in place of notes', async () => {
    const dir = await workspace();
    const request = await resolvePublishRequest({ ...base, path: 'www', notesFile: 'NOTES.md' }, { config, scope: { workspace: dir } });
    expect(request).toMatchObject({ path: path.join(dir, 'www'), notes: 'What changed.' });
    expect(request).not.toHaveProperty('notesFile');
  });

  test('in a workspace, a path leading out of it is refused, naming the input and the path as given', async () => {
    const dir = await workspace();
    const outside = await tempDir('uf-outside-');
    await symlink(outside, path.join(dir, 'linked'));
    await expect(resolvePublishRequest({ ...base, path: 'linked' }, { config, scope: { workspace: dir } })).rejects.toMatchObject({
      field: 'path',
      message: expect.stringMatching(/^'linked' resolves to '.*uf-outside-[^']*', outside /),
    });
  });

  test('without a workspace, paths stay as given and a key file is read into the key, with its source', async () => {
    const dir = await workspace();
    const keyFile = path.join(dir, 'key.pem');
    await writeFile(keyFile, 'not a key');
    const raw = { ...base, path: path.join(dir, 'www'), encryptKey: { file: keyFile, source: `--encrypt-key '${keyFile}'` } };
    await expect(resolvePublishRequest(raw, { config, scope: {} })).rejects.toMatchObject({ field: 'encrypt-key', message: expect.stringContaining(`--encrypt-key '${keyFile}'`) });
  });

  test('a key file that cannot be read is refused, naming the file', async () => {
    const raw = { ...base, path: '.', encryptKey: { file: '/no/key', source: "--encrypt-key '/no/key'" } };
    await expect(resolvePublishRequest(raw, { config, scope: {} })).rejects.toMatchObject({ field: 'encrypt-key', message: "Cannot read '/no/key': no such file or directory." });
  });

  test('the request is checked against the config, and an empty path is refused rather than taken for the workspace', async () => {
    const dir = await workspace();
    await expect(resolvePublishRequest({ ...base, app: 'ghost' }, { config, scope: { workspace: dir } })).rejects.toMatchObject({ field: 'app' });
    await expect(resolvePublishRequest({ ...base, path: ' ' }, { config, scope: { workspace: dir } })).rejects.toMatchObject({
      field: 'path',
      message: expect.stringMatching(/empty/),
    });
  });
});
