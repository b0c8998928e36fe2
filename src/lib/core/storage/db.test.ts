// Schema versions: a workspace stored by version 1 or 2 opens under the current schema with every row, doc and counter kept.
import { describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { createContact, createRecord, updateContact } from '../commands';
import { collections } from '../model/registry';
import { projectAll, readModel } from '../sync/rebuild';
import { Workspace } from '../sync/workspace';
import { memoryWorkspace } from '../testing';
import { FieldbookDb, storeSpec, storeSpecV1, storeSpecV2 } from './db';
import { listPage, searchPrefix, timeline } from './queries';

/** Index names of every table as IndexedDB itself reports them (not as Dexie declares them). */
async function indexesOf(indexedDB: IDBFactory, name: string): Promise<Record<string, string[]>> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const tx = db.transaction([...db.objectStoreNames], 'readonly');
  const out: Record<string, string[]> = {};
  for (const store of db.objectStoreNames) out[store] = [...tx.objectStore(store).indexNames].sort();
  db.close();
  return out;
}

/**
 * A database laid out as version 1 left it: plain Dexie with the frozen version-1 stores, holding the tables of `from`
 * row for row (the stored shapes did not change, except that version 1 wrote `_conflict: 0` on every row).
 */
async function storeAsV1(from: FieldbookDb, name: string, indexedDB: IDBFactory): Promise<void> {
  const v1 = new Dexie(name, { indexedDB, IDBKeyRange });
  v1.version(1).stores(storeSpecV1);
  await v1.open();
  for (const table of from.tables) {
    const rows = await table.toArray();
    const isReadModel = Object.values(collections).some((c) => c.table === table.name);
    await v1.table(table.name).bulkAdd(isReadModel ? rows.map((r) => ({ _conflict: 0, ...r })) : rows);
  }
  v1.close();
}

/** The same for version 2 (rows as the current version writes them). */
async function storeAsV2(from: FieldbookDb, name: string, indexedDB: IDBFactory): Promise<void> {
  const v2 = new Dexie(name, { indexedDB, IDBKeyRange });
  v2.version(1).stores(storeSpecV1);
  v2.version(2).stores(storeSpecV2);
  await v2.open();
  for (const table of from.tables) await v2.table(table.name).bulkAdd(await table.toArray());
  v2.close();
}

/** The read model with version 1's `_conflict: 0` left out, to compare with a fresh projection. */
function dropDenseConflict(model: Map<string, Record<string, unknown>[]>): Map<string, Record<string, unknown>[]> {
  return new Map([...model].map(([k, rows]) => [k, rows.map(({ _conflict, ...r }) => (_conflict ? { _conflict, ...r } : r))]));
}

describe('FieldbookDb schema versions', () => {
  it('version 2 keeps the list indexes on list tables and drops them on interactions and orders', () => {
    const spec = storeSpec();
    expect(spec.contacts.split(', ')).toEqual(expect.arrayContaining(['id', '*_terms', '[_del+_sort]', 'updatedAt', '_conflict', '[accountId+_del]']));
    for (const table of ['interactions', 'orders']) {
      expect(spec[table]).not.toMatch(/\[_del\+_sort\]|updatedAt|_doc/);
      // Global search still finds interactions and orders by their words.
      expect(spec[table]).toContain('*_terms');
    }
    expect(spec.interactions).toContain('[contactId+at]');
    expect(spec.interactions).not.toMatch(/campaignId|opportunityId/);
    expect(Object.values(spec).join()).not.toContain('_doc');
  });

  it('upgrades a version-1 workspace: rows, docs, counters and history kept, queries answer, old indexes gone', async () => {
    // What version 1 stored, made through the real write path (the row shapes are the same in both versions).
    const source = memoryWorkspace({ device: 11, user: () => 'anita' });
    const sita = await createContact(source, { firstName: 'Sita', lastName: 'Rai', email: 'sita@example.com' });
    await createContact(source, { firstName: 'Hari', lastName: 'Thapa' });
    await updateContact(source, sita.id, { title: 'Buyer' });
    for (let d = 1; d <= 3; d++) {
      await createRecord(source, 'interaction', { channel: 'phone', at: `2026-10-0${d}T10:00:00.000Z`, contactId: sita.id, summary: `Call ${d}` });
    }
    const before = await readModel(source);
    const historyBefore = await source.db.history.count();
    expect(historyBefore).toBeGreaterThan(0);
    const indexedDB = new IDBFactory();
    const name = 'fieldbook-upgrade';
    await storeAsV1(source.db, name, indexedDB);
    source.close();
    expect((await indexesOf(indexedDB, name)).interactions).toContain('updatedAt');

    const v2 = new FieldbookDb(name, { indexedDB, IDBKeyRange });
    await v2.open();
    expect(v2.verno).toBe(3);
    const ws2 = new Workspace({ db: v2, device: 11, user: () => 'anita' });
    // Every row as it was (version 1's `_conflict: 0` included).
    expect(await readModel(ws2)).toEqual(new Map([...before].map(([k, rows]) => [k, rows.map((r) => ({ _conflict: 0, ...r }))])));
    expect(await v2.history.count()).toBe(historyBefore);
    expect(await v2.counter('contact')).toEqual({ live: 2, deleted: 0 });
    expect(await v2.counter('interaction')).toEqual({ live: 3, deleted: 0 });

    const indexes = await indexesOf(indexedDB, name);
    expect(indexes.interactions).not.toContain('updatedAt');
    expect(indexes.interactions).not.toContain('[_del+_sort]');
    expect(indexes.contacts).not.toContain('_doc');
    expect(indexes.contacts).not.toContain('email');
    for (const c of Object.values(collections)) {
      const declared = storeSpec()[c.table].split(', ').slice(1).map((i) => i.replace(/^\*/, ''));
      expect(indexes[c.table], c.table).toEqual([...declared].sort());
    }

    // The screens' queries answer on the upgraded store, and new writes land beside the old rows.
    expect((await listPage(v2, 'contact', { offset: 0, limit: 10, sort: 'name' })).map((r) => r.firstName)).toEqual(['Hari', 'Sita']);
    expect((await searchPrefix(v2, 'contact', 'sit')).map((r) => r.id)).toEqual([sita.id]);
    expect((await timeline(v2, { contactId: sita.id })).map((i) => i.summary)).toEqual(['Call 3', 'Call 2', 'Call 1']);
    await updateContact(ws2, sita.id, { title: 'Head buyer' });
    const gita = await createContact(ws2, { firstName: 'Gita' });
    expect(await v2.counter('contact')).toEqual({ live: 3, deleted: 0 });
    expect(dropDenseConflict(await readModel(ws2))).toEqual(await projectAll(ws2));
    // Rows written under version 2 carry no `_conflict` unless in conflict, so the index leaves them out; a row left
    // from version 1 stays under 0 (asked for by no query) until its next write.
    const indexed = await v2.rows('contact').where('_conflict').anyOf([0, 1]).primaryKeys();
    expect(indexed).not.toContain(gita.id);
    expect(indexed).not.toContain(sita.id);
    expect(indexed).toHaveLength(1);
    ws2.close();
    v2.close();
  });

  it('upgrades a version-2 workspace: the unread contact and lead indexes go, rows and queries stay', async () => {
    const source = memoryWorkspace({ device: 12, user: () => 'anita' });
    const sita = await createContact(source, { firstName: 'Sita', lastName: 'Rai', email: 'sita@example.com', phone: '+977 1 4412345' });
    await createRecord(source, 'lead', { firstName: 'Ram', lastName: 'Karki', email: 'ram@example.com', company: 'Karki Traders' });
    const before = await readModel(source);
    const indexedDB = new IDBFactory();
    const name = 'fieldbook-upgrade-v2';
    await storeAsV2(source.db, name, indexedDB);
    source.close();
    expect((await indexesOf(indexedDB, name)).contacts).toEqual(expect.arrayContaining(['email', 'phone']));

    const db = new FieldbookDb(name, { indexedDB, IDBKeyRange });
    await db.open();
    expect(db.verno).toBe(3);
    const ws = new Workspace({ db, device: 12, user: () => 'anita' });
    expect(await readModel(ws)).toEqual(before);
    const indexes = await indexesOf(indexedDB, name);
    expect(indexes.contacts).not.toContain('email');
    expect(indexes.contacts).not.toContain('phone');
    expect(indexes.leads).not.toContain('email');
    expect(indexes.leads).toContain('source');
    // Search by e-mail still works: the address is one of the record's search terms.
    expect((await searchPrefix(db, 'contact', 'sita@ex')).map((r) => r.id)).toEqual([sita.id]);
    await updateContact(ws, sita.id, { email: 'sita.rai@example.com' });
    expect(await readModel(ws)).toEqual(await projectAll(ws));
    ws.close();
    db.close();
  });
});
