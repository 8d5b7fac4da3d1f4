import { z } from 'zod';
import { ConfigSchema } from './config.js';

/** Where the generated JSON Schema of updateforge.json is committed, for editors. */
export const CONFIG_SCHEMA_FILE = 'schema/updateforge.schema.json';

/**
 * The JSON Schema of updateforge.json, generated from the same zod schema that
 * validates it, so the two cannot disagree. (Cross-field rules such as "an app's
 * team must exist" are checked by UpdateForge itself; JSON Schema cannot say them.)
 */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, title: 'UpdateForge feed configuration (updateforge.json)' }, null, 2)}\n`;
}
