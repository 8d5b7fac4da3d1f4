import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { judge, type FileReport } from './report.js';

/**
 * The secrets sweep's start and verdict (vitest `globalSetup`): gives every worker a
 * folder for its reports, and after the whole run reads them all and fails the run on
 * any secret found where it must not be, or on a recorder that scanned implausibly little.
 */

let project: TestProject | null = null;
let dir = '';

export async function setup(p: TestProject): Promise<void> {
  project = p;
  dir = await mkdtemp(path.join(tmpdir(), 'uf-secrets-sweep-'));
  p.provide('secretsSweepDir', dir);
}

export async function teardown(): Promise<void> {
  if (!project) return;
  const reports: FileReport[] = [];
  for (const name of await readdir(dir).catch(() => [])) {
    if (name.endsWith('.json')) reports.push(JSON.parse(await readFile(path.join(dir, name), 'utf8')) as FileReport);
  }
  const root = project.config.root;
  const ran = project.vitest.state.getFiles().map((f) => ({ file: path.relative(root, f.filepath), passed: f.result?.state === 'pass' }));
  const all = (await project.globTestFiles()).testFiles;
  const verdict = judge(reports, ran, ran.length > 0 && ran.length >= all.length);
  if (verdict.failures.length === 0) {
    console.log(`\n${verdict.summary}\n`);
    await rm(dir, { recursive: true, force: true });
    return;
  }
  console.error(`\n${verdict.summary}\nSECRETS SWEEP FAILED (reports kept in ${dir}):\n${verdict.failures.map((f) => `  - ${f}`).join('\n')}\n`);
  // vitest 4 logs an error thrown here as "error during close" and still exits 0;
  // the exit code is the one thing that survives to `vitest run`'s caller.
  process.exitCode = 1;
}
