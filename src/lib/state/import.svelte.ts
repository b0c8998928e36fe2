// Import as rune state: a file read in import.worker, the column mapping with a live preview, the import's progress and result.
import {
  compileMapping,
  detectFormats,
  fieldOf,
  loadSavedMappings,
  mappingProblem,
  matchSavedMapping,
  saveMapping,
  suggestMapping,
  targetFields,
  validateInput,
  type DateFormat,
  type ImportMapping,
  type ImportTarget,
  type NumberFormat,
  type SavedMapping
} from '$lib/core/io/csv-import';
import { rejectedRowsCsv, type ImportProgress, type ImportResult } from '$lib/core/io/import-records';
import type { FileSummary, ImportRequest, ImportResponse } from '$lib/workers/import.worker';
import { downloadBlob } from './io.svelte';
import type { AppSession } from './session.svelte';

export type ImportStep = 'choose' | 'reading' | 'map' | 'importing' | 'done';

/** One cell of the preview: a record field's value, and the problem the import would report for it. */
export type PreviewCell = { path: string; value: string; error: string };
export type PreviewRow = { line: number; cells: PreviewCell[]; problems: string[] };
export type PreviewColumn = { path: string; label: string };

const PREVIEW_ROWS = 5;

/** Record fields in the order of the mapping menu; address parts, facts and money shown as plain text. */
function flatten(input: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(input)) {
    if (key === 'id' || value === undefined || value === null || value === '') continue;
    if (key === 'annualRevenue') {
      const m = value as { amount: number; currency: string };
      out.set(key, `${m.currency} ${(m.amount / 100).toLocaleString(undefined, { minimumFractionDigits: 2 })}`);
    } else if (key === 'address' || key === 'facts') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== '' && v !== undefined) out.set(`${key}.${k}`, String(v));
    } else if (Array.isArray(value)) {
      if (value.length > 0) out.set(key, value.join(', '));
    } else if (key === 'capturedAt') out.set(key, String(value).slice(0, 10));
    else out.set(key, String(value));
  }
  return out;
}

function labelFor(target: ImportTarget, path: string): string {
  if (path.startsWith('facts.')) return `Fact “${path.slice(6)}”`;
  return fieldOf(target, path)?.label.replace(/ \(.*\)$/, '') ?? path;
}

const fieldOrder = (target: ImportTarget, path: string): number => {
  const i = targetFields[target].findIndex((f) => f.path === path || (path.startsWith('facts.') && f.path === 'facts'));
  return i < 0 ? 999 : i;
};

function newWorker(): Worker {
  return new Worker(new URL('../workers/import.worker.ts', import.meta.url), { type: 'module' });
}

export class ImportState {
  readonly #session: AppSession;
  step = $state<ImportStep>('choose');
  summary = $state.raw<FileSummary | null>(null);
  mapping = $state.raw<ImportMapping | null>(null);
  /** Why the chosen file cannot be imported (nothing was written). */
  fileError = $state<string | null>(null);
  /** Why the import stopped part-way, if it did. */
  importError = $state<string | null>(null);
  progress = $state.raw<ImportProgress | null>(null);
  result = $state.raw<ImportResult | null>(null);
  saved = $state.raw<SavedMapping[]>([]);
  /** The saved mapping in use, when the file's columns matched one. */
  savedName = $state<string | null>(null);
  isCancelling = $state(false);
  #isDateChosen = false;
  #isNumberChosen = false;
  #worker: Worker | null = null;

  constructor(session: AppSession) {
    this.#session = session;
  }

  get csv(): Extract<FileSummary, { kind: 'csv' }> | null {
    return this.summary?.kind === 'csv' ? this.summary : null;
  }

  get vcard(): Extract<FileSummary, { kind: 'vcard' }> | null {
    return this.summary?.kind === 'vcard' ? this.summary : null;
  }

  /** Why the mapping cannot import yet (no name column…), or null. */
  readonly problem = $derived.by(() => (this.csv && this.mapping ? mappingProblem(this.csv.headers, this.mapping) : null));

  /** The first rows as the import would make them, each value beside the error the import would report for it. */
  readonly preview = $derived.by((): { columns: PreviewColumn[]; rows: PreviewRow[] } => {
    const csv = this.csv;
    const mapping = this.mapping;
    if (!csv || !mapping) return { columns: [], rows: [] };
    const mapper = compileMapping(csv.headers, mapping);
    const mapped = csv.sample.slice(0, PREVIEW_ROWS).map((row) => {
      const { input, issues } = mapper.map(row.values);
      const schema = issues.length > 0 ? [] : validateInput(mapping.target, input);
      return { row, values: flatten(input), issues: [...issues.map((i) => ({ path: i.field, message: i.message })), ...schema] };
    });
    const paths = [...new Set(mapped.flatMap((m) => [...m.values.keys()]))].sort((a, b) => fieldOrder(mapping.target, a) - fieldOrder(mapping.target, b));
    const columns = paths.map((path) => ({ path, label: labelFor(mapping.target, path) }));
    // An issue belongs in the cell of its field ("otherEmails.1" in Other emails); one with no cell (a name that is
    // missing altogether) is shown for the whole row.
    const concerns = (path: string, issuePath: string) => issuePath === path || issuePath.startsWith(`${path}.`) || path.startsWith(`${issuePath}.`);
    const rows = mapped.map(({ row, values, issues }) => {
      const cells = paths.map((path) => ({
        path,
        value: values.get(path) ?? '',
        error: issues
          .filter((i) => concerns(path, i.path))
          .map((i) => i.message)
          .join('; ')
      }));
      const problems = issues.filter((i) => !paths.some((path) => concerns(path, i.path))).map((i) => `${mapper.labelOf(i.path)}: ${i.message}`);
      return { line: row.line, cells, problems };
    });
    return { columns, rows };
  });

  /** Up to three non-empty example values per column, for the mapping table. */
  readonly examples = $derived.by((): Record<string, string[]> => {
    const csv = this.csv;
    if (!csv) return {};
    return Object.fromEntries(
      csv.headers.map((h, i) => [
        h,
        [...new Set(csv.sample.map((r) => r.values[i]?.trim() ?? '').filter(Boolean))].slice(0, 3).map((v) => (v.length > 60 ? `${v.slice(0, 57)}…` : v))
      ])
    );
  });

  /** Reads the file in the worker (nothing is written); a file that cannot be imported says why. */
  async chooseFile(file: File): Promise<void> {
    if (this.step === 'importing' || this.step === 'reading') return;
    this.#stop();
    this.reset();
    this.step = 'reading';
    this.#worker = newWorker();
    try {
      const answer = await this.#ask({ kind: 'read', file, fileName: file.name });
      if (answer.kind !== 'read') throw new Error('The import worker gave an unexpected answer.');
      this.summary = answer.summary;
      if (answer.summary.kind === 'csv') {
        this.saved = await loadSavedMappings(this.#session.db);
        const match = matchSavedMapping(this.saved, answer.summary.headers);
        if (match) {
          this.mapping = match.mapping;
          this.savedName = match.name;
          this.#isDateChosen = this.#isNumberChosen = true;
        } else {
          this.mapping = suggestMapping(answer.summary.headers, answer.summary.sample, 'contact');
        }
      }
      this.step = 'map';
    } catch (e) {
      this.fileError = (e as Error).message;
      this.step = 'choose';
      this.#stop();
    }
  }

  setTarget(target: ImportTarget): void {
    const csv = this.csv;
    if (!csv || this.mapping?.target === target) return;
    this.#isDateChosen = this.#isNumberChosen = false;
    this.savedName = null;
    this.mapping = suggestMapping(csv.headers, csv.sample, target, { currency: this.mapping?.currency });
  }

  setColumn(header: string, path: string): void {
    const csv = this.csv;
    const m = this.mapping;
    if (!csv || !m) return;
    const columns = { ...m.columns, [header]: path };
    // A newly mapped date or money column may tell the format, unless the person already chose one.
    const detected = detectFormats(csv.headers, csv.sample, { target: m.target, columns });
    this.mapping = {
      ...m,
      columns,
      dateFormat: this.#isDateChosen ? m.dateFormat : detected.dateFormat,
      numberFormat: this.#isNumberChosen ? m.numberFormat : detected.numberFormat
    };
  }

  setDateFormat(format: DateFormat): void {
    if (!this.mapping) return;
    this.#isDateChosen = true;
    this.mapping = { ...this.mapping, dateFormat: format };
  }

  setNumberFormat(format: NumberFormat): void {
    if (!this.mapping) return;
    this.#isNumberChosen = true;
    this.mapping = { ...this.mapping, numberFormat: format };
  }

  setCurrency(currency: string): void {
    if (!this.mapping) return;
    this.mapping = { ...this.mapping, currency: currency.toUpperCase() };
  }

  /** Drops a saved mapping that was applied and goes back to the suggestions made from the column names. */
  useSuggested(): void {
    const csv = this.csv;
    if (!csv || !this.mapping) return;
    this.savedName = null;
    this.#isDateChosen = this.#isNumberChosen = false;
    this.mapping = suggestMapping(csv.headers, csv.sample, this.mapping.target);
  }

  async saveMapping(name: string): Promise<void> {
    const csv = this.csv;
    if (!csv || !this.mapping) return;
    this.saved = await saveMapping(this.#session.db, name, csv.headers, this.mapping);
    this.savedName = this.saved[0].name;
  }

  /**
   * Imports the file in the worker. The worker writes with this device's id, so this tab does not write meanwhile and
   * drops its cached docs afterwards (the same hand-over as the demo load).
   */
  async start(): Promise<void> {
    const session = this.#session;
    if (this.step !== 'map' || !this.#worker || !this.summary) return;
    if (this.csv && this.problem) return;
    if (session.isReadOnly) {
      this.importError = 'This tab is read-only: Fieldbook is open for editing in another tab. Import there, or close it and try again.';
      return;
    }
    this.step = 'importing';
    this.importError = null;
    this.progress = null;
    this.isCancelling = false;
    const ws = session.ws;
    ws.isWriter = false;
    try {
      const answer = await this.#ask({ kind: 'import', dbName: session.db.name, device: ws.device, user: session.userId, mapping: this.csv ? this.mapping : null });
      if (answer.kind !== 'done') throw new Error('The import worker gave an unexpected answer.');
      this.result = answer.result;
      this.step = 'done';
    } catch (e) {
      this.importError = `The import stopped: ${(e as Error).message} Rows imported before it stopped are kept.`;
      this.step = 'map';
    } finally {
      ws.close();
      ws.isWriter = !session.isReadOnly;
      this.progress = null;
    }
  }

  /** Stops after the batch being written (batches are whole); the result then says what was imported. */
  cancel(): void {
    if (this.step !== 'importing' || !this.#worker) return;
    this.isCancelling = true;
    this.#worker.postMessage({ kind: 'cancel' } satisfies ImportRequest);
  }

  downloadRejected(): void {
    const r = this.result;
    if (!r || r.rejected.length === 0) return;
    const base = (this.summary?.fileName ?? 'import').replace(/\.[^.]+$/, '') || 'import';
    downloadBlob(new Blob([rejectedRowsCsv(r)], { type: 'text/csv;charset=utf-8' }), `${base}-rejected-rows.csv`);
  }

  /** Back to choosing a file. */
  reset(): void {
    if (this.step === 'importing') return;
    this.#stop();
    this.step = 'choose';
    this.summary = null;
    this.mapping = null;
    this.fileError = null;
    this.importError = null;
    this.result = null;
    this.savedName = null;
    this.progress = null;
  }

  /** Call when the page goes away: frees the worker and the file it holds (an import in flight finishes first). */
  dispose(): void {
    if (this.step !== 'importing') this.#stop();
  }

  #ask(request: ImportRequest): Promise<ImportResponse> {
    const worker = this.#worker!;
    return new Promise<ImportResponse>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<ImportResponse>) => {
        const m = e.data;
        if (m.kind === 'progress') this.progress = m.progress;
        else if (m.kind === 'error') reject(new Error(m.message));
        else resolve(m);
      };
      worker.onerror = (e) => reject(new Error(e.message || 'The import worker stopped unexpectedly.'));
      worker.postMessage(request);
    });
  }

  #stop(): void {
    this.#worker?.terminate();
    this.#worker = null;
  }
}
