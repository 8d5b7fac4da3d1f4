// The GitHub Action's entry point (bundled into dist/index.js by `npm run build:action`).
import * as core from '@actions/core';
import { failureMessage, runAction } from '../src/action/run-action.js';
import { progressReporter } from '../src/cli/progress.js';
import type { Logger, LogFields } from '../src/util/logger.js';

const line = (event: string, fields: LogFields = {}) =>
  [
    event,
    ...Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${String(v)}`),
  ].join(' ');
const log: Logger = {
  info: (event, fields) => core.info(line(event, fields)),
  warn: (event, fields) => core.warning(line(event, fields)),
  error: (event, fields) => core.error(line(event, fields)),
};

try {
  await runAction({
    env: process.env,
    setOutput: (name, value) => core.setOutput(name, value),
    setSecret: (value) => core.setSecret(value),
    appendSummary: async (markdown) => {
      await core.summary.addRaw(markdown).write();
    },
    log,
    progress: progressReporter(process.stdout),
  });
} catch (error) {
  core.setFailed(failureMessage(error));
}
