// Runs y-webrtc's own signaling server (node_modules/y-webrtc/bin/server.js) bound where you say, and prints the address to enter in Fieldbook.
// Usage: npm run signal -- [--host 0.0.0.0] [--port 4444]        (--port 0 picks a free port)
/*
 * The signaling server only introduces devices to each other: it relays `publish` messages to the sockets
 * `subscribe`d to a topic. Fieldbook's topics are hashes and its messages are sealed with the team key, so the server
 * sees neither records nor the password (src/lib/core/sync/mesh.ts). After the introduction the devices
 * talk directly over WebRTC; the server can be stopped and running meetings go on.
 *
 * y-webrtc's server.js starts itself when imported and listens on every interface (`server.listen(port)`), with no
 * way to choose the address. This wrapper runs that very file unchanged and only makes its one `listen` call bind to
 * --host/--port, then prints the ws:// addresses a tablet on the LAN can use.
 */
import http from 'node:http';
import { networkInterfaces } from 'node:os';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`Usage: npm run signal -- [--host 0.0.0.0] [--port 4444]

Starts the signaling server devices use to find each other in a meeting. Run it on one laptop in the room
(on the same Wi-Fi as the tablets) and enter the address it prints under Fieldbook > Sync > Signaling server.
--host 0.0.0.0 listens on every network of this computer; give one address (e.g. 192.168.1.20) to listen only there.
--port 0 picks a free port.`);
  process.exit(0);
}

const host = option('host', '0.0.0.0');
const port = Number(option('port', '4444'));
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a number between 0 and 65535, not "${option('port', '')}"`);
  process.exit(2);
}

/** The addresses other devices can reach this server at. */
function addresses(boundHost, boundPort) {
  if (boundHost !== '0.0.0.0' && boundHost !== '::') return [`ws://${boundHost.includes(':') ? `[${boundHost}]` : boundHost}:${boundPort}`];
  const out = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && !a.internal) out.push(`ws://${a.address}:${boundPort}`);
    }
  }
  return out.length > 0 ? out : [`ws://127.0.0.1:${boundPort} (no network found: only this computer can connect)`];
}

// server.js calls `server.listen(port)` exactly once while it loads: bind that call to our address, then restore.
const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function listenOnChosenAddress() {
  http.Server.prototype.listen = listen;
  this.once('error', (error) => {
    console.error(error.code === 'EADDRINUSE' ? `Port ${port} on ${host} is already in use: pick another with --port.` : `The signaling server could not start: ${error.message}`);
    process.exit(1);
  });
  this.once('listening', () => {
    const bound = this.address();
    const urls = addresses(host, bound.port);
    console.log(`Fieldbook signaling server (y-webrtc) running at ${urls[0]}`);
    if (urls.length > 1) for (const url of urls.slice(1)) console.log(`  also reachable at ${url}`);
    console.log('Enter one of these addresses under Fieldbook > Sync > Signaling server on every device in the room.');
    console.log('It only introduces devices to each other and sees nothing but encrypted messages. Stop it with Ctrl+C.');
  });
  return listen.call(this, { port, host });
};

// y-webrtc prints "Signaling server running on localhost: <port>", which is not what to enter: keep it quiet.
const log = console.log;
console.log = (...args) => {
  if (typeof args[0] === 'string' && args[0].startsWith('Signaling server running on')) return;
  log(...args);
};
// The package's exports map does not list bin/server.js: find it beside the package's entry point.
await import(new URL('../bin/server.js', import.meta.resolve('y-webrtc')).href);
console.log = log;

for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0));
