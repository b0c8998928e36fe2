// Read-model queries behind the record screens: list pages, counts, prefix search, timelines and related records, all on indexes.
import Dexie, { type Collection as DexieCollection, type Table } from 'dexie';
import type { DerivedColumns } from '../model/base';
import { collections, type CollectionName } from '../model/registry';
import { defaultStages } from '../model/opportunity';
import { words } from '../model/base';
import type { RecordType } from '../commands/records';
import type { ConflictRow, FieldbookDb } from './db';

/** A read-model row: the merged record plus the derived columns storage adds. */
export type RowOf<N extends CollectionName> = RecordType<N> & DerivedColumns;

export type ListSort = 'name' | 'updated';
export type ListFilter = {
  /** Only records owned by this user. */
  owner?: string;
  /** Deleted records (the trash) instead of live ones. */
  trash?: boolean;
  /** Only records with a field conflict waiting for review. */
  conflicts?: boolean;
  /** Only records of this account (contacts, opportunities…). */
  accountId?: string;
};
export type ListOptions = { offset: number; limit: number; sort: ListSort; filter?: ListFilter };

/**
 * Above this many matching rows a filtered view sorted by date is paged with a cursor instead of sorted in memory:
 * reading 5,000 rows is ~50 ms in Chromium, reading 50,000 is ~1 s.
 */
const IN_MEMORY_LIMIT = 5000;
/** Up to this many deleted rows, the live "recently updated" order is paged on the updatedAt index alone (see pageByUpdated). */
const SKIP_LIMIT = 2000;

type AnyRow = Record<string, unknown> & DerivedColumns & { id: string; updatedAt: string; owner: string };

const hasIndex = (name: CollectionName, index: string): boolean => (collections[name].indexes as readonly string[]).includes(index);
const table = (db: FieldbookDb, name: CollectionName) => db.rows(name) as unknown as Table<AnyRow, string>;
const delOf = (f: ListFilter | undefined): 0 | 1 => (f?.trash ? 1 : 0);

/** Index order of `[_del+_sort]`: the sort key, ties by primary key (IndexedDB compares strings by code unit, so no localeCompare). */
const byName = (a: AnyRow, b: AnyRow): number => (a._sort < b._sort ? -1 : a._sort > b._sort ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** Reverse order of the `updatedAt` index: newest first, ties by primary key descending (what an IDB 'prev' cursor yields). */
const byUpdated = (a: AnyRow, b: AnyRow): number =>
  a.updatedAt > b.updatedAt ? -1 : a.updatedAt < b.updatedAt ? 1 : a.id > b.id ? -1 : a.id < b.id ? 1 : 0;

/** Rows matching a filter that narrows to few rows (conflicts, one account), read whole: sorting them in memory is cheap. */
function smallSet(db: FieldbookDb, name: CollectionName, f: ListFilter): DexieCollection<AnyRow, string> | null {
  const t = table(db, name);
  const del = delOf(f);
  if (f.conflicts) return t.where('_conflict').equals(1).filter((r) => r._del === del && (!f.owner || r.owner === f.owner) && (!f.accountId || r.accountId === f.accountId));
  if (f.accountId) {
    const base = hasIndex(name, '[accountId+_del]')
      ? t.where('[accountId+_del]').equals([f.accountId, del])
      : t.filter((r) => r.accountId === f.accountId && r._del === del);
    return f.owner ? base.filter((r) => r.owner === f.owner) : base;
  }
  return null;
}

/** The rows of one owner in name order, on `[owner+_del+_sort]`. */
function ownerRange(db: FieldbookDb, name: CollectionName, owner: string, del: 0 | 1): DexieCollection<AnyRow, string> {
  const t = table(db, name);
  if (hasIndex(name, '[owner+_del+_sort]')) return t.where('[owner+_del+_sort]').between([owner, del, Dexie.minKey], [owner, del, Dexie.maxKey]);
  return t.where('[_del+_sort]').between([del, Dexie.minKey], [del, Dexie.maxKey]).filter((r) => r.owner === owner);
}

const delRange = (db: FieldbookDb, name: CollectionName, del: 0 | 1) => table(db, name).where('[_del+_sort]').between([del, Dexie.minKey], [del, Dexie.maxKey]);

/**
 * One page of a record list. Every common view is an index range read with offset/limit, so the cost does not grow
 * with the table: live or trash by name on `[_del+_sort]`, one owner's on `[owner+_del+_sort]`, recently updated on
 * the reversed `updatedAt` index. Views that narrow to few rows (conflicts, one account) are read whole and sorted.
 */
export async function listPage<N extends CollectionName>(db: FieldbookDb, name: N, o: ListOptions): Promise<RowOf<N>[]> {
  const f = o.filter ?? {};
  const del = delOf(f);
  const { offset, limit } = o;
  if (limit <= 0) return [];
  const small = smallSet(db, name, f);
  if (small) return (await small.toArray()).sort(o.sort === 'name' ? byName : byUpdated).slice(offset, offset + limit) as RowOf<N>[];
  if (o.sort === 'name') {
    const range = f.owner ? ownerRange(db, name, f.owner, del) : delRange(db, name, del);
    return (await range.offset(offset).limit(limit).toArray()) as RowOf<N>[];
  }
  // Recently updated: there is no `[_del+updatedAt]` index, so subsets are either small enough to sort or paged with a filter.
  if (f.owner || del === 1) {
    const range = f.owner ? ownerRange(db, name, f.owner, del) : delRange(db, name, del);
    if ((await range.clone().limit(IN_MEMORY_LIMIT + 1).primaryKeys()).length <= IN_MEMORY_LIMIT) {
      return (await range.toArray()).sort(byUpdated).slice(offset, offset + limit) as RowOf<N>[];
    }
    return (await table(db, name)
      .orderBy('updatedAt')
      .reverse()
      .filter((r) => r._del === del && (!f.owner || r.owner === f.owner))
      .offset(offset)
      .limit(limit)
      .toArray()) as RowOf<N>[];
  }
  return (await pageByUpdated(db, name, offset, limit)) as RowOf<N>[];
}

/**
 * Live rows, newest first, on the `updatedAt` index. Deleted rows are few, so instead of filtering every row up to the
 * offset (a full scan at the end of a 50,000-row list) we find the raw index position whose live rank is `offset`:
 * raw = offset + (deleted rows ordered before raw), iterated to a fixed point; each step is one cursor advance.
 */
async function pageByUpdated(db: FieldbookDb, name: CollectionName, offset: number, limit: number): Promise<AnyRow[]> {
  const t = table(db, name);
  const newestFirst = () => t.orderBy('updatedAt').reverse();
  const deleted = (await delRange(db, name, 1).limit(SKIP_LIMIT + 1).toArray()).sort(byUpdated);
  if (deleted.length > SKIP_LIMIT) return newestFirst().filter((r) => r._del === 0).offset(offset).limit(limit).toArray();
  if (deleted.length === 0) return newestFirst().offset(offset).limit(limit).toArray();
  const deletedBefore = (row: AnyRow): number => {
    let n = 0;
    while (n < deleted.length && byUpdated(deleted[n], row) < 0) n++;
    return n;
  };
  let raw = offset;
  for (let guard = 0; guard <= deleted.length + 1; guard++) {
    const [at] = await newestFirst().offset(raw).limit(1).toArray();
    if (!at) return [];
    const next = offset + deletedBefore(at);
    if (next === raw && at._del === 0) break;
    raw = next === raw ? raw + 1 : next;
  }
  const page = await newestFirst().offset(raw).limit(limit + deleted.length).toArray();
  return page.filter((r) => r._del === 0).slice(0, limit);
}

/**
 * How many rows a list view has. Unfiltered views read the counters kept in the meta table (never `count()` on
 * start-up paths: ~400 ms at 500k rows); filtered views count their index range.
 */
export async function listCount(db: FieldbookDb, name: CollectionName, filter: ListFilter = {}): Promise<number> {
  const del = delOf(filter);
  const small = smallSet(db, name, filter);
  if (small) return small.count();
  if (filter.owner) return ownerRange(db, name, filter.owner, del).count();
  const c = await db.counter(name);
  return del ? c.deleted : c.live;
}

export type SearchOptions = { trash?: boolean; owner?: string; conflicts?: boolean; accountId?: string };

/** A word with more index entries than this only filters rows; rarer words narrow the candidates by key first. */
const NARROW_LIMIT = 20_000;

/**
 * Prefix search: every word of the query must be the start of one of the record's `_terms` (name, e-mail, company…).
 * Only keys are read until a record is a real candidate: the rarest word (counted on the multi-entry `_terms` index,
 * which reads no rows) gives primary keys in growing batches, the key sets of the other rare words intersect them,
 * and only the survivors are read and checked. The cost follows the rarest word, not the table size, and a common
 * first letter stops after one small batch. Results come back in list (name) order.
 */
export async function searchPrefix<N extends CollectionName>(db: FieldbookDb, name: N, query: string, limit = 50, o: SearchOptions = {}): Promise<RowOf<N>[]> {
  const parts = queryWords(query);
  if (parts.length === 0 || limit <= 0) return [];
  const t = table(db, name);
  const matches = (r: AnyRow | undefined): r is AnyRow =>
    !!r &&
    r._del === (o.trash ? 1 : 0) &&
    (!o.owner || r.owner === o.owner) &&
    (!o.conflicts || r._conflict === 1) &&
    (!o.accountId || r.accountId === o.accountId) &&
    parts.every((w) => r._terms.some((term) => term.startsWith(w)));
  if (o.trash) {
    // The trash is small and a live word can match thousands: read the trash and match in memory.
    return (await delRange(db, name, 1).filter(matches).limit(limit).toArray()).sort(byName) as RowOf<N>[];
  }
  const range = (w: string) => t.where('_terms').startsWith(w);
  let ordered = parts;
  const sizes = new Map<string, number>();
  if (parts.length > 1) {
    await Promise.all(parts.map(async (w) => sizes.set(w, await range(w).count())));
    ordered = [...parts].sort((a, b) => sizes.get(a)! - sizes.get(b)!);
  }
  const [driver, ...others] = ordered;
  const narrowers = await Promise.all(
    others.filter((w) => sizes.get(w)! <= NARROW_LIMIT).map(async (w) => new Set(await range(w).primaryKeys()))
  );
  const found: AnyRow[] = [];
  let checked = 0;
  for (let cap = Math.max(200, limit * 4); ; cap *= 4) {
    // Unique keys in first-seen order: a longer batch starts with the shorter one, so `checked` skips what was read.
    const batch = await range(driver).limit(cap).primaryKeys();
    const keys = [...new Set(batch)];
    const fresh = keys.slice(checked).filter((k) => narrowers.every((s) => s.has(k)));
    checked = keys.length;
    if (fresh.length > 0) found.push(...(await t.bulkGet(fresh)).filter(matches));
    if (found.length >= limit || batch.length < cap) break;
  }
  return found.sort(byName).slice(0, limit) as RowOf<N>[];
}

/** The words of a search box, lower-cased the way `_terms` are (an e-mail typed whole is kept whole too). */
export function queryWords(query: string): string[] {
  const ws = words(query.trim());
  // words() keeps "a@b.c" whole and split; a prefix of the whole address is enough.
  const whole = ws.filter((w) => w.includes('@'));
  return whole.length > 0 ? [...whole, ...ws.filter((w) => !whole.some((x) => x.includes(w)))] : ws;
}

export type TimelineOf = { contactId: string } | { accountId: string };
export type TimelineOptions = { limit?: number };

/**
 * The latest interactions of a contact or account, newest first, on `[contactId+at]` / `[accountId+at]`. Rows are read
 * unfiltered and deleted ones dropped here: a Dexie query with a filter walks a cursor row by row, which took twice as
 * long for 100 rows in Chromium. Deleted interactions are rare, so a second read (past them) is rarely needed.
 */
export async function timeline(db: FieldbookDb, of: TimelineOf, limit = 100): Promise<RowOf<'interaction'>[]> {
  const [index, id] = 'contactId' in of ? ['[contactId+at]', of.contactId] : ['[accountId+at]', of.accountId];
  if (!id || limit <= 0) return [];
  const newestFirst = () => table(db, 'interaction').where(index).between([id, Dexie.minKey], [id, Dexie.maxKey]).reverse();
  const out: AnyRow[] = [];
  for (let offset = 0; out.length < limit; ) {
    const want = limit - out.length;
    const chunk = await newestFirst().offset(offset).limit(want).toArray();
    for (const r of chunk) if (r._del === 0) out.push(r);
    offset += chunk.length;
    if (chunk.length < want) break;
  }
  return out as unknown as RowOf<'interaction'>[];
}

/** Stage ids whose opportunities are closed (won or lost): stages are data, the defaults cover an empty workspace. */
async function closedStages(db: FieldbookDb): Promise<Set<string>> {
  const closed = new Set<string>(defaultStages.filter((s) => s.outcome !== 'open').map((s) => s.id));
  for (const s of (await table(db, 'stage').toArray()) as unknown as RowOf<'stage'>[]) {
    if (s.outcome !== 'open') closed.add(s.id);
    else closed.delete(s.id);
  }
  return closed;
}

export type Related = {
  account: RowOf<'account'> | null;
  /** The account's contacts (empty for a contact). */
  contacts: RowOf<'contact'>[];
  opportunities: RowOf<'opportunity'>[];
  tasks: RowOf<'task'>[];
  tickets: RowOf<'ticket'>[];
  orders: RowOf<'order'>[];
};

const RECENT_ORDERS = 5;
const openTicket = (t: RowOf<'ticket'>) => t.status !== 'resolved' && t.status !== 'closed';

/**
 * What hangs off a contact or an account: its account (for a contact), contacts (for an account), open opportunities,
 * open tasks, tickets (open first) and the latest orders, each read on its own `[contactId+…]` / `[accountId+…]` index.
 */
export async function relatedOf(db: FieldbookDb, kind: 'contact' | 'account', id: string): Promise<Related> {
  const key = kind === 'contact' ? 'contactId' : 'accountId';
  const live = <R extends { _del: 0 | 1 }>(rows: R[]) => rows.filter((r) => r._del === 0);
  const [self, closed] = await Promise.all([table(db, kind).get(id), closedStages(db)]);
  const accountId = kind === 'account' ? id : ((self?.accountId as string | undefined) ?? '');
  const opps =
    kind === 'contact'
      ? table(db, 'opportunity').where('contactId').equals(id)
      : table(db, 'opportunity').where('[accountId+_del]').equals([id, 0]);
  const [account, contacts, opportunities, tasks, tickets, orders] = await Promise.all([
    accountId ? table(db, 'account').get(accountId) : undefined,
    kind === 'account' ? contactsOfAccount(db, id) : Promise.resolve([]),
    opps.toArray(),
    table(db, 'task').where(`[${key}+_del]`).equals([id, 0]).filter((t) => t.status === 'open').toArray(),
    table(db, 'ticket').where(`[${key}+_del]`).equals([id, 0]).toArray(),
    table(db, 'order')
      .where(`[${key}+orderedAt]`)
      .between([id, Dexie.minKey], [id, Dexie.maxKey])
      .reverse()
      .filter((o) => o._del === 0)
      .limit(RECENT_ORDERS)
      .toArray()
  ]);
  const byDue = (a: AnyRow, b: AnyRow) => String(a.due ?? '\uffff').localeCompare(String(b.due ?? '\uffff'));
  const ticketRows = live(tickets as unknown as RowOf<'ticket'>[]);
  return {
    account: account && account._del === 0 ? (account as unknown as RowOf<'account'>) : null,
    contacts,
    opportunities: live(opportunities as unknown as RowOf<'opportunity'>[])
      .filter((o) => !closed.has(o.stage) && !o.closedAt)
      .sort((a, b) => a.closeDate.localeCompare(b.closeDate)),
    tasks: (tasks.sort(byDue) as unknown as RowOf<'task'>[]),
    tickets: ticketRows.sort((a, b) => Number(openTicket(b)) - Number(openTicket(a)) || b.createdAt.localeCompare(a.createdAt)),
    orders: orders as unknown as RowOf<'order'>[]
  };
}

/** Live contacts of an account in name order, on `[accountId+_del]`. */
export async function contactsOfAccount(db: FieldbookDb, accountId: string): Promise<RowOf<'contact'>[]> {
  if (!accountId) return [];
  const rows = await table(db, 'contact').where('[accountId+_del]').equals([accountId, 0]).toArray();
  return rows.sort(byName) as unknown as RowOf<'contact'>[];
}

/** The fields of a record whose concurrent edit lost and waits for review. */
export async function conflictsOf(db: FieldbookDb, name: CollectionName, id: string): Promise<ConflictRow[]> {
  return db.conflicts.where('[collection+recordId]').equals([name, id]).toArray();
}

/** One record by id (deleted ones too: the detail screen shows them with a Restore banner). */
export async function recordById<N extends CollectionName>(db: FieldbookDb, name: N, id: string): Promise<RowOf<N> | undefined> {
  return (await table(db, name).get(id)) as RowOf<N> | undefined;
}
