// Regenerates schema/updateforge.schema.json from the zod schema (npm run schema).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CONFIG_SCHEMA_FILE, configJsonSchema } from '../src/feed/config-json-schema.js';
import { projectRoot } from '../src/util/project-root.js';

await writeFile(path.join(projectRoot(), CONFIG_SCHEMA_FILE), configJsonSchema());
process.stdout.write(`wrote ${CONFIG_SCHEMA_FILE}\n`);
