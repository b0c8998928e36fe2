// Gives rows stored before pair terms existed their pair terms, a chunk at a time in the background, so two-word search can use them.
/**
 * Pair terms (model/base.ts pairTerms) are written with every row from the version that added them. A workspace stored
 * before has none: its rows get them here rather than in a schema upgrade, which would hold the workspace closed while
 * it rewrote them (69 s for the ~80,000 named rows of the field-scale demo on a 2-core machine). Until a type is done,
 * global search does not use its pair terms (`pairedTypes`), so no record is missed meanwhile, only found more slowly.
 *
 * Each chunk is read and written in one transaction, so an edit or a synced change to the same rows cannot be lost
 * between the read and the write; the last id done is kept, so a closed tab resumes where it stopped.
 */
import { searchTerms, type Collection } from '../model/base';
import { collections, type CollectionName } from '../model/registry';
import type { FieldbookDb } from './db';
import { pairedCollections, pairsKey } from './pair-keys';

/** The types global search may use pair terms for: every row of them has its own. */
export async function pairedTypes(db: FieldbookDb): Promise<Set<CollectionName>> {
  const rows = await db.meta.bulkGet(pairedCollections.map(pairsKey));
  return new Set(pairedCollections.filter((_, i) => rows[i]?.value === true));
}

export type BackfillProgress = { collection: CollectionName; rows: number };

/**
 * Writes the missing pair terms of every paired type, `chunk` rows per transaction, pausing between chunks. Returns
 * how many rows were rewritten. Safe to run again or concurrently with edits; stops between chunks when `signal` aborts.
 */
export async function backfillPairTerms(
  db: FieldbookDb,
  o: { chunk?: number; signal?: AbortSignal; pause?: () => Promise<void>; onProgress?: (p: BackfillProgress) => void } = {}
): Promise<number> {
  const size = o.chunk ?? 500;
  const pause = o.pause ?? (() => new Promise<void>((r) => setTimeout(r, 0)));
  let rewritten = 0;
  for (const name of pairedCollections) {
    const c = collections[name] as unknown as Collection;
    const table = db.rows(name);
    for (;;) {
      o.signal?.throwIfAborted();
      const isDone = await db.transaction('rw', table, db.meta, async () => {
        const at = (await db.meta.get(pairsKey(name)))?.value;
        if (at === true) return true;
        const rows = (typeof at === 'string' ? await table.where(':id').above(at).limit(size).toArray() : await table.orderBy(':id').limit(size).toArray()) as (Record<string, unknown> & { id: string; _terms?: unknown })[];
        const changed = rows.flatMap((row) => {
          const terms = searchTerms(c, row as never);
          // A row whose terms are missing or not a list (damaged storage) gets them whole, like any other.
          const stored = Array.isArray(row._terms) ? (row._terms as unknown[]) : [];
          return terms.length === stored.length && terms.every((t, i) => t === stored[i]) ? [] : [{ ...row, _terms: terms }];
        });
        if (changed.length > 0) await table.bulkPut(changed);
        rewritten += changed.length;
        const last = rows.length < size;
        await db.meta.put({ key: pairsKey(name), value: last ? true : rows[rows.length - 1].id });
        return last;
      });
      o.onProgress?.({ collection: name, rows: rewritten });
      if (isDone) break;
      await pause();
    }
  }
  return rewritten;
}
