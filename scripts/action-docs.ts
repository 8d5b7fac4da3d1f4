// Renders the action's inputs and outputs tables from action.yml into the README
// (npm run docs:action), between the action-inputs / action-outputs markers.
// A test fails when the README's tables and action.yml disagree.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { actionTables, replaceBetweenMarkers } from './action-tables.js';
import { projectRoot } from '../src/util/project-root.js';

const root = projectRoot();
const tables = actionTables(await readFile(path.join(root, 'action.yml'), 'utf8'));
const readmePath = path.join(root, 'README.md');
let readme = await readFile(readmePath, 'utf8');
readme = replaceBetweenMarkers(readme, 'action-inputs', tables.inputs);
readme = replaceBetweenMarkers(readme, 'action-outputs', tables.outputs);
await writeFile(readmePath, readme);
process.stdout.write('updated the action tables in README.md\n');
