// The baseline of the delta files route: a bare node:http server reading one file from disk at
// every request and streaming it, with its length (what a static file server does).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: disk-file-server <file>');
const server = createServer((_req, res) => {
  void stat(file).then((info) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': info.size });
    createReadStream(file).pipe(res);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
