import { describe, expect, it } from 'vitest';
import { createRecord, createRecords, deleteRecord } from '../commands';
import { memoryWorkspace } from '../testing';
import { collectionStamps, loadAnalyticsInputs, pickerOf, readRows, sortStages, stampKey, type LoadProgress } from './loaders';

async function smallShop() {
  let clock = Date.UTC(2026, 0, 5, 9);
  const ws = memoryWorkspace({ now: () => (clock += 1000) });
  const phone = await createRecord(ws, 'product', { name: 'Nova X15', sku: 'PH-NX15', category: 'High-end phones', unitCost: 90_000_00 });
  const sita = await createRecord(ws, 'contact', { firstName: 'Sita', lastName: 'Rai', address: { region: 'Kathmandu' } as never });
  const { created } = await createRecords(
    ws,
    'order',
    Array.from({ length: 7 }, (_, i) => ({
      number: `SO-${i + 1}`,
      orderedAt: `2026-0${1 + (i % 3)}-1${i}T08:00:00.000Z`,
      contactId: sita.id,
      currency: 'NPR',
      status: 'fulfilled' as const,
      lines: [
        { productId: phone.id, sku: 'PH-NX15', description: 'Nova X15 128 GB', category: 'High-end phones', quantity: 1, unitPrice: 119_999_00 },
        { sku: 'CASE-1', description: 'Clear case', category: 'Accessories', quantity: 2, unitPrice: 1_500_00 }
      ] as never
    }))
  );
  return { ws, phone, sita, orders: created };
}

describe('reading the read model for analytics', () => {
  it('reads a table in key-ordered chunks, leaving deleted rows out', async () => {
    const { ws, orders } = await smallShop();
    await deleteRecord(ws, 'order', orders.find((o) => o.number === 'SO-7')!.id);
    const chunks: number[] = [];
    let pauses = 0;
    const rows = await readRows(ws.db, 'order', (r) => r.number as string, {
      chunkSize: 3,
      onChunk: (n) => chunks.push(n),
      pause: async () => {
        pauses++;
      }
    });
    expect(rows.sort()).toEqual(['SO-1', 'SO-2', 'SO-3', 'SO-4', 'SO-5', 'SO-6']);
    // 7 rows (one deleted) in chunks of 3: 3 + 3 + 1, with a pause between chunks.
    expect(chunks).toEqual([3, 3, 1]);
    expect(pauses).toBe(2);
  });

  it('slims orders, contacts and products to what the models use, with progress that only grows', async () => {
    const { ws, phone, sita } = await smallShop();
    const progress: LoadProgress[] = [];
    const loaded = await loadAnalyticsInputs(ws.db, ['order', 'product', 'contact'], { chunkSize: 2, onProgress: (p) => progress.push(p) });
    const order = loaded.data.order![0];
    expect(Object.keys(order).sort()).toEqual(
      ['accountId', 'channel', 'contactId', 'currency', 'externalCustomerId', 'id', 'lines', 'number', 'orderedAt', 'owner', 'region', 'status'].sort()
    );
    expect(order).toMatchObject({ contactId: sita.id, currency: 'NPR', status: 'fulfilled' });
    expect(order.lines[0]).toEqual({ productId: phone.id, sku: 'PH-NX15', category: 'High-end phones', quantity: 1, unitPrice: 119_999_00, unitCost: 0, discountPct: 0 });
    expect(loaded.data.contact).toEqual([expect.objectContaining({ id: sita.id, name: 'Sita Rai', address: { region: 'Kathmandu', country: '' } })]);
    expect(loaded.data.product).toEqual([{ id: phone.id, name: 'Nova X15', sku: 'PH-NX15', category: 'High-end phones', unitCost: 90_000_00 }]);
    // The product record names the phone; the case, sold without a product record, is named by its order line.
    expect(loaded.itemNames.get(phone.id)).toBe('Nova X15');
    expect(loaded.itemNames.get('CASE-1')).toBe('Clear case');
    const done = progress.map((p) => p.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ done: 9, total: 9 });
  });

  it('stamps change when a collection is written, and unchanged collections are not read again', async () => {
    const { ws, sita } = await smallShop();
    const before = await collectionStamps(ws.db, ['order', 'contact', 'ticket']);
    expect(before.ticket).toBe('0:0');
    const first = await loadAnalyticsInputs(ws.db, ['order', 'contact']);

    await createRecord(ws, 'order', { number: 'SO-99', orderedAt: '2026-03-30T08:00:00.000Z', contactId: sita.id, currency: 'NPR' });
    const after = await collectionStamps(ws.db, ['order', 'contact', 'ticket']);
    expect(after.order).not.toBe(before.order);
    expect(after.contact).toBe(before.contact);
    expect(stampKey(after, ['contact'])).toBe(stampKey(before, ['contact']));

    const phases: string[] = [];
    const second = await loadAnalyticsInputs(ws.db, ['order', 'contact'], { previous: first, onProgress: (p) => phases.push(p.phase) });
    expect(second.data.order).toHaveLength(8);
    expect(second.data.contact).toBe(first.data.contact);
    expect(phases).toContain('Reading orders');
    expect(phases).not.toContain('Reading contacts');
  });

  it('slims every other collection to its fields, with blanks (not undefined) for what a stored row lacks', () => {
    const names = new Map<string, string>();
    const pick = (name: Parameters<typeof pickerOf>[0], row: Record<string, unknown>) => pickerOf(name, names)(row);
    expect(pick('interaction', { id: 'i1', contactId: 'c1', channel: 'phone', at: '2026-01-02', note: 'long text', outcome: 7 })).toEqual({
      contactId: 'c1',
      accountId: '',
      channel: 'phone',
      direction: '',
      at: '2026-01-02',
      outcome: '',
      campaignId: ''
    });
    expect(pick('ticket', { contactId: 'c1', kind: 'repair', createdAt: '2026-02-01', subject: 'Screen' })).toEqual({
      contactId: 'c1',
      accountId: '',
      productId: '',
      orderId: '',
      kind: 'repair',
      createdAt: '2026-02-01'
    });
    expect(pick('account', { id: 'a1', name: 'Himal Traders', tier: 'gold', address: { city: 'Pokhara', region: 'Gandaki' } })).toEqual({
      id: 'a1',
      name: 'Himal Traders',
      region: '',
      tier: 'gold',
      kind: '',
      owner: '',
      address: { region: 'Gandaki', country: '' }
    });
    expect(
      pick('campaign', {
        id: 'k1',
        name: 'Dashain',
        channel: 'email',
        messages: [
          { id: 'm2', name: 'Reminder', position: 'a1', sentAt: '' },
          { id: 'm1', name: 'Launch', position: 'a0', sentAt: '2026-10-01' }
        ]
      })
    ).toEqual({
      id: 'k1',
      name: 'Dashain',
      channel: 'email',
      messages: [
        { id: 'm1', name: 'Launch', sentAt: '2026-10-01' },
        { id: 'm2', name: 'Reminder', sentAt: null }
      ]
    });
    expect(pick('opportunity', { id: 'o1', stage: 'proposal', amount: { amount: 5_000_00, currency: 'NPR' }, closeDate: '2026-03-01', owner: 'u1' })).toEqual({
      id: 'o1',
      stage: 'proposal',
      amount: { amount: 5_000_00, currency: 'NPR' },
      closeDate: '2026-03-01',
      probability: null,
      owner: 'u1'
    });
    expect(pick('user', { id: 'u2', email: 'gita@example.com' })).toEqual({ id: 'u2', name: 'gita@example.com' });
    const stages = [{ id: 'won', name: 'Won', probability: 100, outcome: 'won', position: 'a9' }, { id: 'new', name: 'New', position: 'a0' }].map((r) => pick('stage', r));
    expect(stages[1]).toEqual({ id: 'new', name: 'New', position: 'a0', probability: 0, outcome: 'open' });
    expect(sortStages(stages as Parameters<typeof sortStages>[0]).map((st) => st.id)).toEqual(['new', 'won']);
  });
});
