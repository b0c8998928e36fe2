import { describe, expect, it } from 'vitest';
import { createRecord, createRecords, deleteRecord } from '../commands';
import { memoryWorkspace } from '../testing';
import { collectionStamps, loadAnalyticsInputs, readRows, stampKey, type LoadProgress } from './loaders';

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
});
