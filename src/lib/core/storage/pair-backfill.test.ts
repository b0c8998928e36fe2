// Pair terms for rows stored before they existed: written in the background, resumable, never overwriting an edit, and search right throughout.
import { describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { createContact, createRecord, createRecords, updateContact } from '../commands';
import { PAIR_MARK } from '../model/base';
import { searchAll } from '../search/global';
import { projectAll, readModel } from '../sync/rebuild';
import { Workspace } from '../sync/workspace';
import { memoryWorkspace } from '../testing';
import { FieldbookDb } from './db';
import { backfillPairTerms, pairedTypes } from './pair-backfill';
import { pairedCollections, pairsKey } from './pair-keys';

const hasPairs = (row: unknown) => (row as { _terms: string[] })._terms.some((t) => t.startsWith(PAIR_MARK));

/** A workspace as the version before pair terms left it: the same rows without them, and no backfill begun. */
async function storedBeforePairs() {
  const indexedDB = new IDBFactory();
  const db = new FieldbookDb('fieldbook-before-pairs', { indexedDB, IDBKeyRange });
  const ws = new Workspace({ db, device: 21, user: () => 'anita' });
  const sita = await createContact(ws, { firstName: 'Sita', lastName: 'Rai', company: 'Himal Traders' });
  await createRecords(ws, 'contact', Array.from({ length: 7 }, (_, i) => ({ firstName: `Hari${i}`, lastName: 'Thapa' })));
  const lead = await createRecord(ws, 'lead', { firstName: 'Ram', lastName: 'Karki', company: 'Karki Traders' });
  const task = await createRecord(ws, 'task', { title: 'Call Sita Rai' });
  for (const name of pairedCollections) {
    const rows = (await db.rows(name).toArray()) as { _terms: string[] }[];
    await db.rows(name).bulkPut(rows.map((r) => ({ ...r, _terms: r._terms.filter((t) => !t.startsWith(PAIR_MARK)) })));
    await db.meta.delete(pairsKey(name));
  }
  return { db, ws, sita, lead, task };
}

describe('pair terms backfill', () => {
  it('a new workspace has them from its first row: nothing to backfill', async () => {
    const ws = memoryWorkspace();
    await createContact(ws, { firstName: 'Puja', lastName: 'Thapa' });
    expect([...(await pairedTypes(ws.db))].sort()).toEqual([...pairedCollections].sort());
    expect(hasPairs(await ws.db.rows('contact').toCollection().first())).toBe(true);
    expect(await backfillPairTerms(ws.db)).toBe(0);
    ws.close();
  });

  it('gives older rows their pair terms chunk by chunk; search finds the same records before, during and after', async () => {
    const { db, ws, sita, lead, task } = await storedBeforePairs();
    expect((await pairedTypes(db)).size).toBe(0);
    const found = async (q: string) => (await searchAll(db, q)).map((h) => `${h.type}:${h.id}`).sort();
    const before = { sita: await found('ra si'), ram: await found('karki ra') };
    expect(before.sita).toEqual([`contact:${sita.id}`, `task:${task.id}`].sort());
    expect(before.ram).toEqual([`lead:${lead.id}`]);

    const progress: string[] = [];
    const rewritten = await backfillPairTerms(db, {
      chunk: 3,
      pause: async () => {
        // Between chunks the workspace is in use: search still answers the same.
        expect(await found('ra si')).toEqual(before.sita);
      },
      onProgress: (p) => progress.push(`${p.collection} ${p.rows}`)
    });
    expect(rewritten).toBe(9); // 8 contacts and 1 lead; the task is not a named type
    expect(progress.filter((p) => p.startsWith('contact')).length).toBeGreaterThanOrEqual(3);
    expect([...(await pairedTypes(db))].sort()).toEqual([...pairedCollections].sort());
    for (const row of await db.rows('contact').toArray()) expect(hasPairs(row)).toBe(true);
    expect(hasPairs(await db.rows('task').get(task.id))).toBe(false);
    // The read model is exactly what the current version projects from the docs.
    expect(await readModel(ws)).toEqual(await projectAll(ws));
    expect(await found('ra si')).toEqual(before.sita);
    expect(await found('karki ra')).toEqual(before.ram);
    expect(await backfillPairTerms(db)).toBe(0);
    ws.close();
    db.close();
  });

  it('a row whose stored terms are missing or damaged gets them whole, and is found again', async () => {
    const { db, ws, sita } = await storedBeforePairs();
    const row = (await db.rows('contact').get(sita.id)) as Record<string, unknown>;
    await db.rows('contact').put({ ...row, _terms: 'not a list' });
    await backfillPairTerms(db);
    expect(await readModel(ws)).toEqual(await projectAll(ws));
    expect((await searchAll(db, 'si ra')).map((h) => h.id)).toContain(sita.id);
    ws.close();
    db.close();
  });

  it('resumes where it stopped, and never overwrites an edit made between its chunks', async () => {
    const { db, ws, sita } = await storedBeforePairs();
    const stop = new AbortController();
    await expect(backfillPairTerms(db, { chunk: 3, signal: stop.signal, onProgress: (p) => p.collection === 'contact' && stop.abort() })).rejects.toThrow();
    const at = (await db.meta.get(pairsKey('contact')))?.value;
    expect(typeof at).toBe('string');
    let edited = false;
    await backfillPairTerms(db, {
      chunk: 3,
      pause: async () => {
        if (edited) return;
        edited = true;
        await updateContact(ws, sita.id, { lastName: 'Gurung' });
      }
    });
    expect(((await db.rows('contact').get(sita.id)) as { lastName: string }).lastName).toBe('Gurung');
    expect(await readModel(ws)).toEqual(await projectAll(ws));
    expect((await searchAll(db, 'si gur')).map((h) => h.id)).toEqual([sita.id]);
    ws.close();
    db.close();
  });
});
