// Builds the project with the Vercel CLI, offline (`vercel build` with a local project
// stub), and checks that every route file under api/ became a function that loads and
// answers. CI runs it: node build/scripts/check-vercel-build.js <path to the vercel binary>
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadRouteTable } from '../src/server/route-table.js';
import { projectRoot } from '../src/util/project-root.js';

const vercel = process.argv[2];
if (!vercel) throw new Error('usage: check-vercel-build <vercel binary>');
const root = projectRoot();
const project = path.join(root, '.vercel', 'project.json');
if (!existsSync(project)) {
  await mkdir(path.dirname(project), { recursive: true });
  await writeFile(project, JSON.stringify({ projectId: 'prj_local_check', orgId: 'team_local_check', settings: { framework: null } }));
}
const built = spawnSync(vercel, ['build', '--yes'], { cwd: root, stdio: 'inherit', env: { ...process.env, VERCEL_TELEMETRY_DISABLED: '1' } });
if (built.status !== 0) throw new Error(`vercel build failed (exit ${built.status})`);

const problems: string[] = [];
const routes = await loadRouteTable();
for (const route of routes) {
  const func = path.join(root, '.vercel', 'output', 'functions', `${route.file.replace(/\.(ts|js)$/, '')}.func`);
  const configFile = path.join(func, '.vc-config.json');
  if (!existsSync(configFile)) {
    problems.push(`${route.file} did not become a function`);
    continue;
  }
  const { handler } = JSON.parse(await readFile(configFile, 'utf8')) as { handler: string };
  const module = (await import(pathToFileURL(path.join(func, handler)).href)) as Record<string, (request: Request) => Promise<Response>>;
  const answer = await module['OPTIONS']?.(new Request(`https://check.local${route.pattern.replace(/\[[^\]]+\]/g, 'x')}`, { method: 'OPTIONS' }));
  if (answer?.status !== 204) problems.push(`${route.file}: the built function answered OPTIONS with ${answer?.status ?? 'nothing'}`);
  else process.stdout.write(`ok ${route.file} → ${path.relative(root, func)} (${answer.headers.get('allow')})\n`);
}
// Nothing else became a function: not the composition root (api/_vercel.ts), not a helper module.
const expected = new Set(routes.map((route) => `${route.file.replace(/\.(ts|js)$/, '')}.func`));
for (const func of await functionsUnder(path.join(root, '.vercel', 'output', 'functions'))) {
  if (!expected.has(func)) problems.push(`${func} is a function no route file asked for`);
}
if (problems.length > 0) throw new Error(`Vercel build check failed:\n${problems.join('\n')}`);

/** The `.func` folders under `dir`, relative to it. */
async function functionsUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const relative = `${prefix}${entry.name}`;
    if (entry.name.endsWith('.func')) out.push(relative);
    else if (entry.isDirectory()) out.push(...(await functionsUnder(path.join(dir, entry.name), `${relative}/`)));
  }
  return out;
}
