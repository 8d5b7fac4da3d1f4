#!/usr/bin/env node
// The compiled CLI; `npm ci` builds it (the `prepare` script), `npm run build` rebuilds it.
import('../build/src/cli/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('error: UpdateForge is not built yet; run `npm run build` in its folder.\n');
    process.exit(1);
  }
  throw error;
});
