// Analytics screens' worker: reads the workspace itself (in chunks), keeps the model warm, answers one screen at a time.
/*
 * Why the worker reads IndexedDB itself: posting the workspace's orders from the main thread costs a structured clone
 * of every row there (measured in tests/bench/analytics-app.bench.ts), and reading rows on the main thread costs their
 * deserialisation there too. Here both happen off the main thread; the screen only receives the small results.
 *
 * Requests `{ id, kind, … }` → `{ id, type: 'progress', progress }`… then `{ id, type: 'done', ok, result | error, ms }`.
 * `{ kind: 'cancel', target }` stops a request between chunks (a view) or between batches (an import).
 */
import Papa from 'papaparse';
import { loadAnalyticsInputs, stampKey, viewNeeds, type LoadedInputs, type LoadProgress, type ViewName } from '../core/analytics/loaders';
import {
  AnalyticsModel,
  churnView,
  cohortsView,
  customerInsightsView,
  forecastView,
  nextBestOfferView,
  overviewView,
  pivotView,
  profitabilityView,
  segmentationView,
  segmentMembers,
  serviceView,
  valueView,
  workspaceChurnTable,
  type ChurnParams,
  type ChurnView,
  type CohortsView,
  type ForecastParams,
  type ForecastView,
  type InsightsRef,
  type InsightsView,
  type Members,
  type MembersParams,
  type NboParams,
  type NboView,
  type OverviewView,
  type PivotRequest,
  type PivotView,
  type ProfitabilityParams,
  type ProfitabilityView,
  type SegmentationParams,
  type SegmentationView,
  type ServiceView,
  type ValueParams,
  type ValueView
} from '../core/analytics/views';
import type { CohortGrain } from '../core/analytics/cohorts';
import { importPurchaseHistory, PurchaseImportError, rejectedRowsToCsv, type PurchaseImportOptions, type PurchaseImportResult } from '../core/io/purchase-history';
import { FieldbookDb } from '../core/storage/db';
import { Workspace } from '../core/sync/workspace';

/** Where a churn model's rows come from: the workspace's customers, or a CSV file loaded into this worker. */
export type ChurnSource = { source: 'workspace' } | { source: 'file'; tableId: string };

export type ViewParams = {
  overview: Record<string, never>;
  segmentation: SegmentationParams;
  profitability: ProfitabilityParams;
  value: ValueParams;
  churn: ChurnSource & { model: ChurnParams | null };
  members: MembersParams;
  nbo: NboParams;
  insights: InsightsRef;
  forecast: ForecastParams;
  pivot: PivotRequest;
  cohorts: { grain: CohortGrain };
  service: { kinds?: string[] };
};

export type ViewResults = {
  overview: OverviewView;
  segmentation: SegmentationView;
  profitability: ProfitabilityView;
  value: ValueView;
  churn: ChurnView & { source: string };
  members: Members;
  nbo: NboView;
  insights: InsightsView;
  forecast: ForecastView;
  pivot: PivotView;
  cohorts: CohortsView;
  service: ServiceView;
};

/** A view's answer with the stamp of the data it was computed from (see loaders.ts `stampKey`). */
export type ViewAnswer<V extends ViewName> = { view: V; stamp: string; result: ViewResults[V] };

export type CsvPeek = { header: string[]; rows: string[][]; delimiter: string; isGzip: boolean; sampleBytes: number; sampleRows: number };
export type CsvTable = { tableId: string; name: string; rows: number; columns: ChurnView['columns'] };
export type ImportRequestOptions = Omit<PurchaseImportOptions, 'onProgress' | 'signal'>;
/** An import's outcome; rejected rows come as a ready CSV too (the screen offers it as a download). */
export type ImportAnswer =
  | (PurchaseImportResult & { rejectedCsv: string })
  | { failed: true; problem: string; message: string; rejectedRows: PurchaseImportResult['rejectedRows']; rejectedCsv: string };

export type AppRequest =
  | { id: number; kind: 'view'; dbName: string; today: string; view: ViewName; params: unknown }
  | { id: number; kind: 'cancel'; target: number }
  | { id: number; kind: 'peek-csv'; file: Blob }
  | { id: number; kind: 'load-table'; file: Blob; name: string }
  | { id: number; kind: 'import'; dbName: string; device: number; user: string; file: Blob; options: ImportRequestOptions };

export type ImportProgress = { kind: 'import'; rowsRead: number; ordersWritten: number; rejected: number };
export type AppProgress = LoadProgress | ImportProgress;
export type AppResponse = { id: number; type: 'progress'; progress: AppProgress } | { id: number; type: 'done'; ok: true; result: unknown; ms: number } | { id: number; type: 'done'; ok: false; error: string };

const post = (m: AppResponse) => (self as unknown as Worker).postMessage(m);
const controllers = new Map<number, AbortController>();

// -- the warm model of the open workspace --------------------------------------------------------------------------

let current: { dbName: string; db: FieldbookDb; model: AnalyticsModel; loaded: LoadedInputs | undefined } | null = null;
/** Views run one after another: two screens asking at once must not read the same tables twice over. */
let queue: Promise<unknown> = Promise.resolve();
const tables = new Map<string, { name: string; rows: Record<string, string>[] }>();
let nextTable = 1;

function workspace(dbName: string, today: string) {
  if (!current || current.dbName !== dbName) {
    current?.db.close();
    current = { dbName, db: new FieldbookDb(dbName), model: new AnalyticsModel({ today }), loaded: undefined };
  }
  return current;
}

async function runView(m: Extract<AppRequest, { kind: 'view' }>, signal: AbortSignal): Promise<ViewAnswer<ViewName>> {
  const w = workspace(m.dbName, m.today);
  const phase = (p: string) => post({ id: m.id, type: 'progress', progress: { phase: p, done: 0, total: 0 } });
  const needs = m.view === 'churn' && (m.params as ViewParams['churn']).source === 'file' ? [] : viewNeeds[m.view];
  if (needs.length > 0) {
    w.loaded = await loadAnalyticsInputs(w.db, needs, {
      previous: w.loaded,
      signal,
      onProgress: (progress) => post({ id: m.id, type: 'progress', progress })
    });
    w.model.update(w.loaded);
  }
  signal.throwIfAborted();
  const model = w.model;
  const stamp = w.loaded ? stampKey(w.loaded.stamps, needs) : '';
  const answer = <V extends ViewName>(view: V, result: ViewResults[V]): ViewAnswer<V> => ({ view, stamp, result });
  switch (m.view) {
    case 'overview':
      return answer('overview', overviewView(model));
    case 'segmentation':
      return answer('segmentation', segmentationView(model, m.params as SegmentationParams, phase));
    case 'profitability':
      phase('Costing every customer');
      return answer('profitability', profitabilityView(model, m.params as ProfitabilityParams));
    case 'value':
      return answer('value', valueView(model, m.params as ValueParams, phase));
    case 'churn': {
      const p = m.params as ViewParams['churn'];
      phase('Fitting the churn model');
      if (p.source === 'file') {
        const t = tables.get(p.tableId);
        if (!t) throw new Error('Choose the file again: this session no longer holds it.');
        return answer('churn', { ...churnView(t.rows, p.model), source: t.name });
      }
      const { rows, info } = workspaceChurnTable(model);
      return answer('churn', { ...churnView(rows, p.model, info), source: 'workspace' });
    }
    case 'members':
      return answer('members', segmentMembers(model, m.params as MembersParams));
    case 'nbo':
      phase('Mining association rules');
      return answer('nbo', nextBestOfferView(model, m.params as NboParams));
    case 'insights':
      phase('Working out this customer’s value');
      return answer('insights', customerInsightsView(model, m.params as InsightsRef));
    case 'forecast':
      phase('Fitting Holt-Winters');
      return answer('forecast', forecastView(model, m.params as ForecastParams));
    case 'pivot':
      phase('Pivoting');
      return answer('pivot', pivotView(model, m.params as PivotRequest));
    case 'cohorts':
      return answer('cohorts', cohortsView(model, m.params as { grain: CohortGrain }));
    case 'service':
      phase('Testing ticket rates');
      return answer('service', serviceView(model, m.params as { kinds?: string[] }));
  }
}

// -- files ------------------------------------------------------------------------------------------------------------

/** Text of a file, unpacking gzip when its first bytes say so. */
async function fileText(file: Blob): Promise<string> {
  const magic = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  if (magic[0] === 0x1f && magic[1] === 0x8b) return new Response(file.stream().pipeThrough(new DecompressionStream('gzip'))).text();
  return file.text();
}

/** The header and first rows of a CSV (gzip or not), read from its first 64 KiB only. */
async function peekCsv(file: Blob): Promise<CsvPeek> {
  const magic = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  const isGzip = magic[0] === 0x1f && magic[1] === 0x8b;
  let text = '';
  let sampleBytes = 0;
  if (isGzip) {
    const reader = file.stream().pipeThrough(new DecompressionStream('gzip')).getReader();
    const decoder = new TextDecoder();
    while (text.length < 64 * 1024) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel().catch(() => undefined);
  } else {
    const slice = file.slice(0, 64 * 1024);
    sampleBytes = slice.size;
    text = await slice.text();
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Only whole lines: the last one in the sample may be cut.
  const cut = text.length >= 64 * 1024 ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
  const parsed = Papa.parse<string[]>(cut, { skipEmptyLines: true });
  const [header = [], ...rows] = parsed.data;
  return { header: header.map((h) => h.trim()), rows: rows.slice(0, 8), delimiter: parsed.meta.delimiter, isGzip, sampleBytes: isGzip ? 0 : new TextEncoder().encode(cut).length, sampleRows: rows.length };
}

async function loadTable(file: Blob, name: string): Promise<CsvTable> {
  const text = await fileText(file);
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true, transformHeader: (h) => h.trim() });
  if (parsed.data.length === 0) throw new Error('The file has no rows.');
  const tableId = `t${nextTable++}`;
  tables.clear();
  tables.set(tableId, { name, rows: parsed.data });
  const view = churnView(parsed.data, null);
  return { tableId, name, rows: parsed.data.length, columns: view.columns };
}

async function runImport(m: Extract<AppRequest, { kind: 'import' }>, signal: AbortSignal): Promise<ImportAnswer> {
  const db = new FieldbookDb(m.dbName);
  // A purchase history is mostly in date order: a batch writes to one month doc, at most two. The default cache (12)
  // keeps a year-long file's months decoded: importing Online Retail, the tab's renderer peaked at ~1.5 GB; ~0.9 GB
  // with 3 docs, ~0.73 GB with 1, and the import was no slower (a file in random order reloads month docs either way).
  const ws = new Workspace({ db, device: m.device, user: () => m.user, cacheSize: 1 });
  try {
    const result = await importPurchaseHistory(ws, m.file, {
      ...m.options,
      signal,
      onProgress: (p) => post({ id: m.id, type: 'progress', progress: { kind: 'import', ...p } })
    });
    // The screen lists the first rejected rows; all of them (up to the kept maximum) go into the CSV.
    return { ...result, rejectedRows: result.rejectedRows.slice(0, 200), rejectedCsv: result.rejectedRows.length > 0 ? rejectedRowsToCsv(result.rejectedRows) : '' };
  } catch (e) {
    if (e instanceof PurchaseImportError)
      return { failed: true, problem: e.problem, message: e.message, rejectedRows: e.rejectedRows.slice(0, 200), rejectedCsv: e.rejectedRows.length > 0 ? rejectedRowsToCsv(e.rejectedRows) : '' };
    throw e;
  } finally {
    ws.close();
    db.close();
  }
}

// -- the switch -------------------------------------------------------------------------------------------------------

async function handle(m: AppRequest): Promise<void> {
  if (m.kind === 'cancel') {
    controllers.get(m.target)?.abort();
    return;
  }
  const controller = new AbortController();
  controllers.set(m.id, controller);
  const t0 = performance.now();
  try {
    let result: unknown;
    if (m.kind === 'view') {
      const run = queue.then(() => runView(m, controller.signal));
      queue = run.catch(() => undefined);
      result = await run;
    } else if (m.kind === 'peek-csv') result = await peekCsv(m.file);
    else if (m.kind === 'load-table') result = await loadTable(m.file, m.name);
    else result = await runImport(m, controller.signal);
    post({ id: m.id, type: 'done', ok: true, result, ms: performance.now() - t0 });
  } catch (e) {
    const aborted = controller.signal.aborted;
    post({ id: m.id, type: 'done', ok: false, error: aborted ? 'cancelled' : e instanceof Error ? e.message : String(e) });
  } finally {
    controllers.delete(m.id);
  }
}

self.onmessage = (e: MessageEvent<AppRequest>) => {
  void handle(e.data);
};
