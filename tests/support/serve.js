// A tiny static server for the built app (build/): SPA fallback to index.html, no dependencies. Used by `npm start` and e2e.
// Usage: node tests/support/serve.js [--port 4173] [--host 127.0.0.1] [--dir build]   (--port 0 picks a free port)
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8'
};

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const port = Number(option('port', '4173'));
const host = option('host', '127.0.0.1');
const root = resolve(option('dir', fileURLToPath(new URL('../../build', import.meta.url))));

/** Resolves a URL path to a file inside root, or null (missing, a directory, or an attempt to climb out of root). */
async function findFile(pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const file = resolve(join(root, decoded));
  if (file !== root && !file.startsWith(root + sep)) return null;
  try {
    const info = await stat(file);
    if (info.isFile()) return { file, size: info.size };
    if (info.isDirectory()) {
      const index = join(file, 'index.html');
      const indexInfo = await stat(index).catch(() => null);
      if (indexInfo?.isFile()) return { file: index, size: indexInfo.size };
    }
  } catch {
    // missing: the caller decides between the SPA page and 404
  }
  return null;
}

function cacheControl(file) {
  // Hashed build output never changes; the page and the worker must be revalidated so updates are noticed.
  if (file.includes(`${sep}_app${sep}immutable${sep}`)) return 'public, max-age=31536000, immutable';
  return 'no-cache';
}

const server = createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  let found = await findFile(pathname);
  // SPA routes such as /contacts/abc have no file: answer with the app page. A missing asset (it has an extension and
  // the client did not ask for HTML) is a real 404, so a stale chunk fails loudly instead of parsing HTML as script.
  const wantsPage = !extname(pathname) || (req.headers.accept ?? '').includes('text/html');
  if (!found && wantsPage) found = await findFile('/index.html');
  if (!found) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' }).end('Not found\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': MIME[extname(found.file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': found.size,
    'Cache-Control': cacheControl(found.file),
    'X-Content-Type-Options': 'nosniff'
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(found.file).on('error', () => res.destroy()).pipe(res);
});

server.on('error', (error) => {
  console.error(`serve: ${error.message}`);
  process.exit(1);
});

server.listen(port, host, () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  console.log(`Fieldbook is running at http://${shownHost}:${actualPort}/`);
});

function shutdown() {
  server.close(() => process.exit(0));
  // Browsers keep idle keep-alive sockets open; do not let them hold the exit.
  server.closeAllConnections();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
