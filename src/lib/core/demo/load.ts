// Writes the demo workspace batch by batch through the normal write path, recording progress so a reload resumes where it stopped.
import { createRecords } from '../commands/records';
import { collections, type CollectionName } from '../model/registry';
import type { Workspace } from '../sync/workspace';
import { demoBatch, demoBatchCount, demoTotals, type DemoInput } from './generate';
import { demoMetaKey, demoVersion, readDemoMeta, type DemoMeta, type DemoScale } from './meta';

export { demoMetaKey, demoState, demoVersion, readDemoMeta, type DemoMeta, type DemoScale, type DemoState } from './meta';

/** `phase` is the plural label of the record type being written ("Contacts"), for a progress line. */
export type DemoProgress = { done: number; total: number; phase: string; collection: CollectionName };
export type DemoLoadOptions = {
  seed?: number;
  onProgress?: (p: DemoProgress) => void;
  /** Checked between batches: an aborted load stops after the batch in flight, and a later call resumes it. */
  signal?: AbortSignal;
};
export type DemoLoadResult = {
  done: number;
  total: number;
  /** Records written by this call (a resumed or finished load writes fewer than `total`). */
  written: number;
  /** Time this call spent, and its write rate. */
  ms: number;
  rowsPerSecond: number;
  resumedFrom: number;
};

/**
 * Loads (or resumes loading) the demo workspace. Records carry fixed ids, and a batch skips ids already in the read
 * model when it may hold some: the first batch of a run (the only one a closed page can have left half written,
 * since batches are written in order) and the small reference lists the app may have seeded itself (the default
 * stages). So nothing is duplicated and the counters stay right. Other batches skip the check: in Chromium a
 * `bulkGet` costs ~8 % of writing the same records.
 */
export async function loadDemo(ws: Workspace, scale: DemoScale, o: DemoLoadOptions = {}): Promise<DemoLoadResult> {
  const seed = o.seed ?? 1;
  const total = demoTotals(scale).total;
  const batches = demoBatchCount(scale);
  const before = await readDemoMeta(ws.db);
  if (before && (before.scale !== scale || before.seed !== seed)) {
    throw new Error(`This workspace already holds the ${before.scale} demo (seed ${before.seed}); open a new workspace for the ${scale} demo.`);
  }
  if (before?.complete && before.version === demoVersion) {
    o.onProgress?.({ done: total, total, phase: 'Done', collection: 'interaction' });
    return { done: total, total, written: 0, ms: 0, rowsPerSecond: 0, resumedFrom: batches };
  }
  const sameVersion = before?.version === demoVersion;
  // A partial load from another version restarts from batch 0, skipping whatever ids are already there.
  const checkEvery = before !== undefined && !sameVersion;
  const first = sameVersion ? before.nextBatch : 0;
  let meta: DemoMeta = {
    scale,
    seed,
    version: demoVersion,
    nextBatch: first,
    batches,
    done: sameVersion ? before.done : 0,
    total,
    complete: false,
    startedAt: before?.startedAt ?? new Date().toISOString(),
    ms: before?.ms ?? 0
  };
  await ws.db.setMeta(demoMetaKey, meta);
  const started = performance.now();
  let written = 0;
  // One batch in flight: while IndexedDB (another process in Chromium) stores batch i, this thread generates and
  // validates batch i + 1, whose doc writes queue behind batch i's in the workspace. Progress is recorded only once
  // a batch is stored, so after a crash the in-flight batch is the first of the next run (and is checked for ids).
  let inflight: { index: number; size: number; collection: CollectionName; done: Promise<number> } | null = null;
  let mark = started;
  const settle = async () => {
    if (!inflight) return;
    const b = inflight;
    inflight = null;
    written += await b.done;
    const now = performance.now();
    meta = { ...meta, nextBatch: b.index + 1, done: meta.done + b.size, complete: b.index + 1 === batches, ms: meta.ms + (now - mark) };
    mark = now;
    await ws.db.setMeta(demoMetaKey, meta);
    o.onProgress?.({ done: meta.done, total, phase: collections[b.collection].labelPlural, collection: b.collection });
  };
  try {
    for (let i = first; i < batches; i++) {
      o.signal?.throwIfAborted();
      const batch = demoBatch(scale, seed, i);
      const mayExist = i === first || checkEvery || batch.records.length <= smallList;
      const records = mayExist ? await withoutExisting(ws, batch.collection, batch.records) : batch.records;
      const done = records.length > 0 ? write(ws, batch.collection, records, i).then(() => records.length) : Promise.resolve(0);
      // Handled when settled; this only keeps an early failure from being reported as unhandled meanwhile.
      done.catch(() => undefined);
      await settle();
      inflight = { index: i, size: batch.records.length, collection: batch.collection, done };
    }
    await settle();
  } catch (e) {
    // Never return while a batch is still being written (a caller may close the database next); an abort still
    // records the batch that was in flight, a failure does not.
    if (o.signal?.aborted) await settle().catch(() => undefined);
    else await inflight?.done.catch(() => undefined);
    throw e;
  }
  const ms = performance.now() - started;
  return { done: meta.done, total, written, ms, rowsPerSecond: ms > 0 ? Math.round((written * 1000) / ms) : 0, resumedFrom: first };
}

/** Batches this small are reference lists (team, stages, products…) that the app may have seeded itself. */
const smallList = 100;

async function withoutExisting<N extends CollectionName>(ws: Workspace, collection: N, records: DemoInput<N>[]): Promise<DemoInput<N>[]> {
  const found = await ws.db.rows(collection).bulkGet(records.map((r) => r.id));
  return records.filter((_, i) => found[i] === undefined);
}

async function write<N extends CollectionName>(ws: Workspace, collection: N, records: DemoInput<N>[], index: number): Promise<void> {
  const { rejected } = await createRecords(ws, collection, records);
  // A rejected demo record is a bug in the generator, never the user's doing: fail loudly rather than load a partial story.
  if (rejected.length > 0) {
    const { index: at, issues } = rejected[0];
    throw new Error(`Demo batch ${index} (${collection}): ${rejected.length} records rejected; record ${records[at].id}: ${issues.map((x) => `${x.path} ${x.message}`).join('; ')}`);
  }
}
