import { loadConfig } from '../feed/config.js';
import { announcePublish, webhookInput } from '../publish/notify.js';
import { publishHeadline } from '../publish/outcome.js';
import { progressReporter } from '../publish/progress.js';
import { formatSize } from '../util/format-size.js';
import { installUrl } from '../publish/install-url.js';
import { publish, type PublishResult } from '../publish/publish.js';
import { resolvePublishRequest, type RawPublishRequest } from '../publish/request.js';
import { openStore } from '../store/open-store.js';
import { isPublicUrl } from '../server/public-url.js';
import { UsageError } from './errors.js';
import { stderrLogger } from './stderr-logger.js';
import { storeFromFlags, type StoreFlags } from './store-flags.js';

export interface PublishCommandOptions extends StoreFlags {
  config: string;
  app: string;
  buildType: string;
  version: string;
  path?: string;
  name?: string;
  notes?: string;
  notesFile?: string;
  public?: boolean;
  overwrite?: boolean;
  minNativeVersion?: string;
  rollout?: number;
  encryptKey?: string;
  sessionKey?: string;
  checksum?: string;
  branch: string;
  notifyWebhook?: string;
  pageUrl?: string;
  json?: boolean;
}

type PublishIO = { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; env: NodeJS.ProcessEnv };

/** `updateforge publish`: flags → the shared publish pipeline → a report on stdout. */
export async function runPublish(options: PublishCommandOptions, io: PublishIO): Promise<void> {
  const where = storeFromFlags(options, io.env, { create: true });
  const config = await loadConfig(options.config);
  // Bad input is refused before the store is opened, so it leaves nothing behind.
  const request = await resolvePublishRequest(rawRequest(options), { config: config.config, scope: {} });
  const webhook = webhookInput(options.notifyWebhook ?? io.env['UPDATEFORGE_NOTIFY_WEBHOOK']);
  // The deployment serving the tester page is the one devices reach: UPDATEFORGE_PUBLIC_URL, as `serve` reads it.
  const pageUrl = options.pageUrl ?? (io.env['UPDATEFORGE_PUBLIC_URL'] || undefined);
  if (pageUrl !== undefined && !isPublicUrl(pageUrl)) {
    throw new UsageError(`--page-url: '${pageUrl}' is not an http(s) address. Give your deployment's, e.g. https://updates.example.com.`);
  }
  const store = await openStore(where, { branch: options.branch, log: stderrLogger(io.stderr) });
  // Run as a workflow step on the feed's own repository, the tag goes on the commit the run built, as the action does.
  const ownRepo = where.kind === 'github' && where.repo.toLowerCase() === (io.env['GITHUB_REPOSITORY'] ?? '').toLowerCase();
  const result = await publish({
    store,
    config,
    request,
    commit: ownRepo ? io.env['GITHUB_SHA'] || undefined : undefined,
    onProgress: progressReporter(io.stderr),
    onWait: (message) => io.stderr.write(`${message}\n`),
  });
  for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
  const problem = await announcePublish(webhook, result, store.location);
  if (problem) io.stderr.write(`warning: ${problem}\n`);
  const { manifest: _feed, ...summary } = result;
  const install = installUrl(result.version, pageUrl);
  io.stdout.write(options.json ? `${JSON.stringify({ ...summary, installUrl: install }, null, 2)}\n` : report(result, install));
}

function rawRequest(options: PublishCommandOptions): RawPublishRequest {
  const { app, buildType, version, path, name, notes, notesFile, public: isPublic, overwrite, minNativeVersion, rollout, encryptKey, sessionKey, checksum } = options;
  // The error prefixes the flag itself (`--encrypt-key: the file 'k.pem' is not a private key…`).
  const key = encryptKey === undefined ? undefined : { file: encryptKey, source: `the file '${encryptKey}'` };
  return { app, buildType, version, path, name, notes, notesFile, public: isPublic, overwrite, minNativeVersion, rollout, encryptKey: key, sessionKey, checksum };
}

function report(result: PublishResult, install: string | null): string {
  const v = result.version;
  const lines = [publishHeadline(result), `  version id  ${v.id}`];
  if (v.file) {
    lines.push(
      `  file        ${v.file.name} (${v.file.kind}${v.file.encryption ? ', encrypted' : ''})`,
      `  sha256      ${v.file.sha256}`,
      `  size        ${formatSize(v.file.size)}${v.file.size >= 1000 ? ` (${v.file.size} bytes)` : ''}`,
    );
    if (v.file.minNativeVersion) lines.push(`  native      ${v.file.minNativeVersion} or later`);
    if (v.file.kind === 'bundle') {
      lines.push(`  rollout     ${v.rollout ?? 100}% of devices`);
      // Whether devices can fetch only what changed: said here, since an encrypted bundle (or an odd .zip) cannot.
      lines.push(`  delta       ${v.file.files ? `${v.file.files.count} files, each served alone` : 'none: devices download the whole zip'}`);
    }
  } else {
    lines.push('  file        none yet (pending: publish again with --path to attach it)');
  }
  if (result.downloadPath) lines.push(`  download    ${result.downloadPath}`);
  if (install) lines.push(`  install at  ${install}`);
  lines.push(`  manifest    ${result.manifestSha}${result.manifestChanged ? '' : ' (unchanged)'}`);
  return `${lines.join('\n')}\n`;
}
