import { beforeAll, describe, expect, it } from 'vitest';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { createGunzip } from 'node:zlib';
import { memoryWorkspace } from '../testing';
import type { Workspace } from '../sync/workspace';
import type { Order } from '../model/order';
import { orderLinesAsFacts, ordersAsTransactions } from '../analytics/datasets';
import { pivot } from '../analytics/pivot';
import { summarizeTransactions } from '../analytics/transactions';
import {
  importPurchaseHistory,
  parsePurchaseDate,
  parsePurchaseNumber,
  PurchaseImportError,
  rejectedRowsToCsv,
  type PurchaseImportOptions,
  type PurchaseImportProgress
} from './purchase-history';

const ONLINE_RETAIL = resolve(process.cwd(), '../shared/data/onlineretail.csv.gz');
const retailColumns: PurchaseImportOptions['columns'] = {
  invoice: 'InvoiceNo',
  sku: 'StockCode',
  description: 'Description',
  quantity: 'Quantity',
  date: 'InvoiceDate',
  unitPrice: 'UnitPrice',
  customerId: 'CustomerID',
  country: 'Country'
};
const retail = (extra: Partial<PurchaseImportOptions> = {}): PurchaseImportOptions => ({ columns: retailColumns, currency: 'GBP', creditNotePrefix: 'C', ...extra });

/** The header and the first `rows` data lines of Online Retail, read without unpacking the whole file. */
async function headOfOnlineRetail(rows: number): Promise<string> {
  const lines: string[] = [];
  const input = createReadStream(ONLINE_RETAIL).pipe(createGunzip());
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const line of rl) {
    lines.push(line);
    if (lines.length > rows) break;
  }
  rl.close();
  input.destroy();
  return lines.join('\n') + '\n';
}

const ordersOf = async (ws: Workspace) => (await ws.db.rows('order').toArray()) as unknown as Order[];

describe('importPurchaseHistory on the first 5,000 lines of UCI Online Retail', () => {
  let text = '';
  let ws: Workspace;
  let orders: Order[];
  const progress: PurchaseImportProgress[] = [];
  let result: Awaited<ReturnType<typeof importPurchaseHistory>>;

  beforeAll(async () => {
    text = await headOfOnlineRetail(5000);
    ws = memoryWorkspace();
    result = await importPurchaseHistory(ws, text, retail({ batchSize: 100, onProgress: (p) => progress.push(p) }));
    orders = await ordersOf(ws);
  });

  it('reads every row and writes one order per invoice', async () => {
    // Counted independently (Python csv over the same 5,000 lines): 300 invoices, 29 of them credit notes ("C…"),
    // 197 customer ids; two more invoices hold only negative stock adjustments at price 0.
    expect(result).toMatchObject({ rowsRead: 5000, ordersWritten: 300, linesWritten: 5000, rejected: 0, returns: 31, customers: 197, cancelled: false, splitInvoices: 0 });
    expect(result.firstOrderAt).toBe('2010-12-01T08:26:00.000Z');
    expect(result.lastOrderAt).toBe('2010-12-02T18:08:00.000Z');
    expect(orders).toHaveLength(300);
    expect((await ws.db.counter('order')).live).toBe(300);
  });

  it('maps the columns onto orders and lines in minor units', () => {
    const first = orders.find((o) => o.number === '536365')!;
    expect(first).toMatchObject({ orderedAt: '2010-12-01T08:26:00.000Z', createdAt: '2010-12-01T08:26:00.000Z', externalCustomerId: '17850', contactId: '', currency: 'GBP', region: 'United Kingdom', source: 'import', status: 'fulfilled' });
    expect(first.lines).toHaveLength(7);
    expect(first.lines[0]).toMatchObject({ sku: '85123A', description: 'WHITE HANGING HEART T-LIGHT HOLDER', quantity: 6, unitPrice: 255 });
    const credit = orders.find((o) => o.number.startsWith('C'))!;
    expect(credit.status).toBe('returned');
    expect(credit.lines.every((l) => l.quantity < 0)).toBe(true);
    expect(orders.filter((o) => !o.externalCustomerId).length).toBeGreaterThan(0);
  });

  it('gives the invoice and customer counts and the UK revenue share computed independently', () => {
    const sales = orders.filter((o) => !o.number.startsWith('C') && o.externalCustomerId);
    expect(sales).toHaveLength(248);
    expect(new Set(sales.map((o) => o.externalCustomerId)).size).toBe(179);
    const byRegion = pivot(orderLinesAsFacts(orders), { rows: ['region'], columns: [], measure: { field: 'revenue', agg: 'sum' } });
    expect(byRegion.grandTotal).toBe(10_218_924);
    const uk = byRegion.rowTotals[byRegion.rowKeys.findIndex(([r]) => r === 'United Kingdom')] as number;
    expect(uk / (byRegion.grandTotal as number)).toBeCloseTo(0.9606767796687792, 12);
  });

  it('feeds the customer models through externalCustomerId', () => {
    const tx = ordersAsTransactions(orders);
    expect(new Set(tx.map((t) => t.customerId)).size).toBeLessThanOrEqual(197);
    const summaries = summarizeTransactions(tx, { calibrationEnd: '2010-12-02', unit: 'days' });
    expect(summaries.every((s) => s.T <= 1 && s.frequency <= 1)).toBe(true);
  });

  it('reports progress batch by batch', () => {
    const written = progress.map((p) => p.ordersWritten);
    expect(written.at(-1)).toBe(300);
    expect(written).toContain(100);
    expect(written).toEqual([...written].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual({ rowsRead: 5000, ordersWritten: 300, rejected: 0 });
  });

  it('stops between batches when cancelled and resumes where it stopped', async () => {
    const ws2 = memoryWorkspace();
    const controller = new AbortController();
    const first = await importPurchaseHistory(ws2, text, retail({ batchSize: 100, signal: controller.signal, onProgress: (p) => p.ordersWritten >= 100 && controller.abort() }));
    expect(first.cancelled).toBe(true);
    expect(first.ordersWritten).toBe(100);
    expect(await ordersOf(ws2)).toHaveLength(100);
    const rest = await importPurchaseHistory(ws2, text, retail({ batchSize: 100, resumeFrom: { ordersWritten: first.ordersWritten } }));
    expect(rest).toMatchObject({ cancelled: false, ordersWritten: 300, ordersSkipped: 100 });
    const all = await ordersOf(ws2);
    expect(all).toHaveLength(300);
    expect(new Set(all.map((o) => o.number)).size).toBe(300);
  });

  it('previews an import without writing (dry run)', async () => {
    const ws4 = memoryWorkspace();
    const r = await importPurchaseHistory(ws4, text, retail({ dryRun: true }));
    expect(r).toMatchObject({ rowsRead: 5000, ordersWritten: 300, linesWritten: 5000, customers: 197, returns: 31 });
    expect(await ordersOf(ws4)).toHaveLength(0);
  });

  it('reads the same file gzip-compressed from a Blob', async () => {
    const small = text.split('\n').slice(0, 201).join('\n');
    const ws3 = memoryWorkspace();
    const r = await importPurchaseHistory(ws3, new Blob([new Uint8Array(gzipSync(Buffer.from(small)))]), retail());
    expect(r).toMatchObject({ rowsRead: 200, rejected: 0 });
    expect(r.ordersWritten).toBe(new Set(small.split('\n').slice(1).map((l) => l.split(',')[0])).size);
  });
});

describe('importPurchaseHistory on broken input', () => {
  const header = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
  const good = [
    '1001,A1,Mug,2,2011-01-05 10:00:00,1.50,42,France',
    '1001,A2,Plate,1,2011-01-05 10:00:00,3.00,42,France',
    '1002,A1,Mug,1,2011-01-06 11:30:00,1.50,,Germany'
  ];

  it('rejects bad rows with their line and reason and keeps the good ones', async () => {
    const csv = [
      header,
      good[0],
      'this line is garbage',
      good[1],
      '1003,A3,Bowl,1,2011-13-45 10:00:00,2.00,7,Spain',
      '1004,A3,Bowl,abc,2011-01-07 10:00:00,2.00,7,Spain',
      ',A3,Bowl,1,2011-01-07 10:00:00,2.00,7,Spain',
      '1005,A3,Bowl,1,2011-01-07 10:00:00,,7,Spain',
      '',
      good[2]
    ].join('\r\n');
    const ws = memoryWorkspace();
    const r = await importPurchaseHistory(ws, csv, retail());
    expect(r).toMatchObject({ rowsRead: 8, ordersWritten: 2, linesWritten: 3, rejected: 5 });
    expect(r.rejectedRows.map((x) => [x.line, x.reason])).toEqual([
      [3, 'expected 8 fields, found 1'],
      [5, 'unreadable date "2011-13-45 10:00:00" (expected YYYY-MM-DD [hh:mm[:ss]])'],
      [6, 'unreadable quantity "abc"'],
      [7, 'missing invoice number'],
      [8, 'missing unit price']
    ]);
    expect(r.rejectedRows[0].text).toBe('this line is garbage');
    const orders = await ordersOf(ws);
    expect(orders.map((o) => [o.number, o.lines.length, o.externalCustomerId]).sort()).toEqual([
      ['1001', 2, '42'],
      ['1002', 1, '']
    ]);
    expect(rejectedRowsToCsv([{ line: 3, reason: 'bad', text: '=cmd|calc' }])).toBe('"line","reason","row"\r\n3,"bad","\'=cmd|calc"\r\n');
  });

  it('counts physical lines across quoted line breaks', async () => {
    const csv = [header, '1001,A1,"Mug, large\nwith lid",2,2011-01-05 10:00,1.50,42,France', '1002,A1,Mug,x,2011-01-05 10:00,1.50,42,France'].join('\n');
    const r = await importPurchaseHistory(memoryWorkspace(), csv, retail());
    expect(r.rejectedRows.map((x) => x.line)).toEqual([4]);
  });

  it('says which columns are missing when the delimiter is wrong, and writes nothing', async () => {
    const ws = memoryWorkspace();
    const semicolons = [header, ...good].join('\n').replace(/,/g, ';');
    const err = await importPurchaseHistory(ws, semicolons, retail({ delimiter: ',' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PurchaseImportError);
    expect((err as PurchaseImportError).problem).toBe('columns');
    expect((err as Error).message).toMatch(/not found\. The file's header has one column, "InvoiceNo;StockCode.*is the delimiter right\?/);
    expect(await ordersOf(ws)).toHaveLength(0);
  });

  it('detects a semicolon delimiter and reads decimal commas, day-first dates and line totals', async () => {
    const csv = ['Kunde;Datum;Betrag;Land', 'K1;05.01.2011 10:00;1.234,50;Deutschland', 'K1;05.01.2011 10:00;0,50;Deutschland', 'K2;31/12/2011;7;Österreich'].join('\n');
    const ws = memoryWorkspace();
    const r = await importPurchaseHistory(ws, csv, { columns: { customerId: 'Kunde', date: 'Datum', amount: 'Betrag', country: 'Land' }, currency: 'EUR', dateOrder: 'dmy', decimalSeparator: ',', utcOffsetMinutes: 60 });
    expect(r).toMatchObject({ delimiter: ';', rowsRead: 3, ordersWritten: 2, rejected: 0 });
    const orders = (await ordersOf(ws)).sort((a, b) => (a.orderedAt < b.orderedAt ? -1 : 1));
    expect(orders[0]).toMatchObject({ orderedAt: '2011-01-05T09:00:00.000Z', externalCustomerId: 'K1', currency: 'EUR', region: 'Deutschland' });
    expect(orders[0].lines.map((l) => [l.quantity, l.unitPrice])).toEqual([
      [1, 123_450],
      [1, 50]
    ]);
    expect(orders[1]).toMatchObject({ orderedAt: '2011-12-30T23:00:00.000Z', region: 'Österreich' });
  });

  it('refuses an empty file, a header without rows, and a file with no usable row, writing nothing', async () => {
    const ws = memoryWorkspace();
    const problem = (source: string) => importPurchaseHistory(ws, source, retail()).then(() => 'imported', (e: PurchaseImportError) => e.problem);
    expect(await problem('')).toBe('empty');
    expect(await problem('\uFEFF \n\n')).toBe('empty');
    expect(await problem(header + '\n')).toBe('no-rows');
    const err = await importPurchaseHistory(ws, [header, '1,A,x,1,yesterday,1,2,UK', '2,A,x,1,tomorrow,1,2,UK'].join('\n'), retail()).then(
      () => expect.unreachable('the import should have failed'),
      (e: PurchaseImportError) => e
    );
    expect(err.problem).toBe('no-valid-rows');
    expect(err.message).toBe('No row could be imported: 2 rows rejected, 2 of them for: unreadable date (expected YYYY-MM-DD [hh:mm[:ss]]).');
    expect(err.rejectedRows).toHaveLength(2);
    expect(await ordersOf(ws)).toHaveLength(0);
    await expect(importPurchaseHistory(ws, header, retail({ currency: 'pounds' }))).rejects.toMatchObject({ problem: 'currency' });
    await expect(importPurchaseHistory(ws, header, { columns: { customerId: 'CustomerID', date: 'InvoiceDate' }, currency: 'GBP' })).rejects.toMatchObject({ problem: 'columns' });
  });

  it('groups lines without an invoice column by customer and time', async () => {
    const csv = ['cust,when,total', 'a,2011-01-05 10:00,3', 'a,2011-01-05 10:00,4', 'a,2011-01-06 10:00,5', 'b,2011-01-05 10:00,6'].join('\n');
    const ws = memoryWorkspace();
    const r = await importPurchaseHistory(ws, csv, { columns: { customerId: 'cust', date: 'when', amount: 'total' }, currency: 'JPY' });
    expect(r.ordersWritten).toBe(3);
    const orders = await ordersOf(ws);
    expect(orders.map((o) => [o.number, o.lines.map((l) => l.unitPrice)]).sort()).toEqual([
      ['ROW-2', [3, 4]],
      ['ROW-4', [5]],
      ['ROW-5', [6]]
    ]);
  });
});

describe('parsePurchaseDate and parsePurchaseNumber', () => {
  it('read ISO, day-first and month-first dates, with zones and offsets', () => {
    expect(parsePurchaseDate('2010-12-01 08:26:00')).toBe('2010-12-01T08:26:00.000Z');
    expect(parsePurchaseDate('2010-12-01T08:26:00+01:00')).toBe('2010-12-01T07:26:00.000Z');
    expect(parsePurchaseDate('2010-12-01', 'ymd', 345)).toBe('2010-11-30T18:15:00.000Z');
    expect(parsePurchaseDate('12/1/2010 8:26', 'mdy')).toBe('2010-12-01T08:26:00.000Z');
    expect(parsePurchaseDate('1/12/10', 'dmy')).toBe('2010-12-01T00:00:00.000Z');
    expect(parsePurchaseDate('2011-02-29')).toBeNull();
    expect(parsePurchaseDate('2012-02-29')).toBe('2012-02-29T00:00:00.000Z');
    expect(parsePurchaseDate('12/1/2010', 'ymd')).toBeNull();
    expect(parsePurchaseDate('2010-12-01 25:00')).toBeNull();
  });

  it('read numbers with either decimal separator and thousands groups', () => {
    expect(parsePurchaseNumber('2.55')).toBe(2.55);
    expect(parsePurchaseNumber('-1,234.5')).toBe(-1234.5);
    expect(parsePurchaseNumber('1.234,5', ',')).toBe(1234.5);
    expect(parsePurchaseNumber('1.234', ',')).toBe(1234);
    expect(parsePurchaseNumber('1e3')).toBe(1000);
    expect(parsePurchaseNumber('')).toBeNaN();
    expect(parsePurchaseNumber('£3')).toBeNaN();
    expect(parsePurchaseNumber('0x10')).toBeNaN();
  });
});
