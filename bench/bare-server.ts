// The baseline: a bare node:http server answering every request with the same bytes
// (the body and content type the real server gave). Nothing can be faster on this machine.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const [bodyFile, contentType = 'application/json; charset=utf-8'] = process.argv.slice(2);
if (!bodyFile) throw new Error('usage: bare-server <body file> [content type]');
const body = await readFile(bodyFile);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
