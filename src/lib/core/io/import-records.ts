// Import into the workspace: a file read as CSV or vCard, rows mapped and validated, written in whole batches with
// contacts linked to accounts found (or created) by company name; bad rows kept with their line and reason to download.
import Dexie from 'dexie';
import Papa from 'papaparse';
import { createRecords } from '../commands/records';
import { newId, type Collection } from '../model/base';
import { collections } from '../model/registry';
import { docIdFor } from '../sync/doc-layout';
import { normaliseName } from '../sales/duplicates';
import type { Workspace } from '../sync/workspace';
import {
  compileMapping,
  decodeText,
  ImportFileError,
  mappingProblem,
  parseCsv,
  targetFields,
  validateInput,
  type CsvTable,
  type ImportMapping,
  type ImportTarget,
  type InputIssue,
  type TextEncoding
} from './csv-import';
import { parseVCard, type ParsedVCard } from './vcard';

/** A readable file: rows of a CSV table, or the cards of a vCard file. */
export type ImportSource =
  | { kind: 'csv'; fileName: string; encoding: TextEncoding; table: CsvTable }
  | { kind: 'vcard'; fileName: string; encoding: TextEncoding; cards: ParsedVCard[] };

/**
 * Reads a chosen file completely before anything is written: a vCard file (by its name or its first line) or CSV.
 * A file that cannot be imported as a whole (binary, empty, no header, header only, no cards) throws
 * `ImportFileError` with the reason, so nothing is ever half-imported from it.
 */
export function readImportFile(bytes: Uint8Array, fileName = ''): ImportSource {
  const { text, encoding } = decodeText(bytes);
  const isVCard = /\.(vcf|vcard)$/i.test(fileName) || /^\s*BEGIN:VCARD/i.test(text.replace(/^\uFEFF/, ''));
  if (isVCard) {
    const cards = parseVCard(text);
    if (cards.length === 0) throw new ImportFileError('no-cards', 'The file holds no contact cards (no BEGIN:VCARD … END:VCARD).');
    return { kind: 'vcard', fileName, encoding, cards };
  }
  return { kind: 'csv', fileName, encoding, table: parseCsv(text) };
}

export type ImportProgress = { rowsRead: number; imported: number; rejected: number; total: number };
/** A row (or card) that was not imported: where it is, why, and its original values. */
export type RejectedRow = { line: number; reason: string; values: string[] };
export type ImportResult = {
  target: ImportTarget;
  /** Rows (or cards) in the file. */
  total: number;
  /** Rows read before the import finished or was cancelled. */
  rowsRead: number;
  imported: number;
  accountsCreated: number;
  rejected: RejectedRow[];
  cancelled: boolean;
  ms: number;
  /** Names of the original columns, for the rejected-rows download. */
  columns: string[];
  /** What `line` counts: file lines of a CSV, or cards of a vCard file. */
  unit: 'line' | 'card';
  /**
   * Where the time went, in ms: mapping and checking rows (this module), linking contacts to accounts (including
   * writing new accounts), and writing the records (`createRecords`: its schema parse, Yjs and the read model).
   */
  timings: ImportTimings;
};
export type ImportTimings = { prepareMs: number; linkMs: number; writeMs: number };
export type ImportOptions = {
  onProgress?: (p: ImportProgress) => void;
  /** Checked between batches: a cancelled import stops after the batch in flight, which is written whole. */
  signal?: AbortSignal;
  /** Rows per batch (one Yjs transaction and one store step per doc per batch). */
  batchSize?: number;
};

const DEFAULT_BATCH = 2000;

type Item = { line: number; values: string[]; input: Record<string, unknown> | null; reason: string };

/**
 * Finds each contact's account by company name (normalised: case, accents and punctuation ignored) or creates it once,
 * so contacts of the same company link to one account. The live accounts' names are read once, on the first company:
 * the `_terms` index keeps accents, so "Gomez" would not find "Gómez" there, and reading every account (10,000 at
 * field scale) once is cheaper than a query per batch.
 */
class AccountLinker {
  readonly #ws: Workspace;
  #byKey: Map<string, { id: string; name: string }> | null = null;
  /** normaliseName per company as written: a file names each of its 2,000 companies 50 times over. */
  readonly #keys = new Map<string, string>();
  created = 0;

  constructor(ws: Workspace) {
    this.#ws = ws;
  }

  static companyOf(input: Record<string, unknown>): string {
    return typeof input.company === 'string' && !input.accountId ? input.company.trim() : '';
  }

  #keyOf(company: string): string {
    let key = this.#keys.get(company);
    if (key === undefined) {
      key = company ? normaliseName(company) : '';
      this.#keys.set(company, key);
    }
    return key;
  }

  /** Reads the live accounts' names once (before the first batch is checked). */
  async load(): Promise<void> {
    if (this.#byKey) return;
    const map = new Map<string, { id: string; name: string }>();
    const rows = await this.#ws.db.rows('account').where('[_del+_sort]').between([0, Dexie.minKey], [0, Dexie.maxKey]).toArray();
    for (const r of rows) {
      const key = normaliseName(r.name as string);
      if (key && !map.has(key)) map.set(key, { id: r.id as string, name: r.name as string });
    }
    this.#byKey = map;
  }

  get #known(): Map<string, { id: string; name: string }> {
    if (!this.#byKey) throw new Error('AccountLinker.load() first');
    return this.#byKey;
  }

  /** Whether linking this input would create an account (its company is not known yet). */
  isNew(input: Record<string, unknown>): boolean {
    const key = this.#keyOf(AccountLinker.companyOf(input));
    return !!key && !this.#known.has(key);
  }

  /** Sets `accountId` (and the account's own spelling of `company`) on each input, creating missing accounts first. */
  async link(inputs: Record<string, unknown>[]): Promise<void> {
    if (!inputs.some(AccountLinker.companyOf)) return;
    const known = this.#known;
    const missing = new Map<string, string>();
    for (const input of inputs) {
      const company = AccountLinker.companyOf(input);
      const key = this.#keyOf(company);
      if (key && !known.has(key) && !missing.has(key)) missing.set(key, company);
    }
    if (missing.size > 0) {
      const { created } = await createRecords(this.#ws, 'account', [...missing.values()].map((name) => ({ name })));
      for (const a of created) known.set(this.#keyOf(a.name), { id: a.id, name: a.name });
      this.created += created.length;
    }
    for (const input of inputs) {
      const company = AccountLinker.companyOf(input);
      const account = company ? known.get(this.#keyOf(company)) : undefined;
      if (account) {
        input.accountId = account.id;
        input.company = account.name;
      }
    }
  }
}

/** "Email (column “E-mail 1 - Value”): must be an email address" — the field, where it came from, and the rule. */
function describe(issues: InputIssue[], labelOf: (path: string) => string, columnsFor: (path: string) => string[]): string {
  return issues
    .map((i) => {
      const columns = columnsFor(i.path);
      return `${labelOf(i.path)}${columns.length > 0 ? ` (column “${columns[0]}”)` : ''}: ${i.message}`;
    })
    .join('; ');
}

/** Validates, links and writes the items batch by batch; the shared core of CSV and vCard import. */
async function writeItems(
  ws: Workspace,
  target: ImportTarget,
  total: number,
  batches: () => Generator<Item[]>,
  o: ImportOptions,
  describeIssues: (issues: InputIssue[]) => string,
  before?: (inputs: Item[]) => Promise<void>
): Promise<Omit<ImportResult, 'columns' | 'unit' | 'ms'>> {
  const linker = target === 'contact' ? new AccountLinker(ws) : null;
  const rejected: RejectedRow[] = [];
  const timings: ImportTimings = { prepareMs: 0, linkMs: 0, writeMs: 0 };
  let imported = 0;
  let rowsRead = 0;
  let cancelled = false;
  if (linker) await linker.load();
  const source = batches();
  for (;;) {
    if (o.signal?.aborted) {
      cancelled = true;
      break;
    }
    const t0 = performance.now();
    const next = source.next();
    if (next.done) break;
    const batch = next.value;
    if (before) await before(batch);
    const valid: Item[] = [];
    for (const item of batch) {
      if (!item.input) {
        rejected.push({ line: item.line, reason: item.reason, values: item.values });
        continue;
      }
      // createRecords validates every row; a row that would create an account is checked first, so a refused row
      // never leaves an account behind. Once a file's companies are known that is almost no row.
      const issues = linker?.isNew(item.input) ? validateInput(target, item.input) : [];
      if (issues.length > 0) rejected.push({ line: item.line, reason: describeIssues(issues), values: item.values });
      else valid.push(item);
    }
    const t1 = performance.now();
    if (linker) await linker.link(valid.map((v) => v.input!));
    const t2 = performance.now();
    const result = await createRecords(ws, target, valid.map((v) => v.input!) as never[]);
    const t3 = performance.now();
    timings.prepareMs += t1 - t0;
    timings.linkMs += t2 - t1;
    timings.writeMs += t3 - t2;
    for (const r of result.rejected) {
      const item = valid[r.index];
      rejected.push({ line: item.line, reason: describeIssues(r.issues), values: item.values });
    }
    imported += result.created.length;
    rowsRead += batch.length;
    o.onProgress?.({ rowsRead, imported, rejected: rejected.length, total });
  }
  rejected.sort((a, b) => a.line - b.line);
  return { target, total, rowsRead, imported, accountsCreated: linker?.created ?? 0, rejected, cancelled, timings };
}

/**
 * Imports the rows of a CSV table with a mapping: each row is mapped (dates and numbers in the chosen formats),
 * checked against the record schema, and valid rows are written in batches; invalid ones are returned with the field,
 * the source column and the rule they broke, in line order with the rows the reader already set aside (wrong number
 * of values). A mapping that cannot make any record throws `ImportFileError` before anything is written.
 *
 * Every row gets its id up front and batches go doc by doc (rows sorted by their hash bucket): a batch then touches
 * one or two bucket docs instead of all 32, so the write model keeps few docs in memory and never reloads one.
 */
export async function importRows(ws: Workspace, table: CsvTable, mapping: ImportMapping, o: ImportOptions = {}): Promise<ImportResult> {
  const problem = mappingProblem(table.headers, mapping);
  if (problem) throw new ImportFileError('no-columns', problem);
  const started = performance.now();
  const mapper = compileMapping(table.headers, mapping);
  const size = Math.max(1, o.batchSize ?? DEFAULT_BATCH);
  const collection = collections[mapping.target] as Collection;
  const ids = table.rows.map(() => newId());
  const docs = ids.map((id) => docIdFor(collection, { id }));
  const order = table.rows.map((_, i) => i).sort((a, b) => (docs[a] < docs[b] ? -1 : docs[a] > docs[b] ? 1 : a - b));
  const total = table.rows.length + table.bad.length;
  function* batches(): Generator<Item[]> {
    // Rows the reader set aside are reported with the first batch: they were read whatever happens next.
    const items: Item[] = table.bad.map((b) => ({ line: b.line, values: b.values, input: null, reason: `The row ${b.reason}` }));
    for (let start = 0; start < order.length || items.length > 0; start += size) {
      for (const i of order.slice(start, start + size)) {
        const row = table.rows[i];
        const { input, issues } = mapper.map(row.values);
        if (issues.length > 0) items.push({ line: row.line, values: row.values, input: null, reason: issues.map((x) => `${mapper.labelOf(x.field)} (column “${x.column}”): ${x.message}`).join('; ') });
        else items.push({ line: row.line, values: row.values, input: { ...input, id: ids[i] }, reason: '' });
      }
      yield items.splice(0);
    }
  }
  const result = await writeItems(ws, mapping.target, total, batches, o, (issues) => describe(issues, mapper.labelOf, mapper.columnsFor));
  return { ...result, columns: table.headers, unit: 'line', ms: performance.now() - started };
}

const isUuid = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
const contactLabel = (path: string): string => targetFields.contact.find((f) => f.path === path || f.path === path.split('.')[0])?.label ?? (path || 'Contact');
export const vcardColumns = ['Name', 'Email', 'Phone', 'Company'];
const cardValues = (c: ParsedVCard): string[] => [
  [c.contact.firstName, c.contact.lastName].filter(Boolean).join(' '),
  c.contact.email ?? '',
  c.contact.mobile || c.contact.phone || '',
  c.contact.company ?? ''
];

/**
 * Imports the cards of a vCard file as contacts (linked to accounts by ORG). A card whose UID is a UUID keeps it as
 * the contact id, so importing the same file again (or a file exported from Fieldbook) skips the cards already here.
 */
export async function importVCards(ws: Workspace, cards: readonly ParsedVCard[], o: ImportOptions = {}): Promise<ImportResult> {
  const started = performance.now();
  const size = Math.max(1, o.batchSize ?? DEFAULT_BATCH);
  const seen = new Set<string>();
  function* batches(): Generator<Item[]> {
    for (let start = 0; start < cards.length; start += size) {
      yield cards.slice(start, start + size).map((card, i) => {
        const id = isUuid(card.uid) ? card.uid.toLowerCase() : '';
        const input: Record<string, unknown> = { ...card.contact, ...(id ? { id } : {}) };
        return { line: start + i + 1, values: cardValues(card), input, reason: '' };
      });
    }
  }
  // Cards already in the workspace (same UID) or twice in the file are reported, not written again.
  const skipKnown = async (items: Item[]) => {
    const ids = items.map((it) => (it.input?.id as string | undefined) ?? '');
    const existing = await ws.db.rows('contact').bulkGet(ids.map((id) => id || '\u0000'));
    items.forEach((it, i) => {
      const id = ids[i];
      if (!id) return;
      if (existing[i] || seen.has(id)) {
        it.input = null;
        it.reason = 'This card is already in this workspace (same UID)';
      }
      seen.add(id);
    });
  };
  const result = await writeItems(ws, 'contact', cards.length, batches, o, (issues) => describe(issues, contactLabel, () => []), skipKnown);
  return { ...result, columns: vcardColumns, unit: 'card', ms: performance.now() - started };
}

/** Rejected rows as CSV for a spreadsheet: Line (or Card), Reason, then the original columns, UTF-8 with a BOM. */
export function rejectedRowsCsv(result: Pick<ImportResult, 'rejected' | 'columns' | 'unit'>): string {
  const fields = [result.unit === 'card' ? 'Card' : 'Line', 'Reason', ...result.columns];
  const data = result.rejected.map((r) => [String(r.line), r.reason, ...r.values]);
  return `\uFEFF${Papa.unparse({ fields, data }, { newline: '\r\n', quotes: false })}\r\n`;
}
