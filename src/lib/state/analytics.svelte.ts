// Analytics as rune state: the worker client, per-screen view queries cached per data change, the purchase import, saving lists and tasks.
import { collectionStamps, stampKey, viewNeeds, type ViewName } from '$lib/core/analytics/loaders';
import type { PurchaseColumns, PurchaseImportResult, RejectedRow } from '$lib/core/io/purchase-history';
import { createRecord, ValidationError } from '$lib/core/commands';
import type {
  AppProgress,
  AppRequest,
  AppResponse,
  CsvPeek,
  CsvTable,
  ImportAnswer,
  ImportRequestOptions,
  ViewAnswer,
  ViewParams,
  ViewResults
} from '$lib/workers/analytics-app.worker';
import { untrack } from 'svelte';
import { LiveValue } from './live.svelte';
import type { AppSession } from './session.svelte';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (p: AppProgress) => void };
type Outgoing = AppRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** Raised for a request the person (or a newer request) cancelled: not an error worth showing. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/**
 * One worker per client: requests carry an id; progress messages stream to the caller's callback and the final
 * answer settles its promise. A worker that dies rejects everything in flight and is recreated on the next request.
 */
export class AnalyticsClient {
  #worker: Worker | null = null;
  #next = 1;
  #pending = new Map<number, Pending>();

  #ensure(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('../workers/analytics-app.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<AppResponse>) => {
      const m = e.data;
      const p = this.#pending.get(m.id);
      if (!p) return;
      if (m.type === 'progress') {
        p.onProgress?.(m.progress);
        return;
      }
      this.#pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(m.error === 'cancelled' ? new CancelledError() : new Error(m.error));
    };
    worker.onerror = (e) => {
      const error = new Error(e.message || 'The analytics worker stopped unexpectedly.');
      for (const p of this.#pending.values()) p.reject(error);
      this.#pending.clear();
      this.#worker?.terminate();
      this.#worker = null;
    };
    this.#worker = worker;
    return worker;
  }

  request<T>(message: Outgoing, onProgress?: (p: AppProgress) => void): { id: number; promise: Promise<T> } {
    const id = this.#next++;
    const promise = new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
    });
    this.#ensure().postMessage({ ...message, id } as AppRequest);
    return { id, promise };
  }

  /**
   * Asks the worker to stop a request (it stops between chunks of reading). A model already computing cannot be
   * interrupted, so a request still unsettled after `graceMs` ends the worker itself: everything in flight is then
   * cancelled and the next request starts a fresh worker (which reads the workspace again).
   */
  cancel(id: number, graceMs = 2_000): void {
    if (!this.#worker || !this.#pending.has(id)) return;
    this.#worker.postMessage({ id: this.#next++, kind: 'cancel', target: id } satisfies AppRequest);
    if (!Number.isFinite(graceMs)) return;
    const worker = this.#worker;
    setTimeout(() => {
      if (this.#worker === worker && this.#pending.has(id)) this.terminate();
    }, graceMs);
  }

  terminate(): void {
    this.#worker?.terminate();
    this.#worker = null;
    for (const p of this.#pending.values()) p.reject(new CancelledError());
    this.#pending.clear();
  }
}

/** The tab's analytics worker: kept warm across screens so a screen visited again answers from memory. */
let shared: AnalyticsClient | null = null;
export const analyticsClient = (): AnalyticsClient => (shared ??= new AnalyticsClient());

/** Answers per workspace, screen and parameters; an answer is reused while its data stamp still matches. */
const answers = new Map<string, ViewAnswer<ViewName>>();
const MAX_ANSWERS = 60;

function remember(key: string, answer: ViewAnswer<ViewName>): void {
  answers.delete(key);
  answers.set(key, answer);
  if (answers.size > MAX_ANSWERS) answers.delete(answers.keys().next().value as string);
}

const today = (): string => new Date().toISOString().slice(0, 10);

/** Runs one view in the worker, uncached (saving a list asks for its members once). */
export function fetchView<V extends ViewName>(session: AppSession, view: V, params: ViewParams[V], onProgress?: (p: AppProgress) => void): Promise<ViewResults[V]> {
  const { promise } = analyticsClient().request<ViewAnswer<V>>({ kind: 'view', dbName: session.db.name, today: today(), view, params: $state.snapshot(params) }, onProgress);
  return promise.then((a) => a.result);
}

export type QueryStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * One screen's figures: `load(params)` shows a remembered answer at once when the data it came from is unchanged,
 * else asks the worker (with progress) — an older answer stays on screen meanwhile. `isStale` turns true when the
 * workspace changes under the figures shown (another tab, a sync, an import); `refresh()` works them out again.
 */
export class ViewQuery<V extends ViewName> {
  status = $state<QueryStatus>('idle');
  progress = $state.raw<AppProgress | null>(null);
  answer = $state.raw<ViewAnswer<V> | null>(null);
  error = $state<string | null>(null);
  /** Milliseconds the worker took for the last answer (reading included). */
  ms = $state<number | null>(null);
  readonly #session: AppSession;
  readonly #view: V;
  readonly #stamps: LiveValue<Record<string, string> | null>;
  #params: ViewParams[V] | null = null;
  #inFlight: number | null = null;

  constructor(session: AppSession, view: V) {
    this.#session = session;
    this.#view = view;
    const names = viewNeeds[view];
    this.#stamps = new LiveValue(() => collectionStamps(session.db, names), null);
  }

  get result(): ViewResults[V] | null {
    return this.answer?.result ?? null;
  }

  get isLoading(): boolean {
    return this.status === 'loading';
  }

  /** True when the data changed since the figures on screen were worked out. */
  get isStale(): boolean {
    const stamps = this.#stamps.current;
    if (!stamps || !this.answer || this.status === 'loading') return false;
    return stampKey(stamps, this.#needs) !== this.answer.stamp;
  }

  get #needs() {
    return this.#view === 'churn' && (this.#params as ViewParams['churn'] | null)?.source === 'file' ? [] : viewNeeds[this.#view];
  }

  #key(params: ViewParams[V]): string {
    return `${this.#session.db.name}|${this.#view}|${JSON.stringify(params)}`;
  }

  /**
   * Loads whenever the parameters change (call while a component initialises: it sets up an effect). `params` should
   * build a fresh object from the state it reads, so every change is seen; load itself runs untracked.
   */
  follow(params: () => ViewParams[V]): void {
    $effect(() => {
      const p = params();
      untrack(() => void this.load(p));
    });
  }

  async load(params: ViewParams[V]): Promise<void> {
    const plain = $state.snapshot(params) as ViewParams[V];
    this.#params = plain;
    const key = this.#key(plain);
    const known = answers.get(key) as ViewAnswer<V> | undefined;
    if (known) {
      this.#cancelInFlight();
      this.answer = known;
      this.status = 'ready';
      this.error = null;
      const fresh = await collectionStamps(this.#session.db, this.#needs);
      if (stampKey(fresh, this.#needs) === known.stamp || this.#params !== plain) return;
    }
    await this.#run(plain, key);
  }

  refresh(): Promise<void> {
    if (!this.#params) return Promise.resolve();
    return this.#run(this.#params, this.#key(this.#params));
  }

  cancel(): void {
    this.#cancelInFlight();
    this.status = this.answer ? 'ready' : 'idle';
    this.progress = null;
  }

  #cancelInFlight(): void {
    if (this.#inFlight !== null) analyticsClient().cancel(this.#inFlight);
    this.#inFlight = null;
  }

  async #run(params: ViewParams[V], key: string): Promise<void> {
    this.#cancelInFlight();
    this.status = 'loading';
    this.error = null;
    this.progress = null;
    const t0 = performance.now();
    const { id, promise } = analyticsClient().request<ViewAnswer<V>>(
      { kind: 'view', dbName: this.#session.db.name, today: today(), view: this.#view, params },
      (p) => {
        if (this.#inFlight === id) this.progress = p;
      }
    );
    this.#inFlight = id;
    try {
      const answer = await promise;
      if (this.#inFlight !== id) return;
      remember(key, answer as ViewAnswer<ViewName>);
      this.answer = answer;
      this.ms = performance.now() - t0;
      this.status = 'ready';
    } catch (e) {
      if (this.#inFlight !== id) return;
      if (e instanceof CancelledError) {
        // Not cancelled by this query: the worker was ended under it (another screen's stuck model). Ask again.
        this.#inFlight = null;
        void this.#run(params, key);
        return;
      }
      this.error = (e as Error).message;
      this.status = 'error';
    } finally {
      if (this.#inFlight === id) {
        this.#inFlight = null;
        this.progress = null;
      }
    }
  }
}

// -- saved lists and tasks ------------------------------------------------------------------------------------------

/** Saves customers as a static saved list of contacts (a `segment` record): a campaign audience. */
export async function saveContactList(session: AppSession, name: string, contactIds: readonly string[], description: string): Promise<{ id: string }> {
  const record = await createRecord(session.ws, 'segment', { name, of: 'contact', kind: 'static', memberIds: [...contactIds], description });
  return { id: record.id };
}

/** Due tomorrow at 09:00 local time: a call worth making, not an emergency. */
export function tomorrowMorning(now = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0);
  return d.toISOString();
}

export type TaskFor = { name: string; contactId: string; accountId: string; notes: string };

export async function createCallTask(session: AppSession, who: TaskFor): Promise<{ id: string }> {
  const task = await createRecord(session.ws, 'task', {
    title: `Call ${who.name}`.slice(0, 200),
    kind: 'call',
    priority: 'high',
    contactId: who.contactId,
    accountId: who.accountId,
    due: tomorrowMorning(),
    notes: who.notes
  });
  return { id: task.id };
}

/** A message for a failed save: field issues when the schema refused it, else the error's own words. */
export function saveError(e: unknown): string {
  if (e instanceof ValidationError) return e.issues.map((i) => `${i.path || 'record'} ${i.message}`).join('; ');
  return (e as Error).message;
}

// -- churn file ----------------------------------------------------------------------------------------------------

/** Loads a CSV (e.g. the Telco churn data set) into the worker; the rows stay there, the screen gets the columns. */
export function loadTableFile(file: File): Promise<CsvTable> {
  return analyticsClient().request<CsvTable>({ kind: 'load-table', file, name: file.name }).promise;
}

// -- purchase history import ----------------------------------------------------------------------------------------

export type ImportStep = 'choose' | 'map' | 'importing' | 'done' | 'error';

/** Column names of the UCI Online Retail file: the defaults the mapping starts from when the header matches. */
export const onlineRetailColumns: PurchaseColumns = {
  customerId: 'CustomerID',
  date: 'InvoiceDate',
  invoice: 'InvoiceNo',
  quantity: 'Quantity',
  unitPrice: 'UnitPrice',
  sku: 'StockCode',
  description: 'Description',
  country: 'Country'
};

/** Finds a column for each field by common names, Online Retail's first. */
export function guessColumns(header: readonly string[]): PurchaseColumns {
  const find = (...names: string[]): string => header.find((h) => names.some((n) => h.toLowerCase().replace(/[\s_-]/g, '') === n)) ?? '';
  return {
    customerId: find('customerid', 'customer', 'clientid', 'customerno', 'customernumber'),
    date: find('invoicedate', 'date', 'orderdate', 'purchasedate', 'timestamp'),
    invoice: find('invoiceno', 'invoice', 'ordernumber', 'orderid', 'orderno', 'invoicenumber'),
    amount: find('amount', 'total', 'linetotal', 'sales', 'revenue', 'value'),
    quantity: find('quantity', 'qty', 'units'),
    unitPrice: find('unitprice', 'price'),
    sku: find('stockcode', 'sku', 'productcode', 'productid', 'product', 'itemcode'),
    description: find('description', 'productname', 'item', 'name'),
    country: find('country', 'region'),
    category: find('category', 'productcategory')
  };
}

/**
 * A purchase-history import: peek at the file, map columns, then run in a worker of its own (it writes through its
 * own write model, so this tab stops writing meanwhile and reloads its docs after), with progress and cancel.
 */
export class PurchaseImport {
  step = $state<ImportStep>('choose');
  file = $state.raw<File | null>(null);
  peek = $state.raw<CsvPeek | null>(null);
  columns = $state<PurchaseColumns>({ customerId: '', date: '' });
  currency = $state('GBP');
  dateOrder = $state<'ymd' | 'dmy' | 'mdy'>('ymd');
  creditNotePrefix = $state('C');
  progress = $state.raw<{ rowsRead: number; ordersWritten: number; rejected: number } | null>(null);
  result = $state.raw<PurchaseImportResult | null>(null);
  rejectedRows = $state.raw<RejectedRow[]>([]);
  /** Every rejected row kept, as CSV, for download. */
  rejectedCsv = $state.raw('');
  error = $state<string | null>(null);
  readonly #session: AppSession;
  #client: AnalyticsClient | null = null;
  #requestId: number | null = null;

  constructor(session: AppSession) {
    this.#session = session;
  }

  /** Rows in the file, estimated from the first 64 KiB (null for a gzip file, whose size says little). */
  get estimatedRows(): number | null {
    const p = this.peek;
    const f = this.file;
    if (!p || !f || p.isGzip || p.sampleBytes === 0 || p.sampleRows === 0) return null;
    return Math.max(p.sampleRows, Math.round((f.size / p.sampleBytes) * p.sampleRows));
  }

  get isRunning(): boolean {
    return this.step === 'importing';
  }

  get looksLikeOnlineRetail(): boolean {
    return !!this.peek && Object.values(onlineRetailColumns).every((c) => this.peek!.header.includes(c as string));
  }

  async choose(file: File): Promise<void> {
    if (this.isRunning) return;
    this.file = file;
    this.error = null;
    this.result = null;
    this.rejectedRows = [];
    try {
      const peek = await analyticsClient().request<CsvPeek>({ kind: 'peek-csv', file }).promise;
      if (peek.header.length === 0) throw new Error('The file is empty.');
      this.peek = peek;
      this.columns = guessColumns(peek.header);
      if (this.looksLikeOnlineRetail) {
        this.currency = 'GBP';
        this.creditNotePrefix = 'C';
        this.dateOrder = 'ymd';
      }
      this.step = 'map';
    } catch (e) {
      this.error = `The file could not be read: ${(e as Error).message}`;
      this.step = 'error';
    }
  }

  /** Starts (or, with `resume`, continues a cancelled) import. */
  async start(resume = false): Promise<void> {
    const file = this.file;
    if (!file || this.isRunning) return;
    const session = this.#session;
    if (session.isReadOnly) {
      this.error = 'This tab is read-only: Fieldbook is open for editing in another tab. Import there, or close it and try again.';
      this.step = 'error';
      return;
    }
    const resumeFrom = resume && this.result?.cancelled ? { ordersWritten: this.result.ordersWritten } : undefined;
    this.step = 'importing';
    this.error = null;
    this.progress = { rowsRead: 0, ordersWritten: resumeFrom?.ordersWritten ?? 0, rejected: 0 };
    const ws = session.ws;
    ws.isWriter = false;
    const client = (this.#client = new AnalyticsClient());
    const cols = Object.fromEntries(Object.entries($state.snapshot(this.columns)).filter(([, v]) => !!v)) as PurchaseColumns;
    const options: ImportRequestOptions = {
      columns: cols,
      currency: this.currency.trim().toUpperCase(),
      dateOrder: this.dateOrder,
      creditNotePrefix: this.creditNotePrefix,
      resumeFrom
    };
    try {
      const { id, promise } = client.request<ImportAnswer>({ kind: 'import', dbName: session.db.name, device: ws.device, user: session.userId, file, options }, (p) => {
        if ('rowsRead' in p) this.progress = { rowsRead: p.rowsRead, ordersWritten: p.ordersWritten, rejected: p.rejected };
      });
      this.#requestId = id;
      const answer = await promise;
      this.rejectedCsv = answer.rejectedCsv;
      if ('failed' in answer) {
        this.error = answer.message;
        this.rejectedRows = answer.rejectedRows;
        this.step = 'error';
        return;
      }
      this.result = answer;
      this.rejectedRows = answer.rejectedRows;
      this.step = 'done';
    } catch (e) {
      this.error = `The import stopped: ${(e as Error).message}. Orders written before it stopped are kept.`;
      this.step = 'error';
    } finally {
      // The worker wrote with this device's id: drop cached docs so the next edit here starts from storage.
      ws.close();
      ws.isWriter = !session.isReadOnly;
      client.terminate();
      this.#client = null;
      this.#requestId = null;
    }
  }

  cancel(): void {
    // An import stops after the batch in flight, however long it takes: ending the worker mid-batch would lose it.
    if (this.#client && this.#requestId !== null) this.#client.cancel(this.#requestId, Infinity);
  }

  reset(): void {
    if (this.isRunning) return;
    this.step = 'choose';
    this.file = null;
    this.peek = null;
    this.result = null;
    this.rejectedRows = [];
    this.rejectedCsv = '';
    this.error = null;
    this.progress = null;
  }

  dispose(): void {
    // An import keeps running when the page is left: the worker finishes its batches and the tab resumes writing.
    if (!this.isRunning) this.#client?.terminate();
  }
}
