// Runs the stock Yjs WebSocket server (@y/websocket-server) as Fieldbook's relay, bound where you say, persisting to disk with y-leveldb.
// Usage: npm run relay -- [--host 127.0.0.1] [--port 1234] [--data ./relay-data]     (--port 0 picks a free port)
/*
 * Nothing here speaks the sync protocol: connections go to the library's own `setupWSConnection`, documents are its
 * `WSSharedDoc`s, persistence is its y-leveldb binding (switched on by YPERSISTENCE, as in its own server.js).
 * This file adds three things around it:
 * - the bind address and port (the library's server.js reads HOST/PORT but prints nothing useful to enter in the app);
 * - the WebSocket upgrade waits until the room's stored state is loaded. The library loads persisted state without
 *   waiting, so the first device after a restart could be answered with an empty room and only get the stored
 *   entries a moment later; Fieldbook then could not tell "the relay is empty" from "the relay is still loading";
 * - only Fieldbook room names (64 hex characters, a hash of the team password and workspace) are accepted, so the
 *   relay is not an open store for anything else.
 * The server only ever sees room hashes, entry keys and AES-GCM ciphertext (docs/relay.md).
 */
import http from 'node:http';
import { mkdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { WebSocketServer } from 'ws';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log('Usage: npm run relay -- [--host 127.0.0.1] [--port 1234] [--data ./relay-data]\nSee docs/relay.md.');
  process.exit(0);
}

const host = option('host', '127.0.0.1');
const port = Number(option('port', '1234'));
const dataDir = resolve(option('data', './relay-data'));
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a number between 0 and 65535, not "${option('port', '')}"`);
  process.exit(2);
}
mkdirSync(dataDir, { recursive: true });

// The library picks its persistence when its module loads: set the variable first, then import it.
process.env.YPERSISTENCE = dataDir;
const { setupWSConnection, getPersistence, setPersistence, getYDoc, docs } = await import('@y/websocket-server/utils');

const ROOM = /^[0-9a-f]{64}$/;
const library = getPersistence();
if (!library) throw new Error('y-leveldb persistence did not start');
/** The library's own bindState, kept so the upgrade can wait for it. */
const loading = new WeakMap();
setPersistence({
  ...library,
  bindState: (name, doc) => {
    const loaded = Promise.resolve(library.bindState(name, doc));
    loading.set(doc, loaded);
    return loaded;
  }
});

const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end('Fieldbook relay (y-websocket server). Enter this address, with ws:// or wss://, in Fieldbook > Sync > Relay.\n');
});
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', setupWSConnection);

server.on('upgrade', (request, socket, head) => {
  const room = (request.url ?? '').slice(1).split('?')[0];
  if (!ROOM.test(room)) {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return;
  }
  const doc = getYDoc(room);
  const ready = loading.get(doc) ?? Promise.resolve();
  ready.then(
    () => {
      if (socket.destroyed) {
        forgetIfIdle(room, doc);
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    (error) => {
      console.error(`Could not load room ${room.slice(0, 8)}…:`, error);
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      forgetIfIdle(room, doc);
    }
  );
});

/** A room loaded for a connection that went away before it opened: drop it, as the library does after the last close. */
function forgetIfIdle(room, doc) {
  if (doc.conns.size === 0 && docs.get(room) === doc) {
    docs.delete(room);
    doc.destroy();
  }
}

server.listen(port, host, () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shown = host === '0.0.0.0' || host === '::' ? lanAddresses() : [host];
  console.log(`Fieldbook relay is running at ws://${shown[0].includes(':') ? `[${shown[0]}]` : shown[0]}:${actualPort}`);
  for (const other of shown.slice(1)) console.log(`  also reachable at ws://${other.includes(':') ? `[${other}]` : other}:${actualPort}`);
  console.log(`Data is stored in ${dataDir} (encrypted entries only). Stop with Ctrl+C.`);
});

function lanAddresses() {
  const found = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) found.push(a.address);
  }
  return found.length > 0 ? found : ['127.0.0.1'];
}

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: closing connections and flushing ${dataDir}`);
  for (const client of wss.clients) client.terminate();
  server.close();
  // Queued y-leveldb writes run before the database closes.
  await library.provider.destroy();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
