// Recomputes read-model rows straight from the Yjs docs: the oracle for tests and the repair path if the read model is ever in doubt.
import * as Y from 'yjs';
import { collections, isCollectionName, type CollectionName } from '../model/registry';
import { collectionOfDoc } from './doc-layout';
import { projectMap, recordsOf, toRow, type RecordMap } from './record-map';
import type { Workspace } from './workspace';

/** Rows of every record in every doc of the manifest, by collection, sorted by id. */
export async function projectAll(ws: Workspace): Promise<Map<CollectionName, Record<string, unknown>[]>> {
  const out = new Map<CollectionName, Record<string, unknown>[]>();
  const docs = await ws.db.docs.toArray();
  for (const { docId } of docs) {
    const name = collectionOfDoc(docId);
    if (!isCollectionName(name)) continue;
    const doc = await ws.doc(docId);
    const list = out.get(name) ?? [];
    for (const [id, map] of recordsOf(doc).entries()) {
      if (!(map instanceof Y.Map)) continue;
      const r = toRow(collections[name], docId, id, projectMap(collections[name], map as RecordMap));
      if (r.ok) list.push(r.row);
    }
    out.set(name, list);
  }
  for (const list of out.values()) list.sort((a, b) => String(a.id).localeCompare(String(b.id)));
  return out;
}

/** The read model as stored, in the same shape as projectAll. */
export async function readModel(ws: Workspace): Promise<Map<CollectionName, Record<string, unknown>[]>> {
  const out = new Map<CollectionName, Record<string, unknown>[]>();
  for (const name of Object.keys(collections) as CollectionName[]) {
    const rows = await ws.db.rows(name).toArray();
    if (rows.length > 0) out.set(name, rows.sort((a, b) => String(a.id).localeCompare(String(b.id))));
  }
  return out;
}
