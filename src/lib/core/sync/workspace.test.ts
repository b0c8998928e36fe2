// The write path: read model equals the Yjs projection, peers' bad updates are refused, storage failures lose nothing.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createContact, createRecord, createRecords, deleteContact, restoreContact, updateContact, updateRecord, ValidationError, resolveConflict } from '../commands';
import { memoryDb, memoryWorkspace } from '../testing';
import { compactDoc } from './compaction';
import { Workspace, StorageError, RejectedUpdateError, ReadOnlyError } from './workspace';
import { projectAll, readModel } from './rebuild';
import { recordsOf } from './record-map';
import { docIdFor } from './doc-layout';
import { collections } from '../model/registry';

/** Sends every doc of `from` to `to`: what a sync session does, without the transport. */
async function syncInto(from: Workspace, to: Workspace) {
  for (const { docId } of await from.db.docs.toArray()) {
    const theirs = await to.db.docs.get(docId);
    const update = Y.encodeStateAsUpdate(await from.doc(docId), theirs?.sv);
    await to.applyRemote(docId, update);
  }
}

describe('commands and the read model', () => {
  it('validation errors name the field and the rule, and nothing is stored', async () => {
    const ws = memoryWorkspace();
    const err = await createContact(ws, { firstName: 'Asha', email: 'not-an-email' }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues).toEqual([{ path: 'email', message: 'must be an email address' }]);
    expect(await ws.db.rows('contact').count()).toBe(0);
    const err2 = await createRecord(ws, 'opportunity', { name: 'Deal', amount: { amount: 1.5, currency: 'NPR' }, closeDate: '2026-12-01' }).catch((e) => e);
    expect(err2.issues[0]).toEqual({ path: 'amount.amount', message: 'must be a whole number of minor units' });
  });

  it('soft delete keeps the record restorable and counters follow', async () => {
    const ws = memoryWorkspace();
    const a = await createContact(ws, { firstName: 'Asha', lastName: 'Gurung' });
    await createContact(ws, { firstName: 'Bikash' });
    expect(await ws.db.counter('contact')).toEqual({ live: 2, deleted: 0 });
    await deleteContact(ws, a.id);
    expect(await ws.db.counter('contact')).toEqual({ live: 1, deleted: 1 });
    expect((await ws.db.rows('contact').get(a.id))?._del).toBe(1);
    await restoreContact(ws, a.id);
    const row = await ws.db.rows('contact').get(a.id);
    expect(row).toMatchObject({ _del: 0, deletedAt: null, firstName: 'Asha' });
    expect(await ws.db.counter('contact')).toEqual({ live: 2, deleted: 0 });
  });

  it('keeps the read model equal to the projection of the Yjs state, across a reload from storage', async () => {
    const db = memoryDb();
    const ws = memoryWorkspace({ db, device: 7 });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await createContact(ws, { firstName: `P${i}`, email: `p${i}@example.com` })).id);
    for (let i = 0; i < 30; i += 3) await updateContact(ws, ids[i], { phone: `+977 98${i}` });
    for (let i = 0; i < 30; i += 7) await deleteContact(ws, ids[i]);
    await createRecord(ws, 'interaction', { channel: 'phone', at: '2026-10-02T10:00:00.000Z', contactId: ids[1], summary: 'Call' });
    await createRecord(ws, 'interaction', { channel: 'email', at: '2026-11-02T10:00:00.000Z', contactId: ids[1], summary: 'Mail' });
    expect(await readModel(ws)).toEqual(await projectAll(ws));
    // A second workspace on the same database loads every doc from snapshot + log and projects the same rows.
    const again = new Workspace({ db, device: 7, user: () => 'u' });
    expect(await projectAll(again)).toEqual(await readModel(ws));
    expect((await ws.db.docs.toArray()).map((d) => d.docId)).toEqual(expect.arrayContaining(['interaction/2026-10', 'interaction/2026-11']));
  });

  it('writes only the fields that changed', async () => {
    const ws = memoryWorkspace();
    const c = await createContact(ws, { firstName: 'Asha', lastName: 'Gurung', phone: '123' });
    const before = (await ws.db.updates.toArray()).length;
    await updateContact(ws, c.id, { firstName: 'Asha', lastName: 'Gurung', phone: '123' });
    expect((await ws.db.updates.toArray()).length).toBe(before);
    const doc = await ws.doc((await ws.db.rows('contact').get(c.id))!._doc as string);
    expect([...recordsOf(doc).get(c.id)!.keys()].filter((k) => k.startsWith('phone|'))).toHaveLength(1);
  });

  it('refuses writes in a read-only tab', async () => {
    const ws = memoryWorkspace({ isWriter: false });
    await expect(createContact(ws, { firstName: 'X' })).rejects.toBeInstanceOf(ReadOnlyError);
  });
});

describe('merging two devices', () => {
  it('keeps concurrent edits of different fields, and lists a same-field conflict with both values', async () => {
    let clock = Date.UTC(2026, 10, 1);
    const a = memoryWorkspace({ device: 1, user: () => 'anita', now: () => clock });
    const b = memoryWorkspace({ device: 2, user: () => 'bishal', now: () => clock });
    const c = await createContact(a, { firstName: 'Sita', lastName: 'Rai', phone: '1' });
    await syncInto(a, b);
    clock += 1000;
    await updateContact(a, c.id, { email: 'sita@example.com', title: 'Manager' });
    await updateContact(b, c.id, { phone: '+977 9800000000', title: 'Director' });
    clock += 1000;
    await syncInto(a, b);
    await syncInto(b, a);
    const ra = await a.db.rows('contact').get(c.id);
    const rb = await b.db.rows('contact').get(c.id);
    expect(ra).toEqual(rb);
    expect(ra).toMatchObject({ email: 'sita@example.com', phone: '+977 9800000000', _conflict: 1 });
    // Same wall time: the stamp order (then device id) picks one winner on both devices; the loser is kept for review.
    const conflicts = await a.db.conflicts.toArray();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ path: 'title', recordId: c.id });
    const values = [conflicts[0].winner.value, conflicts[0].losers[0].value].sort();
    expect(values).toEqual(['Director', 'Manager']);
    expect(await b.db.conflicts.toArray()).toEqual(conflicts);
    // Keeping the losing value settles it everywhere.
    await resolveConflict(a, 'contact', c.id, 'title', conflicts[0].losers[0].value);
    await syncInto(a, b);
    expect(await a.db.conflicts.count()).toBe(0);
    expect(await b.db.conflicts.count()).toBe(0);
    expect((await b.db.rows('contact').get(c.id))?.title).toBe(conflicts[0].losers[0].value);
  });

  it('the later edit wins a same-field conflict, whichever device id is larger', async () => {
    let clock = Date.UTC(2026, 10, 1);
    const a = memoryWorkspace({ device: 900, now: () => clock });
    const b = memoryWorkspace({ device: 5, now: () => clock });
    const o = await createRecord(a, 'opportunity', { name: 'Hotel TVs', amount: { amount: 500_000_00, currency: 'NPR' }, closeDate: '2026-12-15' });
    await syncInto(a, b);
    clock += 1_000;
    await updateRecord(a, 'opportunity', o.id, { stage: 'proposal' });
    clock += 60_000;
    await updateRecord(b, 'opportunity', o.id, { stage: 'negotiation' });
    await syncInto(a, b);
    await syncInto(b, a);
    expect((await a.db.rows('opportunity').get(o.id))?.stage).toBe('negotiation');
    expect((await b.db.rows('opportunity').get(o.id))?.stage).toBe('negotiation');
  });

  it('a delete and a concurrent edit: the record stays deleted, and restoring it shows the edit', async () => {
    const a = memoryWorkspace({ device: 1 });
    const b = memoryWorkspace({ device: 2 });
    const c = await createContact(a, { firstName: 'Hari' });
    await syncInto(a, b);
    await deleteContact(a, c.id);
    await updateContact(b, c.id, { phone: '555' });
    await syncInto(a, b);
    await syncInto(b, a);
    expect(await a.db.rows('contact').get(c.id)).toMatchObject({ _del: 1, phone: '555' });
    await restoreContact(a, c.id);
    expect(await a.db.rows('contact').get(c.id)).toMatchObject({ _del: 0, phone: '555' });
  });

  it('merges concurrent edits to different quote lines and keeps their order', async () => {
    const a = memoryWorkspace({ device: 1 });
    const b = memoryWorkspace({ device: 2 });
    const q = await createRecord(a, 'quote', {
      number: 'Q-7',
      currency: 'NPR',
      lines: [
        { description: 'Phone', quantity: 1, unitPrice: 150_000_00 },
        { description: 'Case', quantity: 1, unitPrice: 1_500_00 }
      ] as never
    });
    await syncInto(a, b);
    const [phone, kase] = q.lines;
    await updateRecord(a, 'quote', q.id, { lines: [{ ...phone, quantity: 3 }, kase] });
    await updateRecord(b, 'quote', q.id, { lines: [phone, { ...kase, discountPct: 10 }, { description: 'Earbuds', quantity: 1, unitPrice: 9_000_00 } as never] });
    await syncInto(a, b);
    await syncInto(b, a);
    const lines = (await a.db.rows('quote').get(q.id))?.lines as { description: string; quantity: number; discountPct: number }[];
    expect(lines.map((l) => [l.description, l.quantity, l.discountPct])).toEqual([
      ['Phone', 3, 0],
      ['Case', 1, 10],
      ['Earbuds', 1, 0]
    ]);
    expect(await b.db.rows('quote').get(q.id)).toEqual(await a.db.rows('quote').get(q.id));
  });
});

describe('bad input from peers and from the disk', () => {
  it('refuses a corrupt update and leaves local data intact', async () => {
    const ws = memoryWorkspace();
    const c = await createContact(ws, { firstName: 'Asha' });
    const docId = (await ws.db.rows('contact').get(c.id))!._doc as string;
    const before = await readModel(ws);
    await expect(ws.applyRemote(docId, new Uint8Array([1, 2, 3, 250, 251]))).rejects.toBeInstanceOf(RejectedUpdateError);
    expect(await readModel(ws)).toEqual(before);
  });

  it('refuses an update whose record breaks its schema (hostile peer), and one with a malformed register', async () => {
    const ws = memoryWorkspace();
    const c = await createContact(ws, { firstName: 'Asha' });
    const docId = (await ws.db.rows('contact').get(c.id))!._doc as string;
    const before = await readModel(ws);
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(await ws.doc(docId)));
    recordsOf(peer).get(c.id)!.set('email|99', ['<script>not an email', '00000000z-0000-0000001', '', 'x']);
    await expect(ws.applyRemote(docId, Y.encodeStateAsUpdate(peer, Y.encodeStateVector(await ws.doc(docId))))).rejects.toThrow(/field email: must be an email address/);
    const peer2 = new Y.Doc();
    Y.applyUpdate(peer2, Y.encodeStateAsUpdate(await ws.doc(docId)));
    recordsOf(peer2).get(c.id)!.set('firstName|99', 'just a string' as never);
    await expect(ws.applyRemote(docId, Y.encodeStateAsUpdate(peer2, Y.encodeStateVector(await ws.doc(docId))))).rejects.toThrow(/malformed/);
    expect(await readModel(ws)).toEqual(before);
    expect(await projectAll(ws)).toEqual(before);
  });

  it('a full disk gives a clear message, stores nothing half, and keeps what was saved', async () => {
    const ws = memoryWorkspace();
    const c = await createContact(ws, { firstName: 'Asha', phone: '1' });
    const before = await readModel(ws);
    const updatesBefore = await ws.db.updates.count();
    // The read-model write fails after the update log was written in the same transaction: neither may stay.
    const table = ws.db.rows('contact');
    const bulkPut = table.bulkPut.bind(table);
    table.bulkPut = (() => Promise.reject(Object.assign(new Error('quota'), { name: 'QuotaExceededError' }))) as unknown as typeof table.bulkPut;
    const err = await updateContact(ws, c.id, { phone: '2' }).catch((e) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(err.message).toMatch(/storage is full/i);
    table.bulkPut = bulkPut;
    expect(await readModel(ws)).toEqual(before);
    expect(await ws.db.updates.count()).toBe(updatesBefore);
    // The failed edit is not lingering in memory either: the next edit starts from what was stored.
    await updateContact(ws, c.id, { title: 'Owner' });
    expect(await ws.db.rows('contact').get(c.id)).toMatchObject({ phone: '1', title: 'Owner' });
    expect(await projectAll(ws)).toEqual(await readModel(ws));
  });

  it('a bulk create over many docs is stored whole or not at all', async () => {
    const ws = memoryWorkspace({ cacheSize: 2 });
    await createContact(ws, { firstName: 'Kept' });
    const before = await readModel(ws);
    const counter = await ws.db.counter('contact');
    const inputs = Array.from({ length: 200 }, (_, i) => ({ firstName: `Bulk ${i}` }));
    const table = ws.db.rows('contact');
    const bulkPut = table.bulkPut.bind(table);
    let calls = 0;
    // The disk fills up part-way through the batch: the docs written before it must not stay either.
    table.bulkPut = ((rows: never[]) => (++calls > 3 ? Promise.reject(Object.assign(new Error('quota'), { name: 'QuotaExceededError' })) : bulkPut(rows))) as unknown as typeof table.bulkPut;
    await expect(createRecords(ws, 'contact', inputs)).rejects.toThrow(/storage is full/i);
    table.bulkPut = bulkPut;
    expect(calls).toBeGreaterThan(3);
    expect(await readModel(ws)).toEqual(before);
    expect(await ws.db.counter('contact')).toEqual(counter);
    expect(await projectAll(ws)).toEqual(before);
    // Then the same batch goes through whole, with more docs than the cache holds.
    const { created } = await createRecords(ws, 'contact', inputs);
    expect(created).toHaveLength(200);
    expect(new Set(created.map((r) => docIdFor(collections.contact, r as never))).size).toBeGreaterThan(2);
    expect(await ws.db.counter('contact')).toEqual({ live: 201, deleted: 0 });
    expect(ws.loadedDocs.length).toBeLessThanOrEqual(2);
    expect(await projectAll(ws)).toEqual(await readModel(ws));
  });
});

describe('compaction', () => {
  it('folds the update log into a snapshot without changing any record', async () => {
    const due: string[] = [];
    const ws = memoryWorkspace({ compactAfter: 5, onCompactionDue: (d) => due.push(d) });
    const c = await createContact(ws, { firstName: 'Asha' });
    for (let i = 0; i < 10; i++) await updateContact(ws, c.id, { phone: String(i) });
    const docId = (await ws.db.rows('contact').get(c.id))!._doc as string;
    expect(due).toContain(docId);
    const before = await projectAll(ws);
    const r = await compactDoc(ws.db, docId);
    expect(r.after).toBeLessThan(r.before);
    expect(await ws.db.updates.where('docId').equals(docId).count()).toBe(0);
    const fresh = new Workspace({ db: ws.db, device: ws.device, user: () => 'u' });
    expect(await projectAll(fresh)).toEqual(before);
    await updateContact(fresh, c.id, { title: 'after' });
    const again = new Workspace({ db: ws.db, device: ws.device, user: () => 'u' });
    expect((await projectAll(again)).get('contact')?.[0]).toMatchObject({ title: 'after', phone: '9' });
  });
});
