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
    if (parts.length > 0) Y.applyUpdate(doc, parts.length === 1 ? parts[0] : Y.mergeUpdates(parts));
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
    while (this.#cache.size > this.#cacheSize) {
      const [oldest, old] = this.#cache.entries().next().value as [string, Loaded];
      this.#cache.delete(oldest);
      old.doc.destroy();
    }
    return entry;
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
  async #store(docId: string, entry: Loaded): Promise<void> {
    const { updates, changed, origin } = entry.pending;
    entry.pending = { updates: [], changed: new Map(), origin: '' };
    if (updates.length === 0) return;
    const update = updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
    const { collection, name, records, doc } = entry;
    const table = this.db.rows(name);
    const rows: Record<string, unknown>[] = [];
    const conflicts: ConflictRow[] = [];
    const history: HistoryRow[] = [];
    const existing: string[] = [];
    /** Ids whose previous row must be read (for the counters): all but records this transaction added to the doc. */
    const mayExist: string[] = [];
    let maxAt = '';
    for (const [id, keys] of changed) {
      const map = records.get(id);
      if (!(map instanceof Y.Map)) continue;
      const p = projectMap(collection, map);
      if (p.latest.at > maxAt) maxAt = p.latest.at;
      const r = toRow(collection, docId, id, p);
      if (!r.ok) continue; // only reachable for data stored before a schema tightened; validation gates new data
      rows.push(r.row);
      if (keys !== 'added') mayExist.push(id);
      const title = collection.title(r.row as never);
      for (const c of p.conflicts) conflicts.push({ key: `${name}/${id}/${c.path}`, collection: name, recordId: id, path: c.path, title, winner: c.winner, losers: c.losers });
      if (keys !== 'new' && keys !== 'added') {
        existing.push(id);
        for (const key of keys) {
          const k = splitKey(key);
          const reg = map.get(key);
          if (k && reg) history.push({ collection: name, recordId: id, path: k.path, value: reg[0], at: reg[1], by: reg[3] });
        }
      }
    }
    if (origin === REMOTE_ORIGIN && maxAt) this.hlc.observe(maxAt);
    let compactionDue = false;
    try {
      await this.db.transaction('rw', [this.db.updates, this.db.docs, table, this.db.conflicts, this.db.meta, this.db.history], async () => {
        // A bulk create (the demo, an import) adds thousands of records: skipping their lookups saves ~10 % of its time.
        const prev = new Map<string, Record<string, unknown> | undefined>();
        if (mayExist.length > 0) (await table.bulkGet(mayExist)).forEach((row, i) => prev.set(mayExist[i], row));
        await this.db.updates.add({ docId, update });
        const docRow = await this.db.docs.get(docId);
        const pending = (docRow?.pending ?? 0) + 1;
        compactionDue = pending >= this.#compactAfter;
        await this.db.docs.put({
          docId,
          collection: name,
          sv: Y.encodeStateVector(doc),
          pending,
          bytes: (docRow?.bytes ?? 0) + update.byteLength,
          changedAt: Date.now()
        });
        await table.bulkPut(rows);
        if (existing.length > 0) await this.db.conflicts.where('[collection+recordId]').anyOf(existing.map((id) => [name, id])).delete();
        if (conflicts.length > 0) await this.db.conflicts.bulkPut(conflicts);
        if (history.length > 0) await this.db.history.bulkAdd(history);
        const key = `count:${name}`;
        const count = { live: 0, deleted: 0, ...((await this.db.meta.get(key))?.value as Counter | undefined) };
        rows.forEach((row) => {
          const before = prev.get(row.id as string);
          if (before) count[before._del ? 'deleted' : 'live']--;
          count[row._del ? 'deleted' : 'live']++;
        });
        await this.db.meta.put({ key, value: count });
      });
    } catch (e) {
      // Memory must not run ahead of storage: drop the doc so the next read reloads what was really stored.
      this.#evict(docId);
      throw storageError(e);
    }
    if (compactionDue) this.#onCompactionDue?.(docId);
    const event: ChangeEvent = { docId, collection: name, ids: rows.map((r) => r.id as string), origin, update };
    for (const l of this.#listeners) l(event);
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
