// Folds a doc's update log into its snapshot; runs in a worker so the screen never waits for it.
import * as Y from 'yjs';
import type { FieldbookDb } from '../storage/db';

/**
 * Replays snapshot + log into a Doc and stores the encoded state (a Doc, unlike Y.mergeUpdates, garbage-collects
 * overwritten registers), then deletes the folded log rows — all in one transaction, so a crash leaves either the
 * old or the new state, never a mix. Returns the bytes saved.
 */
export async function compactDoc(db: FieldbookDb, docId: string): Promise<{ before: number; after: number }> {
  return db.transaction('rw', [db.updates, db.snapshots, db.docs], async () => {
    const snapshot = await db.snapshots.get(docId);
    const log = await db.updates.where('docId').equals(docId).toArray();
    const fresh = log.filter((u) => !snapshot || (u.seq ?? 0) > snapshot.upTo);
    if (fresh.length === 0) return { before: snapshot?.state.byteLength ?? 0, after: snapshot?.state.byteLength ?? 0 };
    const doc = new Y.Doc();
    const before = (snapshot?.state.byteLength ?? 0) + fresh.reduce((n, u) => n + u.update.byteLength, 0);
    if (snapshot) Y.applyUpdate(doc, snapshot.state);
    for (const u of fresh) Y.applyUpdate(doc, u.update);
    const state = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    const upTo = Math.max(...log.map((u) => u.seq ?? 0));
    await db.snapshots.put({ docId, state, upTo });
    await db.updates.where('docId').equals(docId).and((u) => (u.seq ?? 0) <= upTo).delete();
    const row = await db.docs.get(docId);
    if (row) await db.docs.put({ ...row, pending: 0, bytes: state.byteLength });
    return { before, after: state.byteLength };
  });
}
