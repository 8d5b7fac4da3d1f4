// The download side of the bench, in its own process: reads a URL (or, for the baseline,
// a file straight from disk), counts the bytes and prints {bytes, seconds} as JSON.
import { createReadStream } from 'node:fs';
import { get } from 'node:http';

const [mode, target, token = ''] = process.argv.slice(2);

function drain(stream: NodeJS.ReadableStream): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
    stream.on('end', () => resolve(bytes));
    stream.on('error', reject);
  });
}

const start = process.hrtime.bigint();
let bytes: number;
if (mode === 'file') {
  bytes = await drain(createReadStream(target!, { highWaterMark: 64 * 1024 }));
} else {
  bytes = await new Promise<number>((resolve, reject) => {
    // No token: a signed URL, which refuses any Authorization header.
    get(target!, { headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
      drain(res).then(resolve, reject);
    }).on('error', reject);
  });
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(`${JSON.stringify({ bytes, seconds })}\n`);
