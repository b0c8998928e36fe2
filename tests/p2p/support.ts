// Helpers for the peer-to-peer tests: the signaling server in the namespace, devices (separate Chromium profiles), the Sync screen, IndexedDB dumps, WebRTC stats.
/*
 * Every device is its own Chromium process with its own profile (separate IndexedDB, device id, Web Lock), so nothing
 * but WebRTC connects them (no BroadcastChannel between tabs of one profile). An init script records each
 * RTCPeerConnection and RTCDataChannel the app makes (`window.__webrtc`) for getStats, and sets the bench flag so the
 * app attaches `globalThis.__fieldbook` (src/lib/state/bench-hooks.ts: session, commands) for page-level calls.
 *
 * Page-level calls the tests make instead of UI steps (everything else goes through the screens):
 * - creating the base records of a test in bulk (`createRecords` through `__fieldbook.commands()`);
 * - filling a workspace with the small demo by running the app's own demo worker on it (`loadSmallDemo`);
 * - reading IndexedDB to compare the read models of devices (`readModelOf`, `readModelDigest`);
 * - the hostile device's tampering (meeting.p2p.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { inject } from 'vitest';
import { freshApp, launchBrowser, tempProfileDir, trackErrors } from '../support/harness';

export const NETNS_ADDRESS = '10.77.0.1';
export const PASSWORD = 'himal team 2026';
const SIGNAL_JS = fileURLToPath(new URL('../../scripts/signal.js', import.meta.url));

/** Records the app's WebRTC objects and switches on the page-level hook; runs before any app script. */
const INIT_SCRIPT = `(() => {
  try { localStorage.setItem('fieldbook:bench', '1'); } catch {}
  const Original = window.RTCPeerConnection;
  if (!Original || window.__webrtc) return;
  const record = { pcs: [], channels: [] };
  window.__webrtc = record;
  const createDataChannel = Original.prototype.createDataChannel;
  Original.prototype.createDataChannel = function (...args) {
    const dc = createDataChannel.apply(this, args);
    record.channels.push(dc);
    return dc;
  };
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      record.pcs.push(this);
    }
  };
})();`;

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

export type Signal = { url: string; stop: () => Promise<void> };

/** Starts scripts/signal.js bound to the namespace's address on a free port (as `node`, so stop ends the real server). */
export async function startSignal(): Promise<Signal> {
  const child = spawn(process.execPath, [SIGNAL_JS, '--host', NETNS_ADDRESS, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`signal.js did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /running at (ws:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`signal.js exited with ${code}:\n${output}`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      children.delete(child);
    }
  };
}

export type Device = { name: string; context: BrowserContext; page: Page; profile: string; errors: string[] };

/** A device: its own Chromium process and profile, the app open at `path` (e.g. 'sync?workspace=team'). */
export async function openDevice(name: string, serverUrl: string, path: string, profile = tempProfileDir()): Promise<Device> {
  const context = await launchBrowser({ userDataDir: profile });
  await context.addInitScript(INIT_SCRIPT);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = trackErrors(page);
  await freshApp(page, serverUrl, path);
  return { name, context, page, profile, errors };
}

/** Opens another page of a device (after its page was closed), tracking errors again. */
export async function reopen(device: Device, serverUrl: string, path: string): Promise<void> {
  device.page = await device.context.newPage();
  device.errors = trackErrors(device.page);
  await freshApp(device.page, serverUrl, path);
}

/** Errors that are about the test environment (no service worker on the plain build server), not the app. */
export const appErrors = (errors: string[]) => errors.filter((e) => !/service ?worker|sw\.js|404|favicon/i.test(e));

// ── the Sync screen, used as a person would ─────────────────────────────────────────────────────────────────────

/** Goes to the Sync screen the way a user does (the nav link: no reload, a running meeting stays up). */
export async function openSyncScreen(page: Page): Promise<void> {
  if (!new URL(page.url()).pathname.startsWith('/sync')) await page.getByRole('link', { name: 'Sync', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Sync' }).waitFor();
}

export async function savePassword(page: Page, password = PASSWORD): Promise<void> {
  await openSyncScreen(page);
  const card = page.getByTestId('sync-password');
  const field = card.getByLabel('Team sync password');
  if ((await field.count()) === 0) await card.getByRole('button', { name: 'Change password' }).click();
  await card.getByLabel('Team sync password').fill(password);
  await card.getByRole('button', { name: 'Save password' }).click();
  await card.getByText('The team password is saved on this device').waitFor({ timeout: 30_000 });
}

/** Starts a meeting; returns its room code as shown ("K7P-2QX"). */
export async function startMeeting(page: Page, signalUrl: string): Promise<string> {
  await openSyncScreen(page);
  await page.getByRole('textbox', { name: 'Signaling server' }).fill(signalUrl);
  await page.getByRole('button', { name: 'Start a meeting' }).click();
  const code = page.getByTestId('room-code');
  await code.waitFor({ timeout: 30_000 });
  return (await code.textContent())?.trim() ?? '';
}

export async function joinMeeting(page: Page, signalUrl: string, code: string): Promise<void> {
  await openSyncScreen(page);
  await page.getByRole('textbox', { name: 'Signaling server' }).fill(signalUrl);
  // By keyboard: Enter in the code field joins (startMeeting taps its button).
  await page.getByRole('textbox', { name: 'Room code' }).fill(code);
  await page.getByRole('textbox', { name: 'Room code' }).press('Enter');
  await page.locator('[data-testid=sync-meeting][data-status=in-room]').waitFor({ timeout: 30_000 });
}

/** Waits until the device is in sync with exactly `n` devices and nothing is catching up. */
export async function waitInSync(page: Page, n: number, timeout = 120_000): Promise<void> {
  await openSyncScreen(page);
  try {
    await page.locator(`[data-testid=sync-meeting][data-live-peers="${n}"][data-catching-up=false]`).waitFor({ timeout });
  } catch (error) {
    // Say what the screen showed instead: the peers' states and problems, in the app's own words.
    const seen = await page
      .evaluate(() => {
        const card = document.querySelector<HTMLElement>('[data-testid=sync-meeting]');
        if (!card) return `no Sync screen at ${location.pathname}`;
        const attrs = ['status', 'livePeers', 'catchingUp'].map((k) => `${k}=${card.dataset[k]}`).join(' ');
        const peers = [...card.querySelectorAll<HTMLElement>('[data-testid=sync-peers] li')].map((li) => `${li.dataset.device}:${li.dataset.state}`).join(', ');
        return `${attrs}; peers ${peers}\n${card.innerText.replace(/\n+/g, ' | ')}`;
      })
      .catch((e: Error) => `(could not read the page: ${e.message})`);
    throw new Error(`not in sync with ${n} devices after ${timeout} ms; the Sync screen shows: ${seen}`, { cause: error });
  }
}

export async function leaveMeeting(page: Page): Promise<void> {
  await openSyncScreen(page);
  await page.getByRole('button', { name: 'Leave meeting' }).click();
  await page.locator('[data-testid=sync-meeting][data-status=idle]').waitFor({ timeout: 30_000 });
}

// ── records, through the screens ────────────────────────────────────────────────────────────────────────────────

/** Opens a contact page by id (a reload: only while not in a meeting). */
export async function openContact(device: Device, serverUrl: string, id: string): Promise<void> {
  await freshApp(device.page, serverUrl, `contacts/${id}`);
  await device.page.getByRole('button', { name: 'Save', exact: true }).waitFor();
}

/** Changes one text field of the open contact and saves. */
export async function editContactField(page: Page, label: string, value: string): Promise<void> {
  await page.getByRole('textbox', { name: label, exact: true }).fill(value);
  const save = page.getByRole('button', { name: 'Save', exact: true });
  await save.click();
  await page.waitForFunction(() => !document.body.innerText.includes('Unsaved changes'), undefined, { timeout: 30_000 });
}

export async function deleteOpenContact(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).waitFor({ state: 'detached', timeout: 30_000 });
}

export async function createContactViaForm(device: Device, serverUrl: string, first: string, last: string): Promise<void> {
  await freshApp(device.page, serverUrl, 'contacts/new');
  await device.page.getByRole('textbox', { name: 'First name' }).fill(first);
  await device.page.getByRole('textbox', { name: 'Last name' }).fill(last);
  await device.page.getByRole('button', { name: 'Create contact' }).click();
  await device.page.getByRole('heading', { level: 1, name: `${first} ${last}` }).waitFor();
}

// ── page-level calls (documented at the top) ────────────────────────────────────────────────────────────────────

type PageHook = {
  session: { db: { name: string; rows(n: string): { toArray(): Promise<Record<string, unknown>[]> } }; ws: { device: number; close(): void }; userId: string };
  commands: () => Promise<Record<string, (...args: unknown[]) => Promise<unknown>>>;
};
/*
 * tests/bench/app.bench.ts declares its own global `__fieldbook` type (one program for svelte-check), so page code here
 * reads the handle through `(globalThis as unknown as Hooked).__fieldbook`, typed with this file's fuller view.
 */
export type Hooked = { __fieldbook: PageHook };
declare global {
  // eslint-disable-next-line no-var -- recorded by INIT_SCRIPT
  var __webrtc: { pcs: RTCPeerConnection[]; channels: RTCDataChannel[] };
}

/** Creates contacts in bulk through the app's command (one Yjs transaction per doc); returns their ids by "First Last". */
export async function createContacts(page: Page, people: { firstName: string; lastName: string; title?: string }[]): Promise<Record<string, string>> {
  return page.evaluate(async (list) => {
    const commands = await (globalThis as unknown as Hooked).__fieldbook.commands();
    const result = (await commands.createRecords((globalThis as unknown as Hooked).__fieldbook.session.ws, 'contact', list)) as {
      created: { id: string; firstName: string; lastName: string }[];
      rejected: unknown[];
    };
    if (result.rejected.length > 0) throw new Error(`contacts refused: ${JSON.stringify(result.rejected)}`);
    return Object.fromEntries(result.created.map((r) => [`${r.firstName} ${r.lastName}`, r.id]));
  }, people);
}

/** Runs the app's demo worker on the open workspace (as the app does for ?demo=small), so any workspace name can hold the demo. */
export async function loadSmallDemo(page: Page): Promise<{ ms: number; done: number }> {
  const dir = inject('e2eBuildDir');
  const file = readdirSync(join(dir, '_app/immutable/workers')).find((f) => f.startsWith('demo.worker-'));
  if (!file) throw new Error('the build has no demo worker');
  return page.evaluate(async (url) => {
    const s = (globalThis as unknown as Hooked).__fieldbook.session;
    const result = await new Promise<{ ms: number; done: number }>((resolve, reject) => {
      const worker = new Worker(url, { type: 'module' });
      worker.onmessage = (e: MessageEvent) => {
        const m = e.data as { kind: string; ms?: number; done?: number; message?: string };
        if (m.kind === 'done') {
          worker.terminate();
          resolve({ ms: m.ms ?? 0, done: m.done ?? 0 });
        } else if (m.kind === 'error') reject(new Error(m.message));
      };
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage({ kind: 'load', dbName: s.db.name, device: s.ws.device, user: s.userId, scale: 'small', seed: 1 });
    });
    s.ws.close();
    return result;
  }, `/_app/immutable/workers/${file}`);
}

/** The read model as stored in IndexedDB: every record table and the conflicts, rows sorted by key. */
export async function readModelOf(page: Page): Promise<Record<string, unknown[]>> {
  return page.evaluate(dumpScript, { digest: false }) as Promise<Record<string, unknown[]>>;
}

/** A SHA-256 per table of the read model (for workspaces too large to ship to the test), plus row counts. */
export async function readModelDigest(page: Page): Promise<Record<string, string>> {
  return page.evaluate(dumpScript, { digest: true }) as Promise<Record<string, string>>;
}

async function dumpScript({ digest }: { digest: boolean }): Promise<Record<string, unknown>> {
  const name = (globalThis as unknown as Hooked).__fieldbook.session.db.name;
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(name);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  // Per-device bookkeeping differs by design (the Yjs log, the history of arrivals, counters): only the read model is compared.
  const skip = new Set(['updates', 'snapshots', 'docs', 'meta', 'history']);
  const out: Record<string, unknown> = {};
  const stable = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(stable) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, stable((v as Record<string, unknown>)[k])])) : v;
  for (const store of Array.from(db.objectStoreNames)) {
    if (skip.has(store)) continue;
    const rows = await new Promise<unknown[]>((resolve, reject) => {
      const r = db.transaction(store).objectStore(store).getAll();
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    if (rows.length === 0) continue;
    if (!digest) out[store] = rows.map(stable);
    else {
      const bytes = new TextEncoder().encode(JSON.stringify(rows.map(stable)));
      const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      out[store] = `${rows.length} rows ${Array.from(hash.slice(0, 12), (b) => b.toString(16).padStart(2, '0')).join('')}`;
    }
  }
  db.close();
  return out;
}

/** Contacts of the read model by first name (for assertions on single records). */
export async function contactsByName(page: Page): Promise<Map<string, Record<string, unknown>>> {
  const rows = (await readModelOf(page)).contacts as Record<string, unknown>[] | undefined;
  return new Map((rows ?? []).map((r) => [`${r.firstName} ${r.lastName}`, r]));
}

export type LinkStats = { syncBytesSent: number; syncBytesReceived: number; succeededPairs: number; openSyncChannels: number; connections: number };

/** What the app's RTCPeerConnections report: bytes on the sync data channels and succeeded candidate pairs. */
export async function webrtcStats(page: Page): Promise<LinkStats> {
  return page.evaluate(async () => {
    const out = { syncBytesSent: 0, syncBytesReceived: 0, succeededPairs: 0, openSyncChannels: 0, connections: 0 };
    const rec = globalThis.__webrtc;
    if (!rec) return out;
    out.connections = rec.pcs.length;
    out.openSyncChannels = rec.channels.filter((c) => c.label === 'fieldbook-sync' && c.readyState === 'open').length;
    for (const pc of rec.pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((s: { type: string; label?: string; bytesSent?: number; bytesReceived?: number; state?: string; nominated?: boolean }) => {
        if (s.type === 'data-channel' && s.label === 'fieldbook-sync') {
          out.syncBytesSent += s.bytesSent ?? 0;
          out.syncBytesReceived += s.bytesReceived ?? 0;
        }
        if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) out.succeededPairs++;
      });
    }
    return out;
  });
}

/** Visible buttons and fields in `scope` smaller than a 44×44 CSS px touch target. */
export async function smallTargets(page: Page, scope = 'main'): Promise<string[]> {
  return page.evaluate((selector) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(`${selector} button, ${selector} .button, ${selector} select, ${selector} input:not([type=checkbox]), ${selector} textarea`)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.height < 43.5 || r.width < 43.5) out.push(`${el.tagName} "${el.textContent?.trim() || el.getAttribute('aria-label')}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  }, scope);
}

/** Polls a condition in Node (the tests never sleep a fixed time). */
export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeout = 60_000, what = 'a condition'): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T | undefined;
  for (;;) {
    last = await fn();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
