import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { projectRoot } from '../../src/util/project-root.js';
import { actionTables } from '../../scripts/action-tables.js';
import { COMMANDS, parseActionInputs, versionFromRef } from '../../src/action/inputs.js';

const root = projectRoot();
const read = (file: string) => readFile(path.join(root, file), 'utf8');

describe('action.yml', () => {
  test('runs dist/index.js on node24', async () => {
    const action = parse(await read('action.yml')) as { runs: { using: string; main: string } };
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(existsSync(path.join(root, 'dist', 'index.js'))).toBe(true);
  });

  test('every input it declares is read by the action', async () => {
    const action = parse(await read('action.yml')) as { inputs: Record<string, unknown> };
    const code = await read('src/action/inputs.ts');
    for (const name of Object.keys(action.inputs)) expect(code, `input ${name}`).toMatch(new RegExp(`'${name}'|INPUT_${name.toUpperCase()}`));
  });

  test("the README's tables are the ones action.yml gives (run `npm run docs:action` if not)", async () => {
    const tables = actionTables(await read('action.yml'));
    const readme = await read('README.md');
    expect(readme).toContain(`<!-- action-inputs:start -->\n${tables.inputs}\n<!-- action-inputs:end -->`);
    expect(readme).toContain(`<!-- action-outputs:start -->\n${tables.outputs}\n<!-- action-outputs:end -->`);
  });
});

describe('reading the inputs', () => {
  test('the version comes from the tag when not given', () => {
    expect(versionFromRef('refs/tags/v1.2.3')).toBe('1.2.3');
    expect(versionFromRef('refs/tags/2.0.0-rc.1')).toBe('2.0.0-rc.1');
    expect(versionFromRef('refs/heads/main')).toBeNull();
  });

  test('a prefixed tag keeps its own line of tags: live-v1.2.1, rocket/v1.2.1, rocket@1.2.1', () => {
    expect(versionFromRef('refs/tags/live-v1.2.1')).toBe('1.2.1');
    expect(versionFromRef('refs/tags/rocket/v1.2.1')).toBe('1.2.1');
    expect(versionFromRef('refs/tags/rocket@1.2.1-rc.2')).toBe('1.2.1-rc.2');
    expect(versionFromRef('refs/tags/v1.2.3-1')).toBe('1.2.3-1');
    expect(versionFromRef('refs/tags/release-candidate')).toBe('release-candidate'); // for the version check to refuse, naming it
  });

  test('inputs are read as the runner passes them, trimmed', () => {
    const inputs = parseActionInputs({
      INPUT_TOKEN: ' t ',
      INPUT_APP: 'rocket',
      'INPUT_BUILD-TYPE': 'debug',
      INPUT_PUBLIC: 'TRUE',
      INPUT_ROLLOUT: '25',
      GITHUB_REF: 'refs/tags/v3.1.0',
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_RUN_ID: '1234',
      GITHUB_RUN_ATTEMPT: '2',
    });
    expect(inputs).toMatchObject({
      token: 't',
      repo: 'acme/app',
      run: { id: '1234', attempt: 2 },
      command: { name: 'publish', request: { app: 'rocket', buildType: 'debug', version: '3.1.0', public: true, rollout: 25, overwrite: false } },
    });
  });

  test('rollout and yank name a published version; rollout takes the share of devices', () => {
    const base = { INPUT_TOKEN: 't', INPUT_APP: 'rocket', 'INPUT_BUILD-TYPE': 'release', INPUT_VERSION: '1.4.0', INPUT_OVERWRITE: 'false' };
    expect(parseActionInputs({ ...base, INPUT_COMMAND: 'rollout', INPUT_PERCENT: '50' }).command).toEqual({
      name: 'rollout',
      target: { app: 'rocket', buildType: 'release', version: '1.4.0' },
      percent: 50,
    });
    expect(parseActionInputs({ ...base, INPUT_COMMAND: 'Yank' }).command).toEqual({ name: 'yank', target: { app: 'rocket', buildType: 'release', version: '1.4.0' } });
  });

  test.each([
    [{ INPUT_TOKEN: '' }, 'token'],
    [{ INPUT_TOKEN: 't', INPUT_VERSION: '1.0.0', INPUT_PUBLIC: 'maybe' }, 'public'],
    [{ INPUT_TOKEN: 't', INPUT_VERSION: '1.0.0', INPUT_ROLLOUT: 'ten' }, 'rollout'],
    [{ INPUT_TOKEN: 't', INPUT_VERSION: '1.0.0', INPUT_NOTES: 'a', 'INPUT_NOTES-FILE': 'b' }, 'notes-file'],
    [{ INPUT_TOKEN: 't', INPUT_VERSION: '1.0.0', INPUT_COMMAND: 'delete' }, 'command'],
    [{ INPUT_TOKEN: 't', INPUT_VERSION: '1.0.0', INPUT_PERCENT: '50' }, 'percent'],
    [{ INPUT_TOKEN: 't', INPUT_VERSION: '1.0.0', INPUT_COMMAND: 'rollout' }, 'percent'],
    [{ INPUT_TOKEN: 't', INPUT_VERSION: '1.0.0', INPUT_COMMAND: 'rollout', INPUT_PERCENT: '101' }, 'percent'],
    [{ INPUT_TOKEN: 't', INPUT_VERSION: '1.0.0', INPUT_COMMAND: 'yank', INPUT_PERCENT: '0' }, 'percent'],
    [{ INPUT_TOKEN: 't', INPUT_VERSION: '1.0.0', INPUT_COMMAND: 'rollout', INPUT_PERCENT: '5', INPUT_ROLLOUT: '5' }, 'rollout'],
    [{ INPUT_TOKEN: 't', INPUT_VERSION: '1.0.0', INPUT_COMMAND: 'yank', INPUT_OVERWRITE: 'true' }, 'overwrite'],
    [{ INPUT_TOKEN: 't', INPUT_COMMAND: 'yank' }, 'version'],
  ])('refuses %j naming the input', (env, field) => {
    expect(() => parseActionInputs(env)).toThrow(expect.objectContaining({ field }));
  });

  test('an input only a publish uses is refused by rollout and yank, with what to do', () => {
    expect(() => parseActionInputs({ INPUT_TOKEN: 't', INPUT_VERSION: '1.0.0', INPUT_COMMAND: 'yank', INPUT_PATH: 'dist' })).toThrow(
      'is for `command: publish`; `command: yank` edits a published bundle and does not take it. Remove it from this step.',
    );
    expect(() => parseActionInputs({ INPUT_TOKEN: 't', INPUT_VERSION: '1.0.0', INPUT_COMMAND: 'rollout', INPUT_ROLLOUT: '50' })).toThrow(
      'is for `command: publish`; `command: rollout` edits a published bundle and does not take it. Give the new share of devices as `percent`.',
    );
  });
});

describe('the README', () => {
  test('its workflows give the action only inputs action.yml declares, and the feed-edit form offers only commands the action runs', async () => {
    const inputs = Object.keys((parse(await read('action.yml')) as { inputs: Record<string, unknown> }).inputs);
    type Step = { uses?: string; with?: Record<string, string> };
    type Workflow = { on?: { workflow_dispatch?: { inputs?: Record<string, { options?: string[] }> } }; jobs?: Record<string, { steps?: Step[] }> };
    const workflows = [...(await read('README.md')).matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!) as Workflow);
    const ours = (w: Workflow) =>
      Object.values(w.jobs ?? {})
        .flatMap((job) => job.steps ?? [])
        .filter((step) => step.uses?.startsWith('OWNER/updateforge@'));
    const steps = workflows.flatMap(ours);
    expect(steps.length).toBeGreaterThanOrEqual(3);
    for (const step of steps) for (const key of Object.keys(step.with ?? {})) expect(inputs, `with: ${key}`).toContain(key);

    const feedEdit = workflows.find((w) => ours(w).some((step) => step.with?.['command'] !== undefined));
    const offered = feedEdit?.on?.workflow_dispatch?.inputs?.['command']?.options;
    expect(offered).toEqual(['rollout', 'yank']);
    for (const command of offered ?? []) expect(COMMANDS).toContain(command);
  });

  test('documents every variable a deployment reads', async () => {
    const { SERVER_VARIABLES } = await import('../../src/server/env-config.js');
    const readme = await read('README.md');
    for (const name of Object.keys(SERVER_VARIABLES)) expect(readme, name).toContain(`| \`${name}\` |`);
  });
});
