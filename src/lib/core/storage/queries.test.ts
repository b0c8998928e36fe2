// Read-model queries: list pages, counts, prefix search, timelines and related records answer what the screens show.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createAccount, createContact, createRecord, createRecords, deleteContact, updateContact, updateRecord } from '../commands';
import { memoryDb, memoryWorkspace } from '../testing';
import type { Workspace } from '../sync/workspace';
import { conflictsOf, contactsOfAccount, listCount, listPage, relatedOf, searchPrefix, timeline, type ListOptions, type RowOf } from './queries';
import type { FieldbookDb } from './db';
import { syntheticContacts } from './synthetic';

/** A workspace whose clock moves a second per write, so "recently updated" order is unambiguous. */
function clockedWorkspace(user = 'anita') {
  let clock = Date.UTC(2026, 9, 1);
  return memoryWorkspace({ user: () => user, now: () => (clock += 1000) });
}

const names = (rows: { firstName?: string; name?: string }[]) => rows.map((r) => r.firstName ?? r.name);

/** Every page of a view, concatenated: what a user sees scrolling to the end. */
async function allPages(db: FieldbookDb, o: Omit<ListOptions, 'offset'>): Promise<RowOf<'contact'>[]> {
  const out: RowOf<'contact'>[] = [];
  for (let offset = 0; ; offset += o.limit) {
    const page = await listPage(db, 'contact', { ...o, offset });
    out.push(...page);
    if (page.length < o.limit) return out;
  }
}

describe('listPage and listCount', () => {
  it('pages live contacts in name order and the trash separately, with counts from the counters', async () => {
    const ws = clockedWorkspace();
    const created = await createRecords(
      ws,
      'contact',
      ['Maya', 'asha', 'Bikash', 'Hari', 'Gita', 'Dipak', 'Sita'].map((firstName) => ({ firstName }))
    );
    const gita = created.created.find((c) => c.firstName === 'Gita')!;
    await deleteContact(ws, gita.id);
    const page1 = await listPage(ws.db, 'contact', { offset: 0, limit: 3, sort: 'name' });
    const page2 = await listPage(ws.db, 'contact', { offset: 3, limit: 3, sort: 'name' });
    expect(names([...page1, ...page2])).toEqual(['asha', 'Bikash', 'Dipak', 'Hari', 'Maya', 'Sita']);
    expect(names(await listPage(ws.db, 'contact', { offset: 0, limit: 10, sort: 'name', filter: { trash: true } }))).toEqual(['Gita']);
    expect(await listCount(ws.db, 'contact')).toBe(6);
    expect(await listCount(ws.db, 'contact', { trash: true })).toBe(1);
  });

  it('"recently updated" is newest first, skips deleted rows and pages without gaps or repeats', async () => {
    const ws = clockedWorkspace();
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await createContact(ws, { firstName: `P${String(i).padStart(2, '0')}` })).id);
    for (const i of [3, 17, 18, 30, 39]) await deleteContact(ws, ids[i]);
    await updateContact(ws, ids[0], { phone: '+977 1' });
    const expected = [
      'P00',
      ...Array.from({ length: 39 }, (_, k) => 39 - k)
        .filter((i) => ![3, 17, 18, 30, 39].includes(i) && i !== 0)
        .map((i) => `P${String(i).padStart(2, '0')}`)
    ];
    for (const limit of [1, 4, 7, 50]) expect(names(await allPages(ws.db, { limit, sort: 'updated' }))).toEqual(expected);
    const trash = await listPage(ws.db, 'contact', { offset: 0, limit: 10, sort: 'updated', filter: { trash: true } });
    expect(names(trash)).toEqual(['P39', 'P30', 'P18', 'P17', 'P03']);
  });

  it('"mine" shows one owner\'s records, by name or by date, and counts them', async () => {
    const ws = clockedWorkspace('anita');
    await createRecords(ws, 'contact', [
      { firstName: 'Cara', owner: 'anita' },
      { firstName: 'Abe', owner: 'bishal' },
      { firstName: 'Bea', owner: 'anita' },
      { firstName: 'Dan', owner: 'bishal' }
    ]);
    const mine = await listPage(ws.db, 'contact', { offset: 0, limit: 10, sort: 'name', filter: { owner: 'anita' } });
    expect(names(mine)).toEqual(['Bea', 'Cara']);
    const bishal = (await listPage(ws.db, 'contact', { offset: 0, limit: 10, sort: 'name', filter: { owner: 'bishal' } }))[1];
    await updateContact(ws, bishal.id, { title: 'Buyer' });
    expect(names(await listPage(ws.db, 'contact', { offset: 0, limit: 10, sort: 'updated', filter: { owner: 'bishal' } }))).toEqual(['Dan', 'Abe']);
    expect(await listCount(ws.db, 'contact', { owner: 'anita' })).toBe(2);
  });

  it('"has conflicts" lists only records with a losing concurrent edit', async () => {
    let clock = Date.UTC(2026, 10, 1);
    const a = memoryWorkspace({ device: 1, now: () => clock });
    const b = memoryWorkspace({ device: 2, now: () => clock });
    const sita = await createContact(a, { firstName: 'Sita' });
    await createContact(a, { firstName: 'Ram' });
    await syncInto(a, b);
    clock += 1000;
    await updateContact(a, sita.id, { title: 'Manager' });
    await updateContact(b, sita.id, { title: 'Director' });
    await syncInto(b, a);
    expect(names(await listPage(a.db, 'contact', { offset: 0, limit: 10, sort: 'name', filter: { conflicts: true } }))).toEqual(['Sita']);
    expect(await listCount(a.db, 'contact', { conflicts: true })).toBe(1);
    expect((await conflictsOf(a.db, 'contact', sita.id)).map((c) => c.path)).toEqual(['title']);
  });

  it('an account filter lists that account\'s contacts only', async () => {
    const ws = clockedWorkspace();
    const acme = await createAccount(ws, { name: 'Acme' });
    const other = await createAccount(ws, { name: 'Other' });
    await createContact(ws, { firstName: 'Zed', accountId: acme.id });
    await createContact(ws, { firstName: 'Amy', accountId: acme.id });
    await createContact(ws, { firstName: 'Bob', accountId: other.id });
    expect(names(await listPage(ws.db, 'contact', { offset: 0, limit: 10, sort: 'name', filter: { accountId: acme.id } }))).toEqual(['Amy', 'Zed']);
    expect(names(await contactsOfAccount(ws.db, acme.id))).toEqual(['Amy', 'Zed']);
    expect(await listCount(ws.db, 'contact', { accountId: acme.id })).toBe(2);
  });
});

describe('searchPrefix', () => {
  it('matches every word as a prefix of a name, e-mail or company word, ignoring case and deleted records', async () => {
    const ws = clockedWorkspace();
    const acme = await createAccount(ws, { name: 'Acme Traders' });
    await createContact(ws, { firstName: 'Sita', lastName: 'Rai', email: 'sita.rai@himal.np', accountId: acme.id, company: 'Acme Traders' });
    await createContact(ws, { firstName: 'Sitaram', lastName: 'Thapa', email: 'st@example.com' });
    await createContact(ws, { firstName: 'Ram', lastName: 'Rai', email: 'ram@acme.example' });
    const gone = await createContact(ws, { firstName: 'Sita', lastName: 'Gone' });
    await deleteContact(ws, gone.id);
    expect(names(await searchPrefix(ws.db, 'contact', 'sit'))).toEqual(['Sita', 'Sitaram']);
    expect(names(await searchPrefix(ws.db, 'contact', 'SITA rai'))).toEqual(['Sita']);
    expect(names(await searchPrefix(ws.db, 'contact', 'rai'))).toEqual(['Ram', 'Sita']);
    expect(names(await searchPrefix(ws.db, 'contact', 'acme'))).toEqual(['Ram', 'Sita']);
    expect(names(await searchPrefix(ws.db, 'contact', 'sita.rai@him'))).toEqual(['Sita']);
    expect(names(await searchPrefix(ws.db, 'contact', 'gone'))).toEqual([]);
    expect(names(await searchPrefix(ws.db, 'contact', 'gone', 50, { trash: true }))).toEqual(['Sita']);
    expect(await searchPrefix(ws.db, 'contact', '  ')).toEqual([]);
    expect(names(await searchPrefix(ws.db, 'account', 'tra'))).toEqual(['Acme Traders']);
  });

  it('stops at the limit', async () => {
    const ws = clockedWorkspace();
    await createRecords(ws, 'contact', Array.from({ length: 30 }, (_, i) => ({ firstName: `Anil${i}` })));
    expect(await searchPrefix(ws.db, 'contact', 'ani', 12)).toHaveLength(12);
  });

  // The time these queries take is a benchmark (tests/bench/storage.bench.ts, and in Chromium tests/bench/app.bench.ts).
  it('finds the right contacts among 50,000: common and rare prefixes, two words, e-mail addresses, no match', async () => {
    const db = memoryDb();
    await db.open();
    await db.rows('contact').bulkPut(syntheticContacts(50_000));
    for (const q of ['a', 'ash', 'gita4 rai', 'company 12', 'p4999', 'lax', 'mag']) {
      const rows = await searchPrefix(db, 'contact', q);
      expect(rows.length, q).toBeGreaterThan(0);
      for (const r of rows) for (const w of q.split(' ')) expect(r._terms.some((t) => t.startsWith(w)), `${q}: ${r.id}`).toBe(true);
      // Results come in list (name) order.
      expect(rows.map((r) => r._sort), q).toEqual(rows.map((r) => r._sort).sort());
    }
    expect(names(await searchPrefix(db, 'contact', 'p49999@'))).toEqual(['jamuna44']);
    expect(names(await searchPrefix(db, 'contact', 'gita4 rai'))).toEqual(expect.arrayContaining(['gita4']));
    expect(await searchPrefix(db, 'contact', 'kam thapa')).toEqual([]);
    expect(await searchPrefix(db, 'contact', 'zzz')).toEqual([]);
    expect(await searchPrefix(db, 'contact', 'ash')).toHaveLength(50);
    // A rare second word narrows a common first one: the same contacts a full scan finds.
    const all = (await db.rows('contact').toArray()) as unknown as RowOf<'contact'>[];
    const expected = all.filter((r) => ['ma', '12'].every((w) => r._terms.some((t) => t.startsWith(w)))).map((r) => r.id).sort();
    expect(expected.length).toBeGreaterThan(10);
    expect((await searchPrefix(db, 'contact', 'ma 12', 500)).map((r) => r.id).sort()).toEqual(expected);
  });
});

describe('timeline and related records', () => {
  it('shows a contact\'s latest interactions newest first, and the account\'s across its contacts', async () => {
    const ws = clockedWorkspace();
    const acme = await createAccount(ws, { name: 'Acme' });
    const sita = await createContact(ws, { firstName: 'Sita', accountId: acme.id });
    const ram = await createContact(ws, { firstName: 'Ram', accountId: acme.id });
    for (let d = 1; d <= 5; d++) {
      await createRecord(ws, 'interaction', { channel: 'phone', at: `2026-10-0${d}T10:00:00.000Z`, contactId: sita.id, accountId: acme.id, summary: `Call ${d}` });
    }
    await createRecord(ws, 'interaction', { channel: 'email', at: '2026-11-20T10:00:00.000Z', contactId: ram.id, accountId: acme.id, summary: 'Mail' });
    const latest = await timeline(ws.db, { contactId: sita.id }, 3);
    expect(latest.map((i) => i.summary)).toEqual(['Call 5', 'Call 4', 'Call 3']);
    expect((await timeline(ws.db, { accountId: acme.id })).map((i) => i.summary)).toEqual(['Mail', 'Call 5', 'Call 4', 'Call 3', 'Call 2', 'Call 1']);
    expect(await timeline(ws.db, { contactId: '' })).toEqual([]);
  });

  it('leaves deleted interactions out of the timeline and still shows as many live ones as asked for', async () => {
    const ws = clockedWorkspace();
    const sita = await createContact(ws, { firstName: 'Sita' });
    const { created } = await createRecords(
      ws,
      'interaction',
      Array.from({ length: 9 }, (_, i) => ({ channel: 'phone' as const, at: `2026-10-0${i + 1}T10:00:00.000Z`, contactId: sita.id, summary: `Call ${i + 1}` }))
    );
    // The newest three deleted: the first read of three rows holds no live one.
    for (const i of [8, 7, 6, 4]) await updateRecord(ws, 'interaction', created[i].id, { deletedAt: '2026-11-01T10:00:00.000Z', deletedBy: 'anita' });
    expect((await timeline(ws.db, { contactId: sita.id }, 3)).map((i) => i.summary)).toEqual(['Call 6', 'Call 4', 'Call 3']);
    expect((await timeline(ws.db, { contactId: sita.id })).map((i) => i.summary)).toEqual(['Call 6', 'Call 4', 'Call 3', 'Call 2', 'Call 1']);
  });

  it('lists a contact\'s account, open opportunities, open tasks, tickets and recent orders', async () => {
    const ws = clockedWorkspace();
    const acme = await createAccount(ws, { name: 'Acme' });
    const sita = await createContact(ws, { firstName: 'Sita', accountId: acme.id });
    const other = await createContact(ws, { firstName: 'Other' });
    const deal = { amount: { amount: 100_00, currency: 'NPR' }, closeDate: '2026-12-01' };
    await createRecord(ws, 'opportunity', { name: 'Open deal', contactId: sita.id, accountId: acme.id, stage: 'proposal', ...deal });
    await createRecord(ws, 'opportunity', { name: 'Won deal', contactId: sita.id, accountId: acme.id, stage: 'won', ...deal });
    await createRecord(ws, 'opportunity', { name: 'Not hers', contactId: other.id, ...deal });
    await createRecord(ws, 'task', { title: 'Call back', contactId: sita.id, accountId: acme.id });
    const done = await createRecord(ws, 'task', { title: 'Done already', contactId: sita.id });
    await updateRecord(ws, 'task', done.id, { status: 'done' });
    await createRecord(ws, 'ticket', { subject: 'Broken TV', contactId: sita.id, accountId: acme.id });
    for (let m = 1; m <= 7; m++) {
      await createRecord(ws, 'order', { number: `SO-${m}`, orderedAt: `2026-0${m}-15T10:00:00.000Z`, currency: 'NPR', contactId: sita.id, accountId: acme.id });
    }
    const r = await relatedOf(ws.db, 'contact', sita.id);
    expect(r.account?.name).toBe('Acme');
    expect(names(r.opportunities)).toEqual(['Open deal']);
    expect(r.tasks.map((t) => t.title)).toEqual(['Call back']);
    expect(r.tickets.map((t) => t.subject)).toEqual(['Broken TV']);
    expect(r.orders.map((o) => o.number)).toEqual(['SO-7', 'SO-6', 'SO-5', 'SO-4', 'SO-3']);
    expect(r.contacts).toEqual([]);

    const a = await relatedOf(ws.db, 'account', acme.id);
    expect(names(a.contacts)).toEqual(['Sita']);
    expect(names(a.opportunities)).toEqual(['Open deal']);
    expect(a.tasks.map((t) => t.title)).toEqual(['Call back']);
    expect(a.orders).toHaveLength(5);

    const lonely = await relatedOf(ws.db, 'contact', other.id);
    expect(lonely.account).toBeNull();
    expect(lonely.tasks).toEqual([]);
  });
});

/** Sends every doc of `from` to `to`, as a sync session would. */
async function syncInto(from: Workspace, to: Workspace) {
  for (const { docId } of await from.db.docs.toArray()) {
    const theirs = await to.db.docs.get(docId);
    await to.applyRemote(docId, Y.encodeStateAsUpdate(await from.doc(docId), theirs?.sv));
  }
}

