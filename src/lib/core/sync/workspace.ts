// The write model of a workspace: loads Yjs docs on demand, and funnels local commands and remote updates into one store step.
import * as Y from 'yjs';
import { collections, isCollectionName, type CollectionName } from '../model/registry';
import type { Collection } from '../model/base';
import type { ConflictRow, Counter, FieldbookDb, HistoryRow } from '../storage/db';
import { collectionOfDoc } from './doc-layout';
import { Hlc, type Stamp } from './hlc';
import { projectMap, recordsOf, toRow, type RecordsMap } from './record-map';
import { docKeyLookup, InvalidUpdateError, validateUpdate } from './validate-update';
import { splitKey } from './registers';

/** Transaction origins: lets observers tell our own edits from a peer's. */
export const LOCAL_ORIGIN = 'fieldbook:local';
export const REMOTE_ORIGIN = 'fieldbook:remote';

/** Context of one local write: one stamp for every field the command touches. */
export type WriteContext = { at: Stamp; by: string; device: number };

/** What a store step changed: listeners (sync, rules, UI) learn of every local or remote change this way. */
export type ChangeEvent = { docId: string; collection: CollectionName; ids: string[]; origin: string; update: Uint8Array };

export class StorageError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = 'StorageError';
  }
}

/** A peer's update that was refused: local data is untouched. */
export class RejectedUpdateError extends Error {
  constructor(readonly docId: string, reason: string) {
    super(`Update for ${docId} refused: ${reason}`);
    this.name = 'RejectedUpdateError';
  }
}

export class ReadOnlyError extends Error {
  constructor() {
    super('Fieldbook is open for editing in another tab of this browser. Close it or use that tab to make changes.');
    this.name = 'ReadOnlyError';
  }
}

/**
 * What a transaction changed, by record id: the field keys edited, `'new'` for a record map set whole, or `'added'`
 * for one set whole where the doc had none before — its read-model row cannot exist yet (a record lives in one doc).
 */
type Changed = Map<string, Set<string> | 'new' | 'added'>;
type Pending = { updates: Uint8Array[]; changed: Changed; origin: string };
type Loaded = { docId: string; doc: Y.Doc; records: RecordsMap; collection: Collection; name: CollectionName; pending: Pending };
/** One doc's share of a store step, computed before the Dexie transaction opens. */
type StoreStep = {
  docId: string;
  name: CollectionName;
  origin: string;
  update: Uint8Array;
  sv: Uint8Array;
  rows: Record<string, unknown>[];
  conflicts: ConflictRow[];
  history: HistoryRow[];
  /** Records that existed before: their old conflicts are cleared. */
  existing: string[];
  /** Ids whose previous row must be read (for the counters): all but records this transaction added to the doc. */
  mayExist: string[];
};

export type WorkspaceOptions = {
  db: FieldbookDb;
  /** The device's Yjs client id (one per device, see device.ts). */
  device: number;
  /** Who is making changes: the user id recorded as `by`. */
  user: () => string;
  now?: () => number;
  /** How many docs stay loaded: each bucket is 5–20 MB at field scale. */
  cacheSize?: number;
  isWriter?: boolean;
  /** Called when a doc's update log has grown enough to be compacted (off the main thread in the app). */
  onCompactionDue?: (docId: string) => void;
  compactAfter?: number;
};

export class Workspace {
  readonly db: FieldbookDb;
  readonly device: number;
  readonly hlc: Hlc;
  isWriter: boolean;
  readonly #user: () => string;
  readonly #cache = new Map<string, Loaded>();
  readonly #cacheSize: number;
  readonly #listeners = new Set<(e: ChangeEvent) => void>();
  readonly #onCompactionDue?: (docId: string) => void;
  readonly #compactAfter: number;
  #queue: Promise<unknown> = Promise.resolve();
  /** Docs a multi-doc write holds until it is stored: the LRU must not destroy them meanwhile. */
  readonly #pinned = new Set<string>();

  constructor(o: WorkspaceOptions) {
    this.db = o.db;
    this.device = o.device;
    this.hlc = new Hlc(o.device, o.now);
    this.#user = o.user;
    this.#cacheSize = o.cacheSize ?? 12;
    this.isWriter = o.isWriter ?? true;
    this.#onCompactionDue = o.onCompactionDue;
    this.#compactAfter = o.compactAfter ?? 200;
  }

  get user(): string {
    return this.#user();
  }

  onChange(listener: (e: ChangeEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Runs store steps one at a time: docs and the read model never see interleaved writes. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Docs currently in memory (for tests and the storage screen). */
  get loadedDocs(): string[] {
    return [...this.#cache.keys()];
  }

  async #load(docId: string): Promise<Loaded> {
    const hit = this.#cache.get(docId);
    if (hit) {
      this.#cache.delete(docId);
      this.#cache.set(docId, hit);
      return hit;
    }
    const name = collectionOfDoc(docId);
    if (!isCollectionName(name)) throw new RejectedUpdateError(docId, `unknown record type "${name}"`);
    const doc = new Y.Doc();
    const [snapshot, updates] = await Promise.all([
      this.db.snapshots.get(docId),
      this.db.updates.where('docId').equals(docId).toArray()
    ]);
    const parts: Uint8Array[] = [];
    if (snapshot) parts.push(snapshot.state);
    for (const u of updates) if (!snapshot || (u.seq ?? 0) > snapshot.upTo) parts.push(u.update);
    // Applied one after another in one transaction, not merged first: Y.mergeUpdates decodes and re-encodes the whole
    // snapshot only for applyUpdate to decode it again. A field-scale contact bucket (1,563 contacts, 2.1 MB) with eight
    // small updates logged loads in 125–205 ms this way, 240–340 ms merged first (Node).
    if (parts.length > 0) doc.transact(() => parts.forEach((part) => Y.applyUpdate(doc, part)));
    // Only now: replaying our own stored structs into a doc that already had our id would look to Yjs like another
    // client using it, and Yjs would switch to a fresh random id — one more client id on every load.
    doc.clientID = this.device;

    const records = recordsOf(doc);
    const entry: Loaded = { docId, doc, records, collection: collections[name], name, pending: { updates: [], changed: new Map(), origin: '' } };
    // Attached after loading so replaying stored state is not mistaken for a change.
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      entry.pending.updates.push(update);
      entry.pending.origin = typeof origin === 'string' ? origin : REMOTE_ORIGIN;
    });
    records.observeDeep((events) => {
      const changed = entry.pending.changed;
      for (const ev of events) {
        if (ev.target === records) {
          for (const [id, change] of ev.changes.keys) changed.set(id, change.action === 'add' && !changed.has(id) ? 'added' : 'new');
        } else {
          const id = String(ev.path[0]);
          const prev = changed.get(id);
          if (prev === 'new' || prev === 'added') continue;
          const set = prev ?? new Set<string>();
          for (const k of (ev as Y.YMapEvent<unknown>).keysChanged) set.add(k);
          changed.set(id, set);
        }
      }
    });
    this.#cache.set(docId, entry);
    this.#trim(docId);
    return entry;
  }

  /** Drops the least recently used docs beyond the cache size, except pinned ones and the one just loaded. */
  #trim(keep = ''): void {
    if (this.#cache.size <= this.#cacheSize) return;
    for (const [id, old] of this.#cache) {
      if (this.#cache.size <= this.#cacheSize) break;
      if (this.#pinned.has(id) || id === keep) continue;
      this.#cache.delete(id);
      old.doc.destroy();
    }
  }

  #evict(docId: string): void {
    const e = this.#cache.get(docId);
    if (e) {
      this.#cache.delete(docId);
      e.doc.destroy();
    }
  }

  /** Loads a doc for reading (sync, export); callers must not mutate it. */
  async doc(docId: string): Promise<Y.Doc> {
    return this.#serial(async () => (await this.#load(docId)).doc);
  }

  /**
   * Applies a local change to one doc in one Yjs transaction and stores it. `fn` must validate before it writes:
   * a Yjs transaction cannot be rolled back.
   */
  mutate<T>(docId: string, fn: (records: RecordsMap, ctx: WriteContext) => T): Promise<T> {
    if (!this.isWriter) return Promise.reject(new ReadOnlyError());
    return this.#serial(async () => {
      const entry = await this.#load(docId);
      const ctx: WriteContext = { at: this.hlc.tick(), by: this.#user(), device: this.device };
      let result!: T;
      try {
        entry.doc.transact(() => {
          result = fn(entry.records, ctx);
        }, LOCAL_ORIGIN);
      } catch (e) {
        // Whatever fn wrote before throwing is in memory only: reload the doc from storage to drop it.
        if (entry.pending.updates.length > 0) this.#evict(docId);
        entry.pending = { updates: [], changed: new Map(), origin: '' };
        throw e;
      }
      await this.#store(docId, entry);
      return result;
    });
  }

  /**
   * `mutate` over several docs (an import batch spread over a collection's buckets): one Yjs transaction per doc, then
   * one store step for all of them in a single Dexie transaction, so the batch is stored whole or not at all and
   * IndexedDB commits once instead of once per doc. Each `fn` must validate before it writes, as for `mutate`.
   */
  mutateMany<T>(steps: { docId: string; fn: (records: RecordsMap, ctx: WriteContext) => T }[]): Promise<T[]> {
    if (!this.isWriter) return Promise.reject(new ReadOnlyError());
    return this.#serial(async () => {
      const entries: Loaded[] = [];
      const results: T[] = [];
      try {
        for (const { docId, fn } of steps) {
          const entry = await this.#load(docId);
          this.#pinned.add(docId);
          entries.push(entry);
          const ctx: WriteContext = { at: this.hlc.tick(), by: this.#user(), device: this.device };
          entry.doc.transact(() => {
            results.push(fn(entry.records, ctx));
          }, LOCAL_ORIGIN);
        }
      } catch (e) {
        // Nothing is stored yet: every doc this call changed in memory is dropped and reloads from storage.
        for (const entry of entries) {
          this.#pinned.delete(entry.docId);
          if (entry.pending.updates.length > 0) this.#evict(entry.docId);
          entry.pending = { updates: [], changed: new Map(), origin: '' };
        }
        this.#trim();
        throw e;
      }
      try {
        await this.#storeMany(entries);
      } finally {
        for (const entry of entries) this.#pinned.delete(entry.docId);
        this.#trim();
      }
      return results;
    });
  }

  /**
   * Applies an update from a peer (or a backup). It is checked first (validate-update.ts): a malformed update, or one
   * carrying any field value that fails its schema, is refused whole and local data stays as it was.
   */
  applyRemote(docId: string, update: Uint8Array): Promise<{ changed: number }> {
    return this.#serial(async () => {
      if (!this.isWriter) throw new ReadOnlyError();
      const entry = await this.#load(docId);
      this.#validateRemote(entry, update);
      Y.applyUpdate(entry.doc, update, REMOTE_ORIGIN);
      const changed = entry.pending.changed.size;
      await this.#store(docId, entry);
      return { changed };
    });
  }

  #validateRemote(entry: Loaded, update: Uint8Array): void {
    try {
      if (validateUpdate(entry.collection, update, docKeyLookup(entry.doc)) >= 0) return;
      // The update builds on content we do not have yet: check the registers it makes visible on a scratch copy.
      const scratch = new Y.Doc();
      try {
        Y.applyUpdate(scratch, Y.encodeStateAsUpdate(entry.doc));
        Y.applyUpdate(scratch, update);
        validateUpdate(entry.collection, Y.encodeStateAsUpdate(scratch, Y.encodeStateVector(entry.doc)), docKeyLookup(scratch));
      } finally {
        scratch.destroy();
      }
    } catch (e) {
      throw new RejectedUpdateError(entry.docId, e instanceof InvalidUpdateError ? e.message : String(e));
    }
  }

  /** The one store step: the Yjs update and the re-projected rows land in a single Dexie transaction. */
  #store(docId: string, entry: Loaded): Promise<void> {
    return this.#storeMany([entry]);
  }

  /**
   * Stores the pending changes of one or more docs in one Dexie transaction: each doc's Yjs update, its manifest row
   * and its re-projected rows, conflicts, history and the counters. The requests are issued together rather than one
   * awaited round trip after another: inside a transaction IndexedDB keeps them in order anyway.
   */
  async #storeMany(entries: Loaded[]): Promise<void> {
    const steps: StoreStep[] = [];
    for (const entry of entries) {
      const step = this.#prepare(entry);
      if (step) steps.push(step);
    }
    if (steps.length === 0) return;
    const names = [...new Set(steps.map((s) => s.name))];
    const tables = names.map((n) => this.db.rows(n));
    const due: string[] = [];
    try {
      await this.db.transaction('rw', [this.db.updates, this.db.docs, ...tables, this.db.conflicts, this.db.meta, this.db.history], async () => {
        const counterKeys = names.map((n) => `count:${n}`);
        // A bulk create (the demo, an import) adds thousands of records: skipping their lookups saves ~10 % of its time.
        const [docRows, counters, ...prevRows] = await Promise.all([
          this.db.docs.bulkGet(steps.map((s) => s.docId)),
          this.db.meta.bulkGet(counterKeys),
          ...steps.map((s) => (s.mayExist.length > 0 ? this.db.rows(s.name).bulkGet(s.mayExist) : Promise.resolve([])))
        ]);
        const counts = new Map<CollectionName, Counter>(names.map((n, i) => [n, { live: 0, deleted: 0, ...(counters[i]?.value as Counter | undefined) }]));
        const writes: Promise<unknown>[] = [this.db.updates.bulkAdd(steps.map((s) => ({ docId: s.docId, update: s.update })))];
        writes.push(
          this.db.docs.bulkPut(
            steps.map((s, i) => {
              const docRow = docRows[i];
              const pending = (docRow?.pending ?? 0) + 1;
              if (pending >= this.#compactAfter) due.push(s.docId);
              return { docId: s.docId, collection: s.name, sv: s.sv, pending, bytes: (docRow?.bytes ?? 0) + s.update.byteLength, changedAt: Date.now() };
            })
          )
        );
        steps.forEach((s, i) => {
          const prev = new Map<string, Record<string, unknown> | undefined>();
          (prevRows[i] as (Record<string, unknown> | undefined)[]).forEach((row, j) => prev.set(s.mayExist[j], row));
          const count = counts.get(s.name)!;
          for (const row of s.rows) {
            const before = prev.get(row.id as string);
            if (before) count[before._del ? 'deleted' : 'live']--;
            count[row._del ? 'deleted' : 'live']++;
          }
          writes.push(this.db.rows(s.name).bulkPut(s.rows));
          if (s.history.length > 0) writes.push(this.db.history.bulkAdd(s.history));
        });
        // Resolved conflicts go before the new ones are put: a record still in conflict keeps its fresh rows.
        const existing = steps.flatMap((s) => s.existing.map((id) => [s.name, id]));
        if (existing.length > 0) await this.db.conflicts.where('[collection+recordId]').anyOf(existing).delete();
        const conflicts = steps.flatMap((s) => s.conflicts);
        if (conflicts.length > 0) writes.push(this.db.conflicts.bulkPut(conflicts));
        writes.push(this.db.meta.bulkPut(names.map((n) => ({ key: `count:${n}`, value: counts.get(n) }))));
        await Promise.all(writes);
      });
    } catch (e) {
      // Memory must not run ahead of storage: drop the docs so the next read reloads what was really stored.
      for (const s of steps) this.#evict(s.docId);
      throw storageError(e);
    }
    for (const docId of due) this.#onCompactionDue?.(docId);
    for (const s of steps) {
      const event: ChangeEvent = { docId: s.docId, collection: s.name, ids: s.rows.map((r) => r.id as string), origin: s.origin, update: s.update };
      for (const l of this.#listeners) l(event);
    }
  }

  /** Takes a doc's pending changes and re-projects the records they touched: everything its store step writes. */
  #prepare(entry: Loaded): StoreStep | null {
    const { updates, changed, origin } = entry.pending;
    entry.pending = { updates: [], changed: new Map(), origin: '' };
    if (updates.length === 0) return null;
    const update = updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
    const { docId, collection, name, records, doc } = entry;
    const step: StoreStep = { docId, name, origin, update, sv: Y.encodeStateVector(doc), rows: [], conflicts: [], history: [], existing: [], mayExist: [] };
    let maxAt = '';
    for (const [id, keys] of changed) {
      const map = records.get(id);
      if (!(map instanceof Y.Map)) continue;
      const p = projectMap(collection, map);
      if (p.latest.at > maxAt) maxAt = p.latest.at;
      const r = toRow(collection, docId, id, p);
      if (!r.ok) continue; // only reachable for data stored before a schema tightened; validation gates new data
      step.rows.push(r.row);
      if (keys !== 'added') step.mayExist.push(id);
      const title = collection.title(r.row as never);
      for (const c of p.conflicts) step.conflicts.push({ key: `${name}/${id}/${c.path}`, collection: name, recordId: id, path: c.path, title, winner: c.winner, losers: c.losers });
      if (keys !== 'new' && keys !== 'added') {
        step.existing.push(id);
        for (const key of keys) {
          const k = splitKey(key);
          const reg = map.get(key);
          if (k && reg) step.history.push({ collection: name, recordId: id, path: k.path, value: reg[0], at: reg[1], by: reg[3] });
        }
      }
    }
    if (origin === REMOTE_ORIGIN && maxAt) this.hlc.observe(maxAt);
    return step;
  }

  /** Frees every loaded doc (closing the workspace, or after compaction replaced the stored state). */
  close(): void {
    for (const id of [...this.#cache.keys()]) this.#evict(id);
  }
}

/** Turns IndexedDB failures into a message a person can act on. */
export function storageError(e: unknown): StorageError {
  const name = (e as { name?: string; inner?: { name?: string } })?.inner?.name ?? (e as { name?: string })?.name ?? '';
  if (name === 'QuotaExceededError') {
    return new StorageError('The device storage is full, so this change was not saved. Free some space (or remove old workspaces in Settings) and try again; everything saved before is intact.', e);
  }
  return new StorageError(`Saving failed (${name || String(e)}). Your change was not saved; everything saved before is intact.`, e);
}
