import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The secrets sweep: every response, log line, CLI/action output, store file and
    // GitHub release the suite produces is scanned for the secrets it used; any hit fails the run.
    globalSetup: ['test/helpers/sweep/global-setup.ts'],
    setupFiles: ['test/helpers/sweep/setup.ts'],
  },
});
