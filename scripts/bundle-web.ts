// Bundles the tester page's script (web-src/) into web/app.js (npm run build:web). The bundle is
// committed: Vercel serves web/ as it is, with no build step. CI rebuilds it and fails on any difference.
import path from 'node:path';
import { build } from 'esbuild';
import { projectRoot } from '../src/util/project-root.js';

const root = projectRoot();
await build({
  absWorkingDir: root,
  entryPoints: ['web-src/main.ts'],
  outfile: path.join(root, 'web', 'app.js'),
  bundle: true,
  platform: 'browser',
  format: 'esm',
  // Browsers of the last few years, phones included (Safari 15 on iOS 15).
  target: ['es2020', 'safari15', 'chrome100', 'firefox100'],
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
process.stdout.write('wrote web/app.js\n');
