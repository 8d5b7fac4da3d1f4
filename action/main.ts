// The GitHub Action's entry point (bundled into dist/index.js by `npm run build:action`).
import * as core from '@actions/core';
import { failureMessage, runAction } from '../src/action/run-action.js';
import { progressReporter } from '../src/publish/progress.js';
import { humanLine, type Logger } from '../src/util/logger.js';

const log: Logger = {
  info: (event, fields) => core.info(humanLine(event, fields)),
  warn: (event, fields) => core.warning(humanLine(event, fields)),
  error: (event, fields) => core.error(humanLine(event, fields)),
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
