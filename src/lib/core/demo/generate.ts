// The demo workspace of "Himal Electronics": every record made on demand from (scale, seed, index), batch by batch.
/**
 * The story analytics can find in it:
 * - sales peak 2–3× in the Dashain/Tihar season (late September to mid November) and grow over two years;
 * - high-end phone buyers take a case and earbuds in the same basket or come back for them within weeks;
 * - a group of customers writes on social media as well as by e-mail and phone;
 * - one budget phone (Volta P20) draws far more complaints and returns than anything else from February 2026;
 * - customers are acquired over time and many quietly stop buying (recency, frequency and churn make sense);
 * - deals are won more often from referrals and key accounts, less often from campaigns and big tickets.
 *
 * A record depends only on (seed, collection, index) and the plan in world.ts (records.ts makes them), so any batch can be rebuilt alone:
 * that is what lets a load resume after a reload, and keeps memory flat (a batch at a time, never 500k records).
 */
import type { CollectionName } from '../model/registry';
import { bucketsOf, generatorOf, type DemoInput } from './records';
import { demoSizes, worldOf, type DemoScale } from './world';

export type { DemoScale } from './world';
export { referenceDate, referenceMs, festivals, isFestivalDay } from './world';

export type { DemoInput } from './records';
export { demoId } from './ids';
export type DemoBatch = { [N in CollectionName]: { index: number; collection: N; records: DemoInput<N>[] } }[CollectionName];
/** Record count per collection and in all. */
export type DemoTotals = Record<CollectionName, number> & { total: number };

/** Collections in load order: what others point at comes first; interactions (the bulk) last. */
export const loadOrder: readonly CollectionName[] = [
  'user', 'stage', 'product', 'article', 'campaign', 'account', 'partner', 'contact', 'opportunity', 'order', 'ticket', 'task', 'interaction'
];

/**
 * Records per batch. Each batch is one `createRecords` call (one Yjs transaction and one Dexie transaction per doc
 * it touches); ~2k records keep progress moving and memory flat while amortising the per-transaction cost.
 */
export const batchSizes: Partial<Record<CollectionName, number>> = { order: 1_500, interaction: 2_500 };
const defaultBatchSize = 2_000;
const batchSizeOf = (c: CollectionName): number => batchSizes[c] ?? defaultBatchSize;

export function demoTotals(scale: DemoScale): DemoTotals {
  const sizes = demoSizes(scale);
  let total = 0;
  for (const c of loadOrder) total += sizes[c];
  return { ...sizes, total };
}

type Segment = { collection: CollectionName; firstBatch: number; batches: number; count: number };

function segmentsOf(scale: DemoScale): Segment[] {
  const sizes = demoSizes(scale);
  const out: Segment[] = [];
  let first = 0;
  for (const c of loadOrder) {
    const batches = Math.ceil(sizes[c] / batchSizeOf(c));
    out.push({ collection: c, firstBatch: first, batches, count: sizes[c] });
    first += batches;
  }
  return out;
}

export const demoBatchCount = (scale: DemoScale): number => segmentsOf(scale).reduce((n, s) => n + s.batches, 0);

/** The collection and record range (in load order within the collection) of batch `index`. */
export function demoBatchRange(scale: DemoScale, index: number): { collection: CollectionName; from: number; to: number } {
  for (const s of segmentsOf(scale)) {
    if (index < s.firstBatch + s.batches) {
      const from = (index - s.firstBatch) * batchSizeOf(s.collection);
      return { collection: s.collection, from, to: Math.min(s.count, from + batchSizeOf(s.collection)) };
    }
  }
  throw new RangeError(`demo batch ${index} does not exist (the ${scale} demo has ${demoBatchCount(scale)})`);
}

/** Batch `index` on its own: the same records whether or not batches before it were made. */
export function demoBatch(scale: DemoScale, seed: number, index: number): DemoBatch {
  const { collection, from, to } = demoBatchRange(scale, index);
  const g = generatorOf(worldOf(scale, seed));
  const records: DemoInput<CollectionName>[] = [];
  const buckets = bucketsOf(collection);
  const sizes = g.w.sizes[collection];
  for (let p = from; p < to; p++) records.push(g.make(collection, buckets > 1 ? bucketMajor(p, sizes, buckets) : p));
  return { index, collection, records } as DemoBatch;
}

/** Every batch from `from` on, lazily: at most one batch of records is alive at a time. */
export function* demoBatches(scale: DemoScale, seed = 1, from = 0): Generator<DemoBatch> {
  const count = demoBatchCount(scale);
  for (let i = from; i < count; i++) yield demoBatch(scale, seed, i);
}

export type DemoPlan = {
  scale: DemoScale;
  seed: number;
  totals: DemoTotals;
  batchCount: number;
  batch: (index: number) => DemoBatch;
  batches: (from?: number) => Generator<DemoBatch>;
};

/** The lazy, deterministic plan of the demo workspace: nothing is generated until a batch is asked for. */
export function generateDemo(scale: DemoScale, seed = 1): DemoPlan {
  return {
    scale,
    seed,
    totals: demoTotals(scale),
    batchCount: demoBatchCount(scale),
    batch: (index) => demoBatch(scale, seed, index),
    batches: (from = 0) => demoBatches(scale, seed, from)
  };
}

/**
 * Bucketed records are loaded bucket by bucket (record n lives in bucket n mod B, see `demoId`), so one batch
 * touches one or two bucket docs instead of all 32: far fewer Yjs updates and store steps.
 */
function bucketMajor(position: number, count: number, buckets: number): number {
  const base = Math.floor(count / buckets);
  const extra = count % buckets;
  let start = 0;
  for (let b = 0; b < buckets; b++) {
    const size = base + (b < extra ? 1 : 0);
    if (position < start + size) return b + buckets * (position - start);
    start += size;
  }
  throw new RangeError(`position ${position} is beyond ${count}`);
}
