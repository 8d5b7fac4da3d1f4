import { loadConfig } from '../feed/config.js';
import { setRollout, yankVersion, type EditResult } from '../publish/edit-version.js';
import { LocalStore } from '../store/local-store.js';

export interface EditCommandOptions {
  store: string;
  config: string;
  app: string;
  buildType: string;
  version: string;
  branch: string;
}

async function target(options: EditCommandOptions, io: { stderr: NodeJS.WriteStream }) {
  return {
    store: await LocalStore.open(options.store, { branch: options.branch }),
    config: await loadConfig(options.config),
    app: options.app,
    buildType: options.buildType,
    version: options.version,
    onWait: (message: string) => io.stderr.write(`${message}\n`),
  };
}

function report(result: EditResult, done: string, io: { stdout: NodeJS.WriteStream }): void {
  const v = result.version;
  io.stdout.write(`${result.changed ? done : 'Nothing to change:'} ${v.app} ${v.buildType} ${v.version}\n  manifest    ${result.manifestSha}\n`);
}

/** `updateforge rollout`: offers a bundle to a different share of devices. */
export async function runRollout(options: EditCommandOptions & { percent: number }, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream }): Promise<void> {
  const result = await setRollout({ ...(await target(options, io)), percent: options.percent });
  if (options.percent < 100) io.stderr.write(`note: devices outside the ${options.percent}% that already installed ${options.version} will be offered the previous bundle.\n`);
  report(result, `Rolled out to ${options.percent}% of devices:`, io);
}

/** `updateforge yank`: withdraws a bundle for good; devices roll back to the previous one. */
export async function runYank(options: EditCommandOptions, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream }): Promise<void> {
  report(await yankVersion(await target(options, io)), 'Yanked (devices roll back to the previous bundle):', io);
}
