// Analytics data figures: a 200,000-line pivot, and the UCI Online Retail purchase history parsed and imported (Node, fake-indexeddb).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pivot } from '../../src/lib/core/analytics/pivot';
import { orderLinesAsFacts, type OrderInput } from '../../src/lib/core/analytics/datasets';
import { mulberry32 } from '../../src/lib/core/analytics/random';
import { importPurchaseHistory, type PurchaseImportOptions } from '../../src/lib/core/io/purchase-history';
import { memoryWorkspace } from '../../src/lib/core/testing';
import type { Order } from '../../src/lib/core/model/order';
import { median, record, timeRuns } from './results';

const data = (file: string) => resolve(process.cwd(), '../shared/data', file);

const CATEGORIES = ['High-end phones', 'Budget phones', 'Laptops', 'TVs', 'Appliances', 'Earbuds', 'Smart watches', 'Accessories'];
const REGIONS = ['Bagmati', 'Gandaki', 'Koshi', 'Lumbini', 'Madhesh', 'Sudurpashchim', 'Karnali'];

/** Seeded synthetic orders: two years, ~2 lines each, until `lines` lines. */
function syntheticOrders(lines: number, seed = 42): OrderInput[] {
  const random = mulberry32(seed);
  const start = Date.UTC(2024, 11, 1);
  const span = 730 * 86_400_000;
  const orders: OrderInput[] = [];
  for (let n = 0, k = 0; n < lines; k++) {
    const count = Math.min(lines - n, 1 + Math.floor(random() * 3));
    n += count;
    orders.push({
      id: `o${k}`,
      orderedAt: new Date(start + Math.floor(random() * span)).toISOString(),
      status: 'fulfilled',
      contactId: `c${Math.floor(random() * 20_000)}`,
      region: REGIONS[Math.floor(random() * REGIONS.length)],
      owner: `u${Math.floor(random() * 12)}`,
      channel: random() < 0.7 ? 'store' : 'online',
      lines: Array.from({ length: count }, () => ({
        productId: `p${Math.floor(random() * 60)}`,
        category: CATEGORIES[Math.floor(random() * CATEGORIES.length)],
        quantity: 1 + Math.floor(random() * 3),
        unitPrice: 100 * (500 + Math.floor(random() * 150_000)),
        unitCost: 0,
        discountPct: random() < 0.2 ? 5 : 0
      }))
    });
  }
  return orders;
}

const retail: PurchaseImportOptions = {
  columns: { invoice: 'InvoiceNo', sku: 'StockCode', description: 'Description', quantity: 'Quantity', date: 'InvoiceDate', unitPrice: 'UnitPrice', customerId: 'CustomerID', country: 'Country' },
  currency: 'GBP',
  creditNotePrefix: 'C'
};

describe('analytics data', () => {
  it('pivot of 200,000 order lines by month × category', async () => {
    const orders = syntheticOrders(200_000);
    const t0 = performance.now();
    const facts = orderLinesAsFacts(orders);
    const factsMs = performance.now() - t0;
    expect(facts).toHaveLength(200_000);
    const spec = { rows: [{ kind: 'time', field: 'orderedAt', grain: 'month' }], columns: ['category'], measure: { field: 'revenue', agg: 'sum' } } as const;
    const check = pivot(facts, spec);
    expect(check.rowKeys).toHaveLength(24);
    expect(check.colKeys).toHaveLength(CATEGORIES.length);
    expect(check.grandTotal).toBe(facts.reduce((s, f) => s + f.revenue, 0));
    const times = await timeRuns(() => pivot(facts, spec), 7, 2);
    record('Pivot, 200,000 order lines by month × category (sum of revenue), median of 7', median(times), 'ms', { max: 300 });
    const byQuarterRegion = await timeRuns(() => pivot(facts, { rows: [{ kind: 'time', field: 'orderedAt', grain: 'quarter' }, 'region'], columns: ['channel'], measure: { field: 'margin', agg: 'avg' } }), 5, 1);
    record('Pivot, 200,000 order lines by quarter × region × channel (avg of margin), median of 5', median(byQuarterRegion), 'ms', null);
    record('orderLinesAsFacts, 200,000 order lines (read-model orders → facts)', factsMs, 'ms', null);
  });

  it('UCI Online Retail (541,909 rows): parse only, then full import into a memory workspace', async () => {
    const gz = new Blob([readFileSync(data('onlineretail.csv.gz'))]);

    const p0 = performance.now();
    const preview = await importPurchaseHistory(memoryWorkspace(), gz, { ...retail, dryRun: true });
    const parseMs = performance.now() - p0;
    expect(preview).toMatchObject({ rowsRead: 541_909, ordersWritten: 25_900, rejected: 0 });
    record('Online Retail parse + group only (gunzip, papaparse, 25,900 invoices; dry run)', parseMs / 1000, 's', null, `${Math.round(541_909 / (parseMs / 1000)).toLocaleString('en')} rows/s`);

    const ws = memoryWorkspace({ cacheSize: 4 });
    const t0 = performance.now();
    const result = await importPurchaseHistory(ws, gz, retail);
    const ms = performance.now() - t0;
    expect(result).toMatchObject({ rowsRead: 541_909, ordersWritten: 25_900, linesWritten: 541_909, rejected: 0, customers: 4_372, splitInvoices: 0 });
    record('Online Retail full import into a memory workspace (fake-indexeddb), 541,909 rows', ms / 1000, 's', null, `${result.ordersWritten.toLocaleString('en')} orders`);
    record('Online Retail import throughput', 541_909 / (ms / 1000), 'rows/s', null);

    // The usual published figures after dropping cancellations and blank customer ids: 18,536 invoices, 4,339 customers.
    const orders = (await ws.db.rows('order').toArray()) as unknown as Order[];
    expect(orders).toHaveLength(25_900);
    const sales = orders.filter((o) => !o.number.startsWith('C') && o.externalCustomerId);
    expect(sales).toHaveLength(18_536);
    expect(new Set(sales.map((o) => o.externalCustomerId)).size).toBe(4_339);
    const byRegion = pivot(orderLinesAsFacts(orders), { rows: ['region'], columns: [], measure: { field: 'revenue', agg: 'sum' } });
    const uk = byRegion.rowTotals[byRegion.rowKeys.findIndex(([r]) => r === 'United Kingdom')] as number;
    // Python csv over the same file: net revenue £9,747,747.93 and a UK share of 0.83997 (credit notes subtracted).
    expect(Math.abs((byRegion.grandTotal as number) - 974_774_793)).toBeLessThan(100);
    expect(uk / (byRegion.grandTotal as number)).toBeCloseTo(0.83997, 4);
    ws.close();
  });
});
