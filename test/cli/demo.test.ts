import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { startCli, waitForOutput } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

interface VersionObject {
  id: string;
  version: string;
  hasFile: boolean;
}
interface AppsBody {
  teams: { id: string; apps: { id: string; icon: string; release: { current: VersionObject | null; pending: VersionObject | null } }[] }[];
}

async function startDemo(dir: string) {
  const child = startCli(['demo', '--dir', dir, '--port', '0']);
  const banner = await waitForOutput(child.stdout, /Ctrl-C stops the server/, 60_000);
  const url = /running at (http:\/\/\S+)/.exec(banner)![1]!;
  const [, email, password] = /Demo login: (\S+) \/ (\S+)/.exec(banner)!;
  return { child, banner, url, email: email!, password: password! };
}

describe('npm start (the demo)', () => {
  test('seeds once, prints the URL and a login that works, and serves every state', async () => {
    const dir = path.join(await tempDir(), '.demo');
    const demo = await startDemo(dir);
    expect(demo.banner).toContain(`Seeding a demo store in ${path.join(dir, 'store')}`);

    const auth = await fetch(`${demo.url}/api/v1/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: demo.email, password: demo.password }),
    });
    expect(auth.status).toBe(200);
    const { token } = (await auth.json()) as { token: string };
    const headers = { authorization: `Bearer ${token}` };

    const apps = (await (await fetch(`${demo.url}/api/v1/apps`, { headers })).json()) as AppsBody;
    expect(apps.teams.map((t) => t.id)).toEqual(['acme', 'globex']);
    const rocket = apps.teams[0]!.apps[0]!;
    expect(rocket.release.current?.version).toBe('1.1.0');
    expect(rocket.release.pending).toMatchObject({ version: '1.2.0', hasFile: false });

    const icon = await fetch(`${demo.url}${rocket.icon}`);
    expect(icon.headers.get('content-type')).toBe('image/png');

    // Download, then "resume" the second half with Range, and check both halves make the whole file.
    const download = `${demo.url}/api/v1/versions/${rocket.release.current!.id}/download`;
    const whole = Buffer.from(await (await fetch(download, { headers })).arrayBuffer());
    expect(whole.length).toBe(3 * 1024 * 1024);
    const firstHalf = Buffer.from(await (await fetch(download, { headers: { ...headers, range: 'bytes=0-1572863' } })).arrayBuffer());
    const rest = await fetch(download, { headers: { ...headers, range: `bytes=${firstHalf.length}-` } });
    expect(rest.status).toBe(206);
    const resumed = Buffer.concat([firstHalf, Buffer.from(await rest.arrayBuffer())]);
    expect(createHash('sha256').update(resumed).digest('hex')).toBe(createHash('sha256').update(whole).digest('hex'));
    demo.child.kill('SIGTERM');

    // A second start serves the same store without seeding again, with the same secret and users.
    const again = await startDemo(dir);
    expect(again.banner).not.toContain('Seeding');
    expect((await fetch(`${again.url}/api/v1/apps`, { headers })).status).toBe(200);
  });
});
