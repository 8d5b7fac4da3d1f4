import { loadConfig } from '../feed/config.js';
import { repairManifest, type RepairProgress } from '../publish/repair.js';
import { openStore } from '../store/open-store.js';
import { stderrLogger } from './stderr-logger.js';
import { storeFromFlags, type StoreFlags } from './store-flags.js';

export interface RepairCommandOptions extends StoreFlags {
  config: string;
  branch: string;
  json?: boolean;
}

type RepairIO = { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; env: NodeJS.ProcessEnv };

/** `updateforge repair`: rebuilds the manifest from every release and deletes orphan drafts. */
export async function runRepair(options: RepairCommandOptions, io: RepairIO): Promise<void> {
  const where = storeFromFlags(options, io.env, { create: false });
  const config = await loadConfig(options.config);
  const store = await openStore(where, { branch: options.branch, log: stderrLogger(io.stderr) });
  const result = await repairManifest({ store, config: config.config, onProgress: progressPrinter(io.stderr) });
  if (options.json) {
    const { manifest, ...rest } = result;
    io.stdout.write(`${JSON.stringify({ ...rest, versions: manifest.versions.length }, null, 2)}\n`);
    return;
  }
  const lines = [
    `${result.changed ? 'Repaired the manifest of' : 'Already right: the manifest of'} ${store.location}, which lists ${plural(result.manifest.versions.length, 'version')}`,
    `  releases    ${result.listed} listed${result.lookedUp > 0 ? `, ${result.lookedUp} more looked up by tag` : ''}`,
    `  manifest    ${result.sha}`,
    ...result.orphanDrafts.map((d) => `  deleted     orphan draft ${d}`),
    ...result.skipped.map((s) => `  left out    ${s.tag}: ${s.reason}`),
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
}

/** One line per phase, and the look-ups past GitHub's listing as a count every 100 (they can be thousands). */
function progressPrinter(stderr: NodeJS.WriteStream): (progress: RepairProgress) => void {
  return (progress) => {
    if (progress.phase === 'listing') stderr.write('Listing releases…\n');
    else if (progress.phase === 'writing') stderr.write('Writing the manifest…\n');
    else if (progress.done === 0) stderr.write(`Looking up ${progress.total} releases past the ones GitHub lists, by their tags…\n`);
    else if (progress.done % 100 === 0 || progress.done === progress.total) stderr.write(`  ${progress.done}/${progress.total}\n`);
  };
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
