// Bench page (tests/bench/demo-load.bench.ts): writes field-scale demo batches through the app's write path in Chromium.
import Dexie from 'dexie';
import { createRecords, updateRecord } from '$lib/core/commands/records';
import { demoBatch, demoBatchCount, demoBatchRange, type DemoBatch } from '$lib/core/demo/generate';
import type { CollectionName } from '$lib/core/model/registry';
import { FieldbookDb } from '$lib/core/storage/db';
import { Workspace } from '$lib/core/sync/workspace';

export type RunOptions = { dbName: string; collection: CollectionName; count: number };
/** Milliseconds each batch took to store, with the records written so far. */
export type RunResult = { written: number; ms: number; batches: { done: number; ms: number }[] };
export type CeilingResult = { written: number; ms: number };

/**
 * Writes the first `count` records of one collection of the field-scale demo (its batches in load order) into a
 * workspace of its own, as the demo worker does: createRecords per batch, the next batch generated while one is stored.
 */
async function run(o: RunOptions): Promise<RunResult> {
  const db = new FieldbookDb(o.dbName);
  // The demo worker's settings: batches go bucket by bucket and month by month, so a few docs in memory suffice.
  const ws = new Workspace({ db, device: 7, user: () => 'bench', cacheSize: 3 });
  // The collection's batches, in load order, up to `count` records.
  const indexes: number[] = [];
  for (let i = 0, covered = 0, last = demoBatchCount('field'); i < last && covered < o.count; i++) {
    const r = demoBatchRange('field', i);
    if (r.collection !== o.collection) continue;
    indexes.push(i);
    covered += r.to - r.from;
  }
  const batches: RunResult['batches'] = [];
  let written = 0;
  const started = performance.now();
  const store = async (b: DemoBatch) => {
    const t0 = performance.now();
    const { rejected } = await createRecords(ws, b.collection, b.records as never);
    if (rejected.length > 0) throw new Error(`batch ${b.index}: ${rejected.length} records rejected`);
    written += b.records.length;
    batches.push({ done: written, ms: performance.now() - t0 });
  };
  try {
    let inflight: Promise<void> = Promise.resolve();
    for (const i of indexes) {
      const b = demoBatch('field', 1, i);
      await inflight;
      inflight = store(b);
    }
    await inflight;
  } finally {
    ws.close();
    db.close();
  }
  return { written, ms: performance.now() - started, batches };
}

/**
 * IndexedDB alone: the first `count` contact rows of `fromDb` put again, in 2,000-row transactions, into a fresh table
 * declared with `spec`. No Yjs, no schema, no projection: the ceiling any write path with those indexes can reach.
 */
async function ceiling(o: { fromDb: string; count: number; spec: string }): Promise<CeilingResult> {
  const from = new FieldbookDb(o.fromDb);
  const rows = await from.rows('contact').limit(o.count).toArray();
  from.close();
  const db = new Dexie(`ceiling-${Date.now()}-${Math.random()}`);
  db.version(1).stores({ rows: o.spec });
  await db.open();
  const t0 = performance.now();
  try {
    for (let i = 0; i < rows.length; i += 2000) await db.transaction('rw', db.table('rows'), () => db.table('rows').bulkPut(rows.slice(i, i + 2000)));
    return { written: rows.length, ms: performance.now() - t0 };
  } finally {
    db.close();
    await Dexie.delete(db.name);
  }
}

/**
 * One edit with the contact's bucket doc loaded from IndexedDB first, `times` times (the doc is dropped from memory
 * before each): what the first edit of a contact costs after the app starts, on buckets the size of the field demo's.
 */
async function coldEdits(o: { dbName: string; times: number }): Promise<number[]> {
  const db = new FieldbookDb(o.dbName);
  const ws = new Workspace({ db, device: 7, user: () => 'bench' });
  try {
    const contact = await db.rows('contact').limit(1).first();
    if (!contact) throw new Error('no contacts to edit');
    const out: number[] = [];
    for (let i = 0; i < o.times; i++) {
      ws.close();
      const t0 = performance.now();
      await updateRecord(ws, 'contact', contact.id as string, { title: `Cold edit ${i}` });
      out.push(performance.now() - t0);
    }
    return out;
  } finally {
    ws.close();
    db.close();
  }
}

(globalThis as unknown as { demoLoadBench: { run: typeof run; ceiling: typeof ceiling; coldEdits: typeof coldEdits } }).demoLoadBench = { run, ceiling, coldEdits };
