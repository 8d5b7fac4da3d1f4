// One packaging run in its own process (so its memory is its own): zips a folder the
// way `updateforge publish --path DIR` does and prints {seconds, size, sha256, peakRssMiB}.
import { packageArtifact } from '../src/publish/package.js';

const [folder] = process.argv.slice(2);
if (!folder) throw new Error('usage: package-folder <folder>');
const start = process.hrtime.bigint();
const artifact = await packageArtifact({ input: folder, zipName: 'bundle.zip' });
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
await artifact.cleanup();
process.stdout.write(`${JSON.stringify({ seconds, size: artifact.size, sha256: artifact.sha256, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
