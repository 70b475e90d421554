// A small static file server for the page: serves one folder (default web/) on 127.0.0.1 with the
// MIME types browsers insist on (.wasm must be application/wasm to stream-compile, modules need a
// JavaScript type). Usage: node tools/serve.mjs [folder]   PORT=8080 by default; PORT=0 picks a
// free port. Prints the URL once it listens (tests read that line).
import { createServer } from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.hwm': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

const root = path.resolve(process.argv[2] || 'web');
const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);

// Maps a URL path to a file under root, refusing anything that escapes it.
function resolve(urlPath) {
  let p;
  try {
    p = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  const full = path.resolve(root, '.' + path.posix.normalize('/' + p));
  return full === root || full.startsWith(root + path.sep) ? full : null;
}

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  let file = resolve(req.url || '/');
  if (!file) {
    res.writeHead(400).end('bad path');
    return;
  }
  let st = await fs.stat(file).catch(() => null);
  if (st && st.isDirectory()) {
    file = path.join(file, 'index.html');
    st = await fs.stat(file).catch(() => null);
  }
  if (!st || !st.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
    'Content-Length': st.size,
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
server.listen(port, '127.0.0.1', () => {
  console.log(`serving ${root} at http://127.0.0.1:${server.address().port}/`);
});
