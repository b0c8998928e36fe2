// Measures how the relay (scripts/relay.js: @y/websocket-server + y-leveldb) copes with one big envelope doc: write, load, restart.
// Usage: node scripts/relay-measure.js [--entries 10000] [--bytes 5000] [--sessions 1]   (numbers go to docs/relay.md)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';

const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ENTRIES = option('entries', 10_000);
const BYTES = option('bytes', 5_000);
/** Client ids the entries were written with: every relay session of every device adds one. */
const SESSIONS = option('sessions', 1);
const ROOM = 'a'.repeat(64);
const RELAY_JS = fileURLToPath(new URL('./relay.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fieldbook-relay-measure-'));

const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const ms = (t) => `${Math.round(performance.now() - t)} ms`;

async function startRelay() {
  const child = spawn(process.execPath, [RELAY_JS, '--host', '127.0.0.1', '--port', '0', '--data', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      const m = /running at (ws:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`relay exited ${code}`)));
  });
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024;
  const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024;
  const stop = () =>
    new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return { url, rss, hwm, stop };
}

function client(url) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(url, ROOM, doc, { WebSocketPolyfill: WebSocket, disableBc: true });
  provider.awareness.setLocalState(null);
  const synced = new Promise((resolve) => provider.once('sync', resolve));
  return { doc, provider, synced, map: doc.getMap('entries') };
}

const until = async (check) => {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
};
const dirSize = () => readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);

const relay = await startRelay();
console.log(`relay idle: RSS ${mb(relay.rss())}`);

// Write: ENTRIES random (= incompressible, like ciphertext) values in batches of 100. Each session is its own Yjs client
// id (as each relay session of each device is); its changes reach the server through one connected writer.
let t = performance.now();
const perSession = Math.ceil(ENTRIES / SESSIONS);
const watcher = client(relay.url);
const writer = client(relay.url);
await Promise.all([watcher.synced, writer.synced]);
for (let s = 0; s < SESSIONS; s++) {
  const session = new Y.Doc();
  session.clientID = 1000 + s;
  const map = session.getMap('entries');
  const end = Math.min(ENTRIES, (s + 1) * perSession);
  for (let i = s * perSession; i < end; i += 100) {
    const before = Y.encodeStateVector(session);
    session.transact(() => {
      for (let j = i; j < Math.min(i + 100, end); j++) map.set(`d${s}.${j.toString(36)}`, crypto.getRandomValues(new Uint8Array(BYTES)));
    });
    Y.applyUpdate(writer.doc, Y.encodeStateAsUpdate(session, before));
    while (writer.provider.ws && writer.provider.ws.bufferedAmount > 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 10));
  }
  session.destroy();
}
await until(() => watcher.map.size >= ENTRIES);
writer.provider.destroy();
console.log(`write ${ENTRIES} entries × ${BYTES} B (${mb(ENTRIES * BYTES)}) from ${SESSIONS} client id(s), seen by another client: ${ms(t)}`);
console.log(`relay with the room loaded: RSS ${mb(relay.rss())}, peak ${mb(relay.hwm())}; data dir ${mb(dirSize())}`);

// A new device joining while the room is in memory.
t = performance.now();
const fresh = client(relay.url);
await fresh.synced;
await until(() => fresh.map.size >= ENTRIES);
console.log(`new client, room in memory: synced ${fresh.map.size} entries in ${ms(t)}; state ${mb(Y.encodeStateAsUpdate(fresh.doc).byteLength)}`);
fresh.provider.destroy();
watcher.provider.destroy();

// Opening every entry as a Fieldbook client would (AES-GCM, 256-bit key).
const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
const iv = new Uint8Array(12);
const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(BYTES));
t = performance.now();
for (let i = 0; i < ENTRIES; i++) await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed);
console.log(`client: AES-GCM open of ${ENTRIES} entries: ${ms(t)}`);

// Restart: the first device after a restart waits for y-leveldb to load the room.
await relay.stop();
console.log(`data dir after stop: ${mb(dirSize())}`);
const again = await startRelay();
t = performance.now();
const late = client(again.url);
await late.synced;
const syncedAt = performance.now() - t;
await until(() => late.map.size >= ENTRIES);
console.log(`after restart: first client synced in ${Math.round(syncedAt)} ms with ${late.map.size} entries (load from disk included); relay RSS ${mb(again.rss())}, peak ${mb(again.hwm())}`);
late.provider.destroy();
await again.stop();
console.log(`data dir after the reload (y-leveldb folds >500 stored updates on load): ${mb(dirSize())}`);
rmSync(dir, { recursive: true, force: true });
process.exit(0);
