// Storage upkeep worker: compacts docs (core/sync/compaction) and writes pair terms older rows lack (core/storage/pair-backfill), off the main thread.
import { FieldbookDb } from '../core/storage/db';
import { backfillPairTerms } from '../core/storage/pair-backfill';
import { compactDoc } from '../core/sync/compaction';

type Request = { kind: 'compact'; dbName: string; docId: string } | { kind: 'pairs'; dbName: string };
const dbs = new Map<string, FieldbookDb>();

function dbFor(dbName: string): FieldbookDb {
  let db = dbs.get(dbName);
  if (!db) {
    db = new FieldbookDb(dbName);
    dbs.set(dbName, db);
  }
  return db;
}

self.onmessage = async (e: MessageEvent<Request>) => {
  const m = e.data;
  const db = dbFor(m.dbName);
  if (m.kind === 'pairs') {
    try {
      const rows = await backfillPairTerms(db);
      self.postMessage({ kind: 'pairs-done', rows });
    } catch (err) {
      self.postMessage({ kind: 'error', message: (err as Error).message });
    }
    return;
  }
  try {
    const r = await compactDoc(db, m.docId);
    self.postMessage({ kind: 'compacted', docId: m.docId, ...r });
  } catch (err) {
    self.postMessage({ kind: 'error', docId: m.docId, message: (err as Error).message });
  }
};
