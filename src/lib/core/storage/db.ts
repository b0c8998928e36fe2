// The Dexie database of one workspace: the read model (a table per record type) plus the Yjs persistence tables.
import Dexie, { type Table } from 'dexie';
import { pairsDone } from './pair-keys';
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

/**
 * The stores of schema version 1, frozen: Dexie compares a new version's stores with these to know which indexes to
 * drop. Every read-model table then carried `_doc, *_terms, [_del+_sort], _conflict, updatedAt` whatever its type.
 */
export const storeSpecV1: Readonly<Record<string, string>> = {
  updates: '++seq, docId',
  snapshots: 'docId',
  docs: 'docId, collection',
  meta: 'key',
  conflicts: 'key, [collection+recordId], collection',
  history: '++seq, [collection+recordId]',
  users: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, team, email',
  accounts: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, [owner+_del+_sort], [tier+_del], region, parentId',
  contacts: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, [accountId+_del], [owner+_del+_sort], email, phone',
  leads: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, [status+_del], [owner+_del+_sort], email, source',
  stages: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, position',
  opportunities: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, [stage+_del], [owner+_del+_sort], [accountId+_del], closeDate, contactId',
  products: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, sku, category',
  quotes: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, [opportunityId+_del], [accountId+_del], contactId, number, [status+_del]',
  tasks: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, [owner+status+due], [status+reminderAt], [contactId+_del], [accountId+_del], ruleKey',
  interactions: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, [contactId+at], [accountId+at], [campaignId+outcome], at, [owner+at], [leadId+at], opportunityId',
  orders: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, [contactId+orderedAt], [accountId+orderedAt], orderedAt, externalCustomerId, number',
  tickets: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, [status+slaDue], [owner+status], [contactId+_del], [accountId+_del], [productId+createdAt]',
  articles: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, [status+_del], category',
  campaigns: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, [status+_del], startDate',
  partners: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, [tier+_del], accountId, region',
  rules: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt, trigger',
  segments: 'id, _doc, *_terms, [_del+_sort], _conflict, updatedAt'
};

/**
 * The stores of schema version 2, frozen (see storeSpec for why they differ from version 1). Version 3 dropped the
 * `email` and `phone` indexes of contacts and `email` of leads: no query reads them (duplicate review scans), and
 * every index entry is a write on each import row.
 */
export const storeSpecV2: Readonly<Record<string, string>> = {
  updates: '++seq, docId',
  snapshots: 'docId',
  docs: 'docId, collection',
  meta: 'key',
  conflicts: 'key, [collection+recordId], collection',
  history: '++seq, [collection+recordId]',
  accounts: 'id, _conflict, *_terms, [_del+_sort], updatedAt, [owner+_del+_sort], [tier+_del], region, parentId',
  articles: 'id, _conflict, *_terms, [_del+_sort], updatedAt, [status+_del], category',
  campaigns: 'id, _conflict, *_terms, [_del+_sort], updatedAt, [status+_del], startDate',
  contacts: 'id, _conflict, *_terms, [_del+_sort], updatedAt, [accountId+_del], [owner+_del+_sort], email, phone',
  interactions: 'id, _conflict, *_terms, [contactId+at], [accountId+at], at, [owner+at], [leadId+at]',
  leads: 'id, _conflict, *_terms, [_del+_sort], updatedAt, [status+_del], [owner+_del+_sort], email, source',
  opportunities: 'id, _conflict, *_terms, [_del+_sort], updatedAt, [stage+_del], [owner+_del+_sort], [accountId+_del], closeDate, contactId',
  orders: 'id, _conflict, *_terms, [contactId+orderedAt], [accountId+orderedAt], orderedAt, externalCustomerId, number',
  partners: 'id, _conflict, *_terms, [_del+_sort], updatedAt, [tier+_del], accountId, region',
  products: 'id, _conflict, *_terms, [_del+_sort], updatedAt, sku, category',
  quotes: 'id, _conflict, *_terms, [_del+_sort], updatedAt, [opportunityId+_del], [accountId+_del], contactId, number, [status+_del]',
  rules: 'id, _conflict, *_terms, [_del+_sort], updatedAt, trigger',
  segments: 'id, _conflict, *_terms, [_del+_sort], updatedAt',
  stages: 'id, _conflict, *_terms, [_del+_sort], updatedAt, position',
  tasks: 'id, _conflict, *_terms, [_del+_sort], updatedAt, [owner+status+due], [status+reminderAt], [contactId+_del], [accountId+_del], ruleKey',
  tickets: 'id, _conflict, *_terms, [_del+_sort], updatedAt, [status+slaDue], [owner+status], [contactId+_del], [accountId+_del], [productId+createdAt]',
  users: 'id, _conflict, *_terms, [_del+_sort], updatedAt, team, email'
};

/**
 * Indexes of the record lists (contacts, accounts, leads…): prefix search on `_terms`, name order and the trash on
 * `[_del+_sort]`, "recently updated" on `updatedAt`.
 */
const listIndexes = ['*_terms', '[_del+_sort]', 'updatedAt'];
/**
 * Interactions and orders (the month-sharded history, 700,000 rows at field scale) are never listed by name or by
 * update: screens read them by contact, account, lead or date on their own indexes, and keep `_terms` only because
 * global search looks in them. In Chromium every index entry is a LevelDB write whose cost grows with the table
 * (compaction), so entries per row set the demo load's speed: version 1 gave an interaction 17, version 2 gives it 11.
 */
const historyIndexes = ['*_terms'];
/**
 * Sparse: only a row in conflict carries `_conflict` (= 1), and IndexedDB leaves a row whose key path is missing out
 * of the index, so the index holds the few conflicted rows and costs the others nothing. (Rows written before
 * version 2 carry `_conflict: 0`; they stay in the index under 0, which no query asks for, until their next write.)
 */
const sharedIndexes = ['_conflict'];

/** The current stores: bump FieldbookDb's version whenever this changes (record-shape changes are migrations in model/). */
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
    const derived = [...sharedIndexes, ...(c.shard.kind === 'month' ? historyIndexes : listIndexes)];
    spec[c.table] = ['id', ...derived, ...c.indexes.filter((i) => !derived.includes(i))].join(', ');
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
    // Versions 2 and 3 drop indexes no screen reads (see storeSpec, storeSpecV2); rows are kept as they are, so opening
    // an old workspace only deletes index entries. Add a version (with an upgrade if rows must change) whenever storeSpec() changes.
    this.version(1).stores(storeSpecV1);
    this.version(2).stores(storeSpecV2);
    this.version(3).stores(storeSpec());
    // A workspace created by this version writes pair terms from its first row: nothing to backfill (pair-backfill.ts).
    this.on('populate', (tx) => {
      void tx.table('meta').bulkPut(pairsDone());
    });
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
