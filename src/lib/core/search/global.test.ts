// Global search across record types: prefix and whole-word matches, ranking, groups in order, deleted records left out.
import { describe, expect, it, vi } from 'vitest';
import { createRecord, createRecords, deleteRecord } from '../commands';
import { memoryWorkspace } from '../testing';
import { searchAll, searchTypeLabels } from './global';

async function workspace() {
  const ws = memoryWorkspace();
  const account = await createRecord(ws, 'account', { name: 'Ramailo Traders', kind: 'customer', industry: 'Retail', address: { street: '', city: 'Pokhara', region: '', postalCode: '', country: '' } });
  const { created } = await createRecords(ws, 'contact', [
    { firstName: 'Ramesh', lastName: 'Karki', email: 'ramesh@example.com', company: 'Himalayan Java', title: 'Manager' },
    { firstName: 'Ram', lastName: 'Thapa', email: 'ram.thapa@example.com' },
    { firstName: 'Sita', lastName: 'Ramdam', email: 'sita@example.com' },
    { firstName: 'Gone', lastName: 'Ramsay', email: 'gone@example.com' }
  ]);
  // createRecords returns records grouped by doc: put them back in input order.
  const contacts = ['Ramesh', 'Ram', 'Sita', 'Gone'].map((first) => created.find((c) => c.firstName === first)!);
  await deleteRecord(ws, 'contact', contacts[3].id);
  await createRecord(ws, 'lead', { firstName: 'Rama', lastName: 'Devi', company: 'Lotus Hotels', status: 'working' });
  const opp = await createRecord(ws, 'opportunity', { name: 'Ramailo POS rollout', amount: { amount: 1_250_000_00, currency: 'NPR' }, closeDate: '2026-03-01', accountId: account.id });
  await createRecord(ws, 'task', { title: 'Call Ramesh about the rollout' });
  await createRecord(ws, 'ticket', { subject: 'Ramailo printer jams' });
  await createRecord(ws, 'interaction', { channel: 'phone', at: '2026-01-05T10:00:00.000Z', summary: 'Zebra barcode demo', contactId: contacts[0].id });
  return { ws, account, contacts, opp };
}

describe('global search', () => {
  it('finds records of every type by a 3-letter prefix, contacts and accounts first, deleted ones left out', async () => {
    const { ws, account, contacts, opp } = await workspace();
    const hits = await searchAll(ws.db, 'ram');
    expect(hits.map((h) => [h.type, h.title])).toEqual([
      ['contact', 'Ram Thapa'],
      ['contact', 'Ramesh Karki'],
      ['contact', 'Sita Ramdam'],
      ['account', 'Ramailo Traders'],
      ['lead', 'Rama Devi'],
      ['opportunity', 'Ramailo POS rollout'],
      ['task', 'Call Ramesh about the rollout'],
      ['ticket', 'Ramailo printer jams']
    ]);
    expect(hits[0]).toMatchObject({ id: contacts[1].id, href: `/contacts/${contacts[1].id}`, subtitle: 'ram.thapa@example.com' });
    expect(hits[1].subtitle).toBe('Manager at Himalayan Java · ramesh@example.com');
    expect(hits.find((h) => h.type === 'account')).toMatchObject({ href: `/accounts/${account.id}`, subtitle: 'Customer · Retail · Pokhara' });
    expect(hits.find((h) => h.type === 'opportunity')).toMatchObject({ href: `/opportunities/${opp.id}`, subtitle: 'Prospecting · NPR 1,250,000 · closes 2026-03-01' });
    expect(hits.find((h) => h.type === 'ticket')?.href).toBeNull();
    ws.close();
  });

  it('ranks a whole-word match above prefix matches within a type', async () => {
    const { ws } = await workspace();
    const contacts = (await searchAll(ws.db, 'ram')).filter((h) => h.type === 'contact');
    expect(contacts.map((h) => h.exact)).toEqual([1, 0, 0]);
    ws.close();
  });

  it('matches every word of the query and whole e-mail addresses', async () => {
    const { ws } = await workspace();
    expect((await searchAll(ws.db, 'ram kar')).map((h) => h.title)).toEqual(['Ramesh Karki']);
    expect((await searchAll(ws.db, 'ramesh@exa')).map((h) => h.title)).toEqual(['Ramesh Karki']);
    expect(await searchAll(ws.db, '   ')).toEqual([]);
    ws.close();
  });

  it('searches interactions only when nothing else matches, and opens them on their contact', async () => {
    const { ws, contacts } = await workspace();
    const hits = await searchAll(ws.db, 'zebra');
    expect(hits).toEqual([{ type: 'interaction', id: expect.any(String), title: 'Zebra barcode demo', subtitle: 'Phone · 2026-01-05', href: `/contacts/${contacts[0].id}`, exact: 1 }]);
    expect(searchTypeLabels.interaction).toBe('Interactions');
    ws.close();
  });

  it('finds a rare word next to a common one, and stays bounded when every word is common', async () => {
    const ws = memoryWorkspace();
    await createRecords(ws, 'contact', [
      ...Array.from({ length: 340 }, (_, i) => ({ firstName: 'Bikash', lastName: 'Gurung', email: `b${i}@example.com` })),
      ...Array.from({ length: 340 }, (_, i) => ({ firstName: 'Bikram', lastName: 'Thapa', email: `t${i}@example.com` })),
      { firstName: 'Zed', lastName: 'Gurung' },
      { firstName: 'Zed', lastName: 'Gurungkarki' }
    ]);
    // "zed" lists every candidate (2 keys) though "gur" has more keys than are read.
    expect((await searchAll(ws.db, 'gur zed', { perType: 5 })).map((h) => h.title).sort()).toEqual(['Zed Gurung', 'Zed Gurungkarki']);
    // Both words common: the rows of one range are checked, enough to fill the list.
    const common = await searchAll(ws.db, 'bik gur', { perType: 5 });
    expect(common).toHaveLength(5);
    expect(common.every((h) => h.title === 'Bikash Gurung')).toBe(true);
    ws.close();
  });

  it('finds a person by the starts of two names each common on its own, in either order, reading a few rows', async () => {
    const ws = memoryWorkspace();
    await createRecords(ws, 'contact', [
      ...Array.from({ length: 400 }, (_, i) => ({ firstName: 'Pukar', lastName: 'Gurung', email: `p${i}@example.com` })),
      ...Array.from({ length: 400 }, (_, i) => ({ firstName: 'Hari', lastName: 'Thapa', email: `h${i}@example.com` })),
      { firstName: 'Puja', lastName: 'Thapa', company: 'Himal Traders' }
    ]);
    // Rows read per search (index keys are cheap; rows are what cost in IndexedDB).
    const table = Object.getPrototypeOf(ws.db.rows('contact')) as { bulkGet(keys: unknown[]): Promise<unknown[]>; toArray(): Promise<unknown[]> };
    const bulkGet = vi.spyOn(table, 'bulkGet');
    const rowsRead = () => bulkGet.mock.calls.reduce((n, [keys]) => n + keys.length, 0);
    for (const q of ['pu thap', 'thap pu', 'puj tha']) {
      bulkGet.mockClear();
      expect((await searchAll(ws.db, q)).map((h) => h.title), q).toEqual(['Puja Thapa']);
      // "pu" starts 401 first names and "thap" 401 surnames: intersecting them would read hundreds of rows.
      expect(rowsRead(), q).toBeLessThanOrEqual(20);
    }
    // A name and a company: not a pair of name words, found through the rare word's own range.
    expect((await searchAll(ws.db, 'pu himal')).map((h) => h.title)).toEqual(['Puja Thapa']);
    bulkGet.mockRestore();
    ws.close();
  });

  it('caps hits per type and in all', async () => {
    const ws = memoryWorkspace();
    await createRecords(ws, 'contact', Array.from({ length: 30 }, (_, i) => ({ firstName: `Anil${i}`, lastName: 'Gurung' })));
    expect(await searchAll(ws.db, 'gur', { perType: 7 })).toHaveLength(7);
    expect(await searchAll(ws.db, 'gur', { perType: 10, limit: 4 })).toHaveLength(4);
    ws.close();
  });
});
