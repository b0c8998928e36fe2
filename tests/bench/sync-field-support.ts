// Helpers for sync-field.bench.ts: load a demo into an open workspace, read stored counts, clocks and a read-model digest at field scale, and meter CPU per Chromium process.
/*
 * Page-level calls go through the bench hook (src/lib/state/bench-hooks.ts: `globalThis.__fieldbook`, attached because
 * tests/p2p/support.ts's init script, or the bench itself, sets the bench flag). Nothing here changes what the app does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { inject } from 'vitest';
import type { SyncProgress, SyncStats } from '$lib/core/sync/peer-session';

type Counter = { live: number; deleted: number };
type Peer = {
  id: string;
  device: number;
  state: string;
  syncedAt: number | null;
  progress: SyncProgress | null;
  stats: SyncStats | null;
};
/** The bench hook as seen from this file (tests/bench/app.bench.ts declares its own global type). */
export type SyncHooked = {
  __fieldbook: {
    session: {
      db: {
        name: string;
        rows(n: string): {
          toCollection(): { primaryKeys(): Promise<string[]> };
          bulkGet(ids: string[]): Promise<(Record<string, unknown> | undefined)[]>;
        };
        conflicts: { count(): Promise<number> };
      };
      ws: { device: number; close(): void };
      userId: string;
    };
    commands: () => Promise<Record<string, (...args: unknown[]) => Promise<unknown>>>;
    sync: () => Promise<{ syncStateFor(session: unknown): { peers: Peer[] } }>;
  };
};
export type { Peer };

/**
 * Runs the app's demo worker on the open workspace (as the app does for `?demo=…`, but on any workspace name, so a
 * second device can open the same workspace empty). Progress lines reach `onProgress` through the page console.
 */
export async function loadDemoInto(page: Page, scale: 'small' | 'field', onProgress: (done: number, total: number, phase: string) => void): Promise<{ ms: number; done: number }> {
  const dir = inject('e2eBuildDir');
  const file = readdirSync(join(dir, '_app/immutable/workers')).find((f) => f.startsWith('demo.worker-'));
  if (!file) throw new Error('the build has no demo worker');
  const listener = (m: { text(): string }) => {
    const hit = /^\[fieldbook:demo\] (\d+) (\d+) (.*)$/.exec(m.text());
    if (hit) onProgress(Number(hit[1]), Number(hit[2]), hit[3]);
  };
  page.on('console', listener);
  try {
    return await page.evaluate(
      async ({ url, scale }) => {
        const s = (globalThis as unknown as SyncHooked).__fieldbook.session;
        const result = await new Promise<{ ms: number; done: number }>((resolve, reject) => {
          const worker = new Worker(url, { type: 'module' });
          worker.onmessage = (e: MessageEvent) => {
            const m = e.data as { kind: string; ms?: number; done?: number; total?: number; phase?: string; message?: string };
            if (m.kind === 'progress') console.info(`[fieldbook:demo] ${m.done} ${m.total} ${m.phase}`);
            else if (m.kind === 'done') {
              worker.terminate();
              resolve({ ms: m.ms ?? 0, done: m.done ?? 0 });
            } else if (m.kind === 'error') reject(new Error(m.message));
          };
          worker.onerror = (e) => reject(new Error(e.message));
          worker.postMessage({ kind: 'load', dbName: s.db.name, device: s.ws.device, user: s.userId, scale, seed: 1 });
        });
        // The worker wrote with this device's id: the page's cached docs (none yet) must reload from storage.
        s.ws.close();
        return result;
      },
      { url: `/_app/immutable/workers/${file}`, scale }
    );
  } finally {
    page.off('console', listener);
  }
}

/** Records (live and deleted, from the read model's counters) and docs stored in a workspace: the page's own by default. */
export function storedCounts(page: Page, dbName?: string): Promise<{ records: number; docs: number }> {
  return page.evaluate(async (given) => {
    const name = given ?? (globalThis as unknown as SyncHooked).__fieldbook.session.db.name;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const req = <R>(r: IDBRequest<R>) =>
      new Promise<R>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    try {
      const tx = db.transaction(['meta', 'docs']);
      const [counters, docs] = await Promise.all([req(tx.objectStore('meta').getAll(IDBKeyRange.bound('count:', 'count:\uffff'))), req(tx.objectStore('docs').count())]);
      const records = (counters as { value: Counter }[]).reduce((n, c) => n + (c.value.live ?? 0) + (c.value.deleted ?? 0), 0);
      return { records, docs };
    } finally {
      db.close();
    }
  }, dbName);
}

/** Every doc's state vector (the manifest's per-doc clocks): equal on two devices once each has everything the other has. */
export function clocksOf(page: Page, dbName?: string): Promise<string> {
  return page.evaluate(async (given) => {
    const name = given ?? (globalThis as unknown as SyncHooked).__fieldbook.session.db.name;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    try {
      const rows = await new Promise<{ docId: string; sv: Uint8Array }[]>((resolve, reject) => {
        const r = db.transaction('docs').objectStore('docs').getAll();
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      return JSON.stringify(rows.map((r) => [r.docId, Array.from(r.sv)]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    } finally {
      db.close();
    }
  }, dbName);
}

/** The meeting's peers as this device sees them (state, progress, the session's stats). */
export function peersOf(page: Page): Promise<Peer[]> {
  return page.evaluate(async () => {
    const hook = (globalThis as unknown as SyncHooked).__fieldbook;
    const { syncStateFor } = await hook.sync();
    return JSON.parse(JSON.stringify(syncStateFor(hook.session).peers)) as Peer[];
  });
}

/**
 * A SHA-256 per read-model table, read in chunks of 5,000 rows so a 500,000-row table never sits in memory whole: each
 * chunk is hashed, and the table's digest is the hash of the chunk hashes. Same skip list as tests/p2p/support.ts
 * (per-device bookkeeping differs by design).
 */
export function readModelDigestChunked(page: Page, dbName?: string): Promise<Record<string, string>> {
  return page.evaluate(async (given) => {
    const name = given ?? (globalThis as unknown as SyncHooked).__fieldbook.session.db.name;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const skip = new Set(['updates', 'snapshots', 'docs', 'meta', 'history']);
    const stable = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(stable) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, stable((v as Record<string, unknown>)[k])])) : v;
    const req = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const out: Record<string, string> = {};
    for (const store of Array.from(db.objectStoreNames)) {
      if (skip.has(store)) continue;
      const hashes: Uint8Array[] = [];
      let after: IDBValidKey | null = null;
      let rows = 0;
      for (;;) {
        const tx = db.transaction(store);
        const range: IDBKeyRange | null = after === null ? null : IDBKeyRange.lowerBound(after, true);
        const [keys, values]: [IDBValidKey[], unknown[]] = await Promise.all([req(tx.objectStore(store).getAllKeys(range, 5000)), req(tx.objectStore(store).getAll(range, 5000))]);
        if (keys.length === 0) break;
        rows += keys.length;
        after = keys[keys.length - 1];
        const bytes = new TextEncoder().encode(JSON.stringify(values.map(stable)));
        hashes.push(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
      }
      if (rows === 0) continue;
      const all = new Uint8Array(hashes.length * 32);
      hashes.forEach((h, i) => all.set(h, i * 32));
      const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
      out[store] = `${rows} rows ${Array.from(hash.slice(0, 12), (b) => b.toString(16).padStart(2, '0')).join('')}`;
    }
    db.close();
    return out;
  }, dbName);
}

// ── CPU per Chromium process ────────────────────────────────────────────────────────────────────────────────────

const TICKS = 100; // USER_HZ on Linux

type ProcInfo = { pid: number; ppid: number; cpu: number; cmd: string[] };

function readProcs(): Map<number, ProcInfo> {
  const out = new Map<number, ProcInfo>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Chromium rewrites its children's title: their arguments come joined by spaces rather than NULs.
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split(/[\0 ]/);
      out.set(Number(entry), { pid: Number(entry), ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / TICKS, cmd });
    } catch {
      /* the process ended while we looked */
    }
  }
  return out;
}

/** What a Chromium process does, from its `--type=` flag (IndexedDB's backend shows under the browser process). */
function kindOf(p: ProcInfo): string {
  const type = p.cmd.find((a) => a.startsWith('--type='))?.slice(7);
  if (!type) return 'browser';
  if (type === 'utility') {
    const sub = p.cmd.find((a) => a.startsWith('--utility-sub-type='))?.slice(19) ?? '';
    return sub.includes('network') ? 'network' : sub.includes('storage') ? 'storage' : 'utility';
  }
  return type === 'renderer' ? 'renderer' : type === 'zygote' ? 'zygote' : type;
}

/**
 * CPU seconds used by the Chromium processes of one profile, by process kind, between `start()` and the last
 * `sample()`. Processes that start meanwhile count from zero; a process that ends keeps what it had at the last
 * sample, so sample just before closing a page.
 */
export class CpuMeter {
  readonly #profile: string;
  readonly #first = new Map<number, number>();
  readonly #last = new Map<number, { cpu: number; kind: string }>();
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(profile: string) {
    this.#profile = profile;
  }

  start(): this {
    for (const p of this.#tree()) this.#first.set(p.pid, p.cpu);
    this.sample();
    this.#timer = setInterval(() => this.sample(), 1000);
    return this;
  }

  sample(): void {
    for (const p of this.#tree()) this.#last.set(p.pid, { cpu: p.cpu, kind: kindOf(p) });
  }

  stop(): Record<string, number> {
    this.sample();
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const out: Record<string, number> = {};
    for (const [pid, { cpu, kind }] of this.#last) out[kind] = (out[kind] ?? 0) + cpu - (this.#first.get(pid) ?? 0);
    return out;
  }

  #tree(): ProcInfo[] {
    const procs = readProcs();
    const root = [...procs.values()].find((p) => p.cmd.includes(`--user-data-dir=${this.#profile}`) && !p.cmd.some((a) => a.startsWith('--type=')));
    if (!root) return [];
    const out = [root];
    for (let i = 0; i < out.length; i++) for (const p of procs.values()) if (p.ppid === out[i].pid) out.push(p);
    return out;
  }
}

/** "renderer 12.3 s, browser 4.5 s, …" largest first. */
export const formatCpu = (cpu: Record<string, number>): string =>
  Object.entries(cpu)
    .filter(([, s]) => s >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([k, s]) => `${k} ${s.toFixed(1)} s`)
    .join(', ');

/**
 * Main-thread busy time of a page (CDP Performance.TaskDuration, seconds) since this call: one CDP session stays
 * attached so the counter keeps running; `read()` after the page closed gives the last value read.
 */
export async function mainThreadBusy(page: Page): Promise<{ read(): Promise<number>; stop(): Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const now = async () => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
  };
  const base = await now();
  let last = 0;
  return {
    read: async () => (last = (await now().catch(() => base + last)) - base),
    stop: () => cdp.detach().catch(() => undefined)
  };
}
