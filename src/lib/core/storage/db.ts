// The Dexie database of one workspace: the read model (a table per record type) plus the Yjs persistence tables.
import Dexie, { type Table } from 'dexie';
import { collections, type CollectionName } from '../model/registry';
import type { FieldVersion } from '../sync/registers';

/** One stored Yjs update of a doc (the log that compaction folds into the snapshot). */
export type UpdateRow = { seq?: number; docId: string; update: Uint8Array };
/** A doc's compacted state: every update with seq ≤ upTo is folded in. */
export type SnapshotRow = { docId: string; state: Uint8Array; upTo: number };
/** The manifest: one small row per doc, with its state vector so a sync can skip docs a peer already has. */
export type DocRow = {
  docId: string;
  collection: string;
  /** Encoded Yjs state vector: the per-doc clock. */
  sv: Uint8Array;
  /** Updates logged since the last snapshot: compaction is due when this grows. */
  pending: number;
  bytes: number;
  changedAt: number;
};
export type MetaRow = { key: string; value: unknown };
/** A field whose concurrent edit lost, waiting for a person to choose. */
export type ConflictRow = {
  key: string;
  collection: string;
  recordId: string;
  path: string;
  title: string;
  winner: FieldVersion;
  losers: FieldVersion[];
};
/** One field change as it entered this device: the record history. */
export type HistoryRow = {
  seq?: number;
  collection: string;
  recordId: string;
  path: string;
  value: unknown;
  at: string;
  by: string;
};
export type Counter = { live: number; deleted: number };

/** Indexes every read-model table has, whatever its type. */
const commonIndexes = ['id', '_doc', '*_terms', '[_del+_sort]', '_conflict', 'updatedAt'];

export function storeSpec(): Record<string, string> {
  const spec: Record<string, string> = {
    updates: '++seq, docId',
    snapshots: 'docId',
    docs: 'docId, collection',
    meta: 'key',
    conflicts: 'key, [collection+recordId], collection',
    history: '++seq, [collection+recordId]'
  };
  for (const c of Object.values(collections)) {
    const own = c.indexes.filter((i) => !commonIndexes.includes(i));
    spec[c.table] = [...commonIndexes, ...own].join(', ');
  }
  return spec;
}

export class FieldbookDb extends Dexie {
  updates!: Table<UpdateRow, number>;
  snapshots!: Table<SnapshotRow, string>;
  docs!: Table<DocRow, string>;
  meta!: Table<MetaRow, string>;
  conflicts!: Table<ConflictRow, string>;
  history!: Table<HistoryRow, number>;

  constructor(name: string, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    // Bump the version (and add an upgrade) whenever storeSpec() changes; record-shape changes are migrations in model/.
    this.version(1).stores(storeSpec());
  }

  /** The read-model table of a record type. */
  rows(name: CollectionName): Table<Record<string, unknown>, string> {
    return this.table(collections[name].table);
  }

  async counter(name: CollectionName): Promise<Counter> {
    const row = await this.meta.get(`count:${name}`);
    return (row?.value as Counter | undefined) ?? { live: 0, deleted: 0 };
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.meta.get(key))?.value as T | undefined;
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    await this.meta.put({ key, value });
  }
}

export const dbName = (workspace: string): string => `fieldbook-${workspace}`;
