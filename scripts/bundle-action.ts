// Bundles the action into dist/index.js (npm run build:action). The bundle is committed:
// the runner checks the repository out without node_modules. CI rebuilds it and fails on any difference.
import path from 'node:path';
import { build } from 'esbuild';
import { projectRoot } from '../src/util/project-root.js';

const root = projectRoot();
await build({
  absWorkingDir: root,
  entryPoints: ['action/main.ts'],
  outfile: path.join(root, 'dist', 'index.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  // The runner uses node24; the tests run it on this machine's Node 20.
  target: 'node20',
  // Some dependencies are CommonJS and require() Node built-ins, which an ESM bundle lacks.
  banner: { js: "import { createRequire as __updateforgeRequire } from 'node:module';\nconst require = __updateforgeRequire(import.meta.url);" },
  legalComments: 'eof',
  logLevel: 'warning',
});
process.stdout.write('wrote dist/index.js\n');
