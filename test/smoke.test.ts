import { expect, test } from 'vitest';
import { publish } from '../src/publish/publish.js';
import { LocalStore } from '../src/store/local-store.js';
import { tempDir, writeBuild, writeConfig } from './helpers/fixtures.js';
import { login, makeUser, serve } from './helpers/server.js';

test('smoke', async () => {
  const store = await LocalStore.openOrCreate(await tempDir());
  const config = await writeConfig();
  const r = await publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await writeBuild('hello world') } });
  const server = await serve({ store, users: [await makeUser('u1', 'a@example.com', ['acme'])] });
  const token = await login(server.url, ' A@example.com ');
  const apps = await fetch(`${server.url}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } });
  console.log(JSON.stringify(await apps.json(), null, 1));
  const dl = await fetch(`${server.url}${r.downloadPath}`, { headers: { authorization: `Bearer ${token}`, range: 'bytes=6-' } });
  console.log(dl.status, [...dl.headers], await dl.text());
  const icon = await fetch(`${server.url}/api/files/apps/rocket/rocket.png`);
  console.log(icon.status, [...icon.headers]);
  const nf = await fetch(`${server.url}/api/nope`);
  console.log(nf.status, await nf.text());
  const m = await fetch(`${server.url}/api/v1/apps`, { method: 'DELETE' });
  console.log(m.status, [...m.headers], await m.text());
  expect(dl.status).toBe(206);
});
