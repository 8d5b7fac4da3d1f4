import { expect, test, vi } from 'vitest';

test('a deployment with bad variables answers 503 JSON and logs which variables to fix', async () => {
  process.env['UPDATEFORGE_REPO'] = 'acme/feed';
  delete process.env['UPDATEFORGE_GITHUB_TOKEN'];
  process.env['UPDATEFORGE_USERS'] = '[]';
  process.env['UPDATEFORGE_JWT_SECRET'] = 'short';
  const lines: string[] = [];
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const { GET } = await import('../../api/v1/apps.js');
    const res = await GET(new Request('https://x.vercel.app/api/v1/apps'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'server misconfigured' });
  } finally {
    write.mockRestore();
  }
  const log = lines.join('');
  expect(log).toContain('UPDATEFORGE_GITHUB_TOKEN is not set');
  expect(log).toContain('UPDATEFORGE_JWT_SECRET is 5 characters long');
  expect(log).not.toContain('short');
});
