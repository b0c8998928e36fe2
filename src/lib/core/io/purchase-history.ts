// Purchase-history import: a CSV of invoice lines (e.g. UCI Online Retail) streamed, grouped into orders, written in batches.
import Papa from 'papaparse';
import { createRecords, type RecordInput } from '../commands';
import type { Workspace } from '../sync/workspace';

/** Header names of the file's columns, as the person mapped them. Amount OR quantity + unit price is required. */
export type PurchaseColumns = {
  /** The customer's key in the source system; kept on the order as `externalCustomerId` (may be blank). */
  customerId: string;
  /** Date or date and time of the purchase. */
  date: string;
  /** Invoice or order number; lines with the same number form one order. Without it, a customer's lines at the same date and time do. */
  invoice?: string;
  /** Line total. Used when quantity and unit price are not both mapped. */
  amount?: string;
  quantity?: string;
  unitPrice?: string;
  /** Product code, kept as the line's SKU. */
  sku?: string;
  description?: string;
  /** Kept as the order's region. */
  country?: string;
  category?: string;
};

export type PurchaseImportProgress = {
  /** Data rows parsed so far (blank lines not counted). */
  rowsRead: number;
  /**
   * Orders of this file done so far, counting orders skipped because an earlier run wrote them (`resumeFrom`) and
   * the rare order the schema refused (its lines are among the rejected rows): pass it back as
   * `resumeFrom.ordersWritten` to continue a cancelled run.
   */
  ordersWritten: number;
  /** Rows rejected so far. */
  rejected: number;
};

export type PurchaseImportOptions = {
  columns: PurchaseColumns;
  /** ISO 4217 code of every amount in the file (e.g. 'GBP'); amounts are stored in its minor units, rounded. */
  currency: string;
  /** Field delimiter; detected from the start of the file when omitted. */
  delimiter?: string;
  /** Text encoding of bytes (default 'utf-8'; e.g. 'windows-1252' for old spreadsheet exports). */
  encoding?: string;
  /** Order of day, month and year in dates (default 'ymd': ISO 8601 such as 2010-12-01 08:26:00). */
  dateOrder?: 'ymd' | 'dmy' | 'mdy';
  /** Offset from UTC, in minutes, of times written without a zone (default 0: read as UTC). */
  utcOffsetMinutes?: number;
  /** Decimal separator of numbers (default '.'; thousands separators of the other kind are ignored). */
  decimalSeparator?: '.' | ',';
  /**
   * Invoice-number prefix of credit notes (Online Retail: 'C'). Such orders are stored as status 'returned' with their
   * negative quantities, so analytics subtract them; orders whose lines are all negative are treated the same way.
   */
  creditNotePrefix?: string;
  /** Stored on every order (defaults: source 'import', channel ''). */
  source?: string;
  channel?: string;
  /** Orders per `createRecords` call (default 2,000). */
  batchSize?: number;
  /** Skip the first orders of the file: those a cancelled run already wrote. */
  resumeFrom?: { ordersWritten: number };
  /** Parse, check and group everything but write nothing: a preview of what an import would do (counts as if written). */
  dryRun?: boolean;
  /** Rejected rows kept with their text (default 10,000; all are counted). */
  maxRejectedRows?: number;
  onProgress?: (progress: PurchaseImportProgress) => void;
  /** Stops between batches: a cancelled run leaves whole batches only. */
  signal?: AbortSignal;
};

/** A row that was not imported: its physical line in the file (header = line 1), why, and its text. */
export type RejectedRow = { line: number; reason: string; text: string };

export type PurchaseImportResult = PurchaseImportProgress & {
  /** Order lines written by this run. */
  linesWritten: number;
  /** Orders skipped because of `resumeFrom`. */
  ordersSkipped: number;
  /** The first `maxRejectedRows` rejections, in file order; see {@link rejectedRowsToCsv}. */
  rejectedRows: RejectedRow[];
  /** True when the signal stopped the run. */
  cancelled: boolean;
  /** Distinct non-blank customer keys of the orders written. */
  customers: number;
  /** Orders stored as returns (credit notes). */
  returns: number;
  /** Invoices whose lines were not together in the file and became more than one order. */
  splitInvoices: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  delimiter: string;
  header: string[];
};

export type ImportProblem = 'empty' | 'no-rows' | 'columns' | 'currency' | 'no-valid-rows';

/** An import that could not start, or in which no row was usable: nothing was written. */
export class PurchaseImportError extends Error {
  constructor(
    readonly problem: ImportProblem,
    message: string,
    readonly rejectedRows: RejectedRow[] = []
  ) {
    super(message);
    this.name = 'PurchaseImportError';
  }
}

/** What can be imported: text, a file (gzip-compressed or not), or a stream of text or bytes. */
export type PurchaseSource = string | Blob | ReadableStream<Uint8Array | string> | AsyncIterable<Uint8Array | string>;

const CHUNK_CHARS = 1 << 20;
/** Invoices kept open at once: files sorted by invoice hardly ever interleave more than a couple of them. */
const OPEN_INVOICES = 16;

type Draft = {
  key: string;
  number: string;
  orderedAt: string;
  customerId: string;
  region: string;
  lineNumbers: number[];
  /** Already in the stored line shape (id and position are filled in by createRecords), so no copy is needed. */
  lines: { id: string; position: string; productId: string; sku: string; description: string; category: string; quantity: number; unitPrice: number; unitCost: number; discountPct: number }[];
};

// Bytes (or text) → text chunks, decoding multi-byte characters across chunk boundaries.
async function* textChunks(source: PurchaseSource, encoding: string): AsyncGenerator<string> {
  if (typeof source === 'string') {
    const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
    for (let i = 0; i < text.length; i += CHUNK_CHARS) yield text.slice(i, i + CHUNK_CHARS);
    return;
  }
  let stream: ReadableStream<Uint8Array | string> | AsyncIterable<Uint8Array | string>;
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const magic = new Uint8Array(await source.slice(0, 2).arrayBuffer());
    const bytes = source.stream() as ReadableStream<Uint8Array>;
    stream = magic[0] === 0x1f && magic[1] === 0x8b ? bytes.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>) : bytes;
  } else stream = source as ReadableStream<Uint8Array | string> | AsyncIterable<Uint8Array | string>;
  const decoder = new TextDecoder(encoding);
  if ('getReader' in stream) {
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = typeof value === 'string' ? value : decoder.decode(value, { stream: true });
        if (text) yield text;
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  } else {
    for await (const value of stream) {
      const text = typeof value === 'string' ? value : decoder.decode(value, { stream: true });
      if (text) yield text;
    }
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

const DATE_YMD = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const DATE_SLASHED = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Reads a date as an ISO instant; null when it is not a real date in the expected order. */
export function parsePurchaseDate(text: string, order: 'ymd' | 'dmy' | 'mdy' = 'ymd', utcOffsetMinutes = 0): string | null {
  const s = text.trim();
  let y: number;
  let mo: number;
  let d: number;
  let rest: (string | undefined)[];
  let zone: string | undefined;
  if (order === 'ymd') {
    const m = DATE_YMD.exec(s);
    if (!m) return null;
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    rest = [m[4], m[5], m[6], m[7]];
    zone = m[8];
  } else {
    const m = DATE_SLASHED.exec(s);
    if (!m) return null;
    const [a, b] = [Number(m[1]), Number(m[2])];
    [d, mo] = order === 'dmy' ? [a, b] : [b, a];
    y = m[3].length === 2 ? (Number(m[3]) < 70 ? 2000 : 1900) + Number(m[3]) : Number(m[3]);
    rest = [m[4], m[5], m[6], undefined];
  }
  const [h, mi, sec] = [Number(rest[0] ?? 0), Number(rest[1] ?? 0), Number(rest[2] ?? 0)];
  const ms = rest[3] ? Number(rest[3].slice(0, 3).padEnd(3, '0')) : 0;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && !leap ? 28 : DAYS[mo - 1]) || h > 23 || mi > 59 || sec > 59) return null;
  let offset = utcOffsetMinutes;
  if (zone) {
    if (zone.toUpperCase() === 'Z') offset = 0;
    else {
      const digits = zone.replace(':', '');
      offset = (zone[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
    }
  }
  const t = Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offset * 60_000;
  if (!Number.isFinite(t) || y < 1000) return null;
  return new Date(t).toISOString();
}

const PLAIN_NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Reads a number written with the given decimal separator; NaN when blank or not a number. */
export function parsePurchaseNumber(text: string, decimal: '.' | ',' = '.'): number {
  let s = text.trim();
  if (s === '') return NaN;
  if (!PLAIN_NUMBER.test(s)) {
    s = decimal === ',' ? s.replace(/[.\s'\u00a0]/g, '').replace(',', '.') : s.replace(/[,\s'\u00a0]/g, '');
    if (!PLAIN_NUMBER.test(s)) return NaN;
  } else if (decimal === ',' && s.includes('.')) {
    // "1.234" with a decimal comma is one thousand two hundred and thirty-four.
    s = s.replace(/\./g, '');
  }
  return Number(s);
}

function minorDigits(currency: string): number {
  if (!/^[A-Z]{3}$/.test(currency)) throw new PurchaseImportError('currency', `"${currency}" is not a 3-letter currency code (ISO 4217), e.g. GBP`);
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    throw new PurchaseImportError('currency', `"${currency}" is not a currency code this browser knows`);
  }
}

/** Rejected rows as a CSV for download: line, reason, and the row's text (formula-safe). */
export function rejectedRowsToCsv(rows: readonly RejectedRow[]): string {
  const cell = (v: string) => `"${(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"`;
  return ['"line","reason","row"', ...rows.map((r) => `${r.line},${cell(r.reason)},${cell(r.text)}`)].join('\r\n') + '\r\n';
}

const plural = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/**
 * Imports a purchase history: streams the CSV through papaparse's parser a chunk at a time (memory stays flat for
 * files of any size), groups lines into orders by invoice, and writes them with `createRecords` in batches.
 *
 * - Orders carry `externalCustomerId` (the file's customer key) and no contact: no contact or account records are
 *   created. Analytics key customers by contactId || accountId || externalCustomerId, so an imported history works
 *   as it is, and a later match to contacts can fill `contactId` without re-importing.
 * - Order fields: number = invoice, orderedAt = the first line's date and time, region = country, currency as given,
 *   source 'import', status 'fulfilled' ('returned' for credit notes); createdAt = orderedAt (history, not new data).
 * - Lines: sku, description, category, quantity, unitPrice in minor units (rounded; a line total alone becomes
 *   quantity 1 at that price).
 * - A row with an unreadable date or number, or without invoice (when mapped) or amount, is rejected with its line
 *   number and reason; the other rows are kept. Orders the schema refuses are rejected line by line the same way.
 * - Throws {@link PurchaseImportError} — with nothing written — for an empty file, a header without rows, mapped
 *   columns missing from the header (often a wrong delimiter), or a file in which no row is usable.
 * - `signal` is checked between batches: a cancelled run stops with whole batches written; `resumeFrom` continues.
 */
export async function importPurchaseHistory(ws: Workspace, source: PurchaseSource, options: PurchaseImportOptions): Promise<PurchaseImportResult> {
  const cols = options.columns;
  const digits = minorDigits(options.currency);
  const scale = 10 ** digits;
  const useQuantity = Boolean(cols.quantity && cols.unitPrice);
  if (!useQuantity && !cols.amount) throw new PurchaseImportError('columns', 'Map either an amount column, or both a quantity and a unit price column.');
  if (!cols.customerId || !cols.date) throw new PurchaseImportError('columns', 'Map the customer and the date columns.');
  const dateOrder = options.dateOrder ?? 'ymd';
  const offset = options.utcOffsetMinutes ?? 0;
  const decimal = options.decimalSeparator ?? '.';
  const batchSize = Math.max(1, options.batchSize ?? 2_000);
  const skip = Math.max(0, options.resumeFrom?.ordersWritten ?? 0);
  const maxRejected = options.maxRejectedRows ?? 10_000;
  const creditPrefix = options.creditNotePrefix ?? '';
  const signal = options.signal;

  const rejectedRows: RejectedRow[] = [];
  const reasonCounts = new Map<string, number>();
  const state = { rowsRead: 0, rejected: 0, ordersDone: 0, linesWritten: 0, returns: 0, splitInvoices: 0 };
  const customers = new Set<string>();
  let firstOrderAt: string | null = null;
  let lastOrderAt: string | null = null;
  let cancelled = false;
  let lastEmit = 0;

  const reject = (line: number, reason: string, fields: readonly string[] | string) => {
    state.rejected++;
    // Counted by kind, without the offending value, so the summary names the commonest problem.
    const kind = reason.replace(/ "[^"]*"/, '');
    reasonCounts.set(kind, (reasonCounts.get(kind) ?? 0) + 1);
    if (rejectedRows.length < maxRejected) rejectedRows.push({ line, reason, text: typeof fields === 'string' ? fields : fields.join(delimiter) });
  };
  const progress = (): PurchaseImportProgress => ({ rowsRead: state.rowsRead, ordersWritten: state.ordersDone, rejected: state.rejected });
  const emit = (force = false) => {
    const now = Date.now();
    if (!options.onProgress || (!force && now - lastEmit < 200)) return;
    lastEmit = now;
    options.onProgress(progress());
  };

  const ready: Draft[] = [];
  const open = new Map<string, Draft>();
  const closed = new Set<string>();
  const close = (d: Draft) => {
    open.delete(d.key);
    closed.add(d.key);
    ready.push(d);
  };

  const toInput = (d: Draft): RecordInput<'order'> & { createdAt: string } => {
    const isCredit = (creditPrefix !== '' && d.number.startsWith(creditPrefix)) || d.lines.every((l) => l.quantity < 0);
    return {
      number: d.number,
      orderedAt: d.orderedAt,
      createdAt: d.orderedAt,
      externalCustomerId: d.customerId,
      status: isCredit ? 'returned' : 'fulfilled',
      currency: options.currency,
      channel: options.channel ?? '',
      region: d.region,
      source: options.source ?? 'import',
      lines: d.lines
    };
  };

  const writeBatch = async (drafts: Draft[]) => {
    let list = drafts;
    if (state.ordersDone < skip) {
      const n = Math.min(list.length, skip - state.ordersDone);
      state.ordersDone += n;
      list = list.slice(n);
    }
    if (list.length === 0) return;
    const inputs = list.map(toInput);
    const refused = new Set<number>();
    if (!options.dryRun) {
      const { rejected } = await createRecords(ws, 'order', inputs);
      for (const r of rejected) {
        refused.add(r.index);
        const reason = `order ${list[r.index].number}: ${r.issues.map((i) => `${i.path || 'record'} ${i.message}`).join('; ')}`;
        for (const line of list[r.index].lineNumbers) reject(line, reason, `invoice ${list[r.index].number}`);
      }
    }
    list.forEach((d, i) => {
      if (refused.has(i)) return;
      state.linesWritten += d.lines.length;
      if (inputs[i].status === 'returned') state.returns++;
      if (d.customerId) customers.add(d.customerId);
      if (firstOrderAt === null || d.orderedAt < firstOrderAt) firstOrderAt = d.orderedAt;
      if (lastOrderAt === null || d.orderedAt > lastOrderAt) lastOrderAt = d.orderedAt;
    });
    // Refused orders count as done too: ordersDone is a position in the file's sequence of orders, which resuming needs.
    state.ordersDone += list.length;
  };

  // Whole batches only: the signal is looked at before a batch, never inside one.
  const flush = async (all: boolean) => {
    while (ready.length >= batchSize || (all && ready.length > 0)) {
      if (signal?.aborted) {
        cancelled = true;
        return;
      }
      await writeBatch(ready.splice(0, batchSize));
      emit(true);
    }
  };

  let header: string[] | null = null;
  let delimiter = options.delimiter ?? '';
  let newline: '\n' | '\r\n' | '\r' = '\n';
  let index: Record<keyof PurchaseColumns, number> | null = null;
  let carry = '';
  let baseIndex = 0;
  let line = 1;
  let lastDateText = '';
  let lastDateIso: string | null = null;

  const setUp = (fields: string[]) => {
    header = fields.map((f) => f.trim());
    const missing: string[] = [];
    const idx = {} as Record<keyof PurchaseColumns, number>;
    for (const [key, name] of Object.entries(cols) as [keyof PurchaseColumns, string | undefined][]) {
      if (!name) continue;
      const i = header.indexOf(name.trim());
      if (i < 0) missing.push(name);
      idx[key] = i;
    }
    if (missing.length > 0) {
      const shown = header.length === 1 ? `one column, "${header[0].slice(0, 120)}" — is the delimiter right?` : `${header.length} columns: ${header.join(', ')}`;
      throw new PurchaseImportError('columns', `Column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not found. The file's header has ${shown}`);
    }
    index = idx;
  };

  const handleRow = (fields: string[], lineNo: number) => {
    const idx = index as Record<keyof PurchaseColumns, number>;
    const h = header as string[];
    state.rowsRead++;
    if (fields.length !== h.length) {
      reject(lineNo, `expected ${h.length} fields, found ${fields.length}`, fields);
      return;
    }
    const get = (k: keyof PurchaseColumns): string => (idx[k] === undefined ? '' : fields[idx[k]].trim());
    const invoice = get('invoice');
    if (cols.invoice && !invoice) return reject(lineNo, 'missing invoice number', fields);
    if (invoice.length > 60) return reject(lineNo, 'invoice number longer than 60 characters', fields);
    const dateText = get('date');
    let iso: string | null;
    if (dateText === lastDateText) iso = lastDateIso;
    else {
      iso = dateText ? parsePurchaseDate(dateText, dateOrder, offset) : null;
      lastDateText = dateText;
      lastDateIso = iso;
    }
    if (!dateText) return reject(lineNo, 'missing date', fields);
    if (iso === null) return reject(lineNo, `unreadable date "${dateText.slice(0, 40)}" (expected ${dateOrder === 'ymd' ? 'YYYY-MM-DD [hh:mm[:ss]]' : dateOrder === 'dmy' ? 'DD/MM/YYYY [hh:mm]' : 'MM/DD/YYYY [hh:mm]'})`, fields);
    let quantity: number;
    let unitPrice: number;
    if (useQuantity) {
      const q = get('quantity');
      const p = get('unitPrice');
      if (!q) return reject(lineNo, 'missing quantity', fields);
      if (!p) return reject(lineNo, 'missing unit price', fields);
      quantity = parsePurchaseNumber(q, decimal);
      if (!Number.isFinite(quantity)) return reject(lineNo, `unreadable quantity "${q.slice(0, 40)}"`, fields);
      const price = parsePurchaseNumber(p, decimal);
      if (!Number.isFinite(price)) return reject(lineNo, `unreadable unit price "${p.slice(0, 40)}"`, fields);
      unitPrice = Math.round(price * scale);
    } else {
      const a = get('amount');
      if (!a) return reject(lineNo, 'missing amount', fields);
      const amount = parsePurchaseNumber(a, decimal);
      if (!Number.isFinite(amount)) return reject(lineNo, `unreadable amount "${a.slice(0, 40)}"`, fields);
      quantity = 1;
      unitPrice = Math.round(amount * scale);
    }
    if (!Number.isSafeInteger(unitPrice)) return reject(lineNo, 'amount too large', fields);
    const sku = get('sku');
    if (sku.length > 60) return reject(lineNo, 'product code longer than 60 characters', fields);
    const customerId = get('customerId');
    if (customerId.length > 64) return reject(lineNo, 'customer id longer than 64 characters', fields);

    const key = invoice || `${customerId}\u001f${iso}`;
    let draft = open.get(key);
    if (!draft) {
      if (closed.has(key)) state.splitInvoices++;
      draft = { key, number: invoice || `ROW-${lineNo}`, orderedAt: iso, customerId, region: get('country').slice(0, 100), lineNumbers: [], lines: [] };
      open.set(key, draft);
      if (open.size > OPEN_INVOICES) close(open.values().next().value as Draft);
    }
    draft.lineNumbers.push(lineNo);
    draft.lines.push({ id: '', position: '', productId: '', sku, description: get('description').slice(0, 300), category: get('category').slice(0, 100), quantity, unitPrice, unitCost: 0, discountPct: 0 });
  };

  const lineBreaks = (field: string): number => {
    let n = 0;
    const ch = newline === '\r' ? '\r' : '\n';
    for (let i = field.indexOf(ch); i >= 0; i = field.indexOf(ch, i + 1)) n++;
    return n;
  };

  const parse = (text: string, isLast: boolean) => {
    const aggregate = carry + text;
    const parser = new Papa.Parser({ delimiter, newline, quoteChar: '"' });
    const results = parser.parse(aggregate, baseIndex, !isLast) as { data: string[][]; meta: { cursor: number } };
    if (!isLast) {
      carry = aggregate.substring(results.meta.cursor - baseIndex);
      baseIndex = results.meta.cursor;
    }
    for (const fields of results.data) {
      const lineNo = line;
      let breaks = 0;
      for (const f of fields) if (f.length > 0 && (f.includes('\n') || f.includes('\r'))) breaks += lineBreaks(f);
      line += 1 + breaks;
      if (fields.length === 1 && fields[0].trim() === '') continue;
      if (header === null) {
        setUp(fields);
        continue;
      }
      handleRow(fields, lineNo);
    }
  };

  const begin = (text: string) => {
    // Delimiter and line ends are read from the start of the file before anything is parsed.
    const sample = Papa.parse<string[]>(text.slice(0, 64 * 1024), { preview: 20, delimiter: options.delimiter || undefined });
    if (!delimiter) delimiter = sample.meta.delimiter || ',';
    newline = (sample.meta.linebreak as '\n' | '\r\n' | '\r') || '\n';
    started = true;
    parse(text, false);
  };
  const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

  let started = false;
  let pending = '';
  for await (const chunk of textChunks(source, options.encoding ?? 'utf-8')) {
    if (signal?.aborted) {
      cancelled = true;
      break;
    }
    if (started) parse(chunk, false);
    else {
      pending += chunk;
      if ((pending.length < 64 * 1024 && !/[\r\n]/.test(pending)) || pending.trim() === '') continue;
      begin(stripBom(pending));
      pending = '';
    }
    await flush(false);
    if (cancelled) break;
    emit();
  }
  if (!cancelled && !started) {
    const text = stripBom(pending);
    if (text.trim() === '') throw new PurchaseImportError('empty', 'The file is empty.');
    begin(text);
  }
  if (!cancelled) {
    parse('', true);
    if (header === null) throw new PurchaseImportError('empty', 'The file is empty.');
    if (state.rowsRead === 0) throw new PurchaseImportError('no-rows', 'The file has a header but no rows.');
    for (const d of [...open.values()]) close(d);
    if (state.ordersDone === 0 && ready.length === 0) {
      const [reason, count] = [...reasonCounts].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
      throw new PurchaseImportError('no-valid-rows', `No row could be imported: ${plural(state.rejected, 'row')} rejected, ${count.toLocaleString('en')} of them for: ${reason}.`, rejectedRows);
    }
    await flush(true);
  }
  emit(true);
  return {
    ...progress(),
    linesWritten: state.linesWritten,
    ordersSkipped: Math.min(skip, state.ordersDone),
    rejectedRows,
    cancelled,
    customers: customers.size,
    returns: state.returns,
    splitInvoices: state.splitInvoices,
    firstOrderAt,
    lastOrderAt,
    delimiter,
    header: header ?? []
  };
}
