// Compaction worker: a thin message switch over core/sync/compaction.
import { FieldbookDb } from '../core/storage/db';
import { compactDoc } from '../core/sync/compaction';

type Request = { kind: 'compact'; dbName: string; docId: string };
const dbs = new Map<string, FieldbookDb>();

self.onmessage = async (e: MessageEvent<Request>) => {
  const { dbName, docId } = e.data;
  let db = dbs.get(dbName);
  if (!db) {
    db = new FieldbookDb(dbName);
    dbs.set(dbName, db);
  }
  try {
    const r = await compactDoc(db, docId);
    self.postMessage({ kind: 'compacted', docId, ...r });
  } catch (err) {
    self.postMessage({ kind: 'error', docId, message: (err as Error).message });
  }
};
