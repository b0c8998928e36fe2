// Import worker: a thin message switch that reads a chosen file, imports it with progress and cancel, and scans for duplicates.
/**
 * The tab that starts an import must not write to the workspace while it runs (this worker writes with the same
 * device id) and must drop its cached docs afterwards (`ws.close()`), so its next edit starts from storage.
 */
import { ImportFileError, suggestColumns, type CsvRow, type ImportMapping, type TextEncoding } from '../core/io/csv-import';
import { importRows, importVCards, readImportFile, type ImportProgress, type ImportResult, type ImportSource } from '../core/io/import-records';
import type { ParsedVCard } from '../core/io/vcard';
import { scanDuplicates, type DuplicateGroupView, type DuplicateKind, type ScanProgress } from '../core/search/duplicate-scan';
import { FieldbookDb } from '../core/storage/db';
import { Workspace } from '../core/sync/workspace';

/** What the page needs to show a file before importing it: the first rows, not all 100,000. */
export type FileSummary =
  | {
      kind: 'csv';
      fileName: string;
      encoding: TextEncoding;
      delimiter: string;
      headers: string[];
      /** The first rows, for the preview, and up to 500 for detecting date and number formats. */
      sample: CsvRow[];
      rows: number;
      badRows: number;
    }
  | { kind: 'vcard'; fileName: string; encoding: TextEncoding; cards: ParsedVCard[]; count: number };

export type ImportRequest =
  | { kind: 'read'; file: Blob; fileName: string }
  | { kind: 'import'; dbName: string; device: number; user: string; mapping: ImportMapping | null; batchSize?: number }
  | { kind: 'cancel' }
  | { kind: 'scan'; dbName: string; collection: DuplicateKind };

export type ImportResponse =
  | { kind: 'read'; summary: FileSummary }
  | { kind: 'progress'; progress: ImportProgress }
  | { kind: 'done'; result: ImportResult }
  | { kind: 'scan-progress'; progress: ScanProgress }
  | { kind: 'scanned'; groups: DuplicateGroupView[] }
  | { kind: 'error'; message: string; isFileProblem: boolean };

/** The file read last: the import writes exactly what the person previewed, without reading it again. */
let source: ImportSource | null = null;
let controller: AbortController | null = null;

const post = (m: ImportResponse) => self.postMessage(m);

function summaryOf(s: ImportSource): FileSummary {
  if (s.kind === 'vcard') return { kind: 'vcard', fileName: s.fileName, encoding: s.encoding, cards: s.cards.slice(0, 50), count: s.cards.length };
  const t = s.table;
  return { kind: 'csv', fileName: s.fileName, encoding: s.encoding, delimiter: t.delimiter, headers: t.headers, sample: t.rows.slice(0, 500), rows: t.rows.length + t.bad.length, badRows: t.bad.length };
}

self.onmessage = async (e: MessageEvent<ImportRequest>) => {
  const m = e.data;
  if (m.kind === 'cancel') {
    controller?.abort();
    return;
  }
  try {
    switch (m.kind) {
      case 'read': {
        source = null;
        source = readImportFile(new Uint8Array(await m.file.arrayBuffer()), m.fileName);
        post({ kind: 'read', summary: summaryOf(source) });
        break;
      }
      case 'import': {
        if (!source) throw new Error('Choose the file again: it was not read in this session.');
        controller = new AbortController();
        const db = new FieldbookDb(m.dbName);
        const ws = new Workspace({ db, device: m.device, user: () => m.user, cacheSize: 40 });
        const options = { signal: controller.signal, batchSize: m.batchSize, onProgress: (progress: ImportProgress) => post({ kind: 'progress', progress }) };
        try {
          let result: ImportResult;
          if (source.kind === 'vcard') result = await importVCards(ws, source.cards, options);
          else if (m.mapping) result = await importRows(ws, source.table, m.mapping, options);
          else result = await importRows(ws, source.table, { target: 'contact', columns: suggestColumns(source.table.headers, 'contact'), dateFormat: 'YYYY-MM-DD', numberFormat: '1,234.56' }, options);
          post({ kind: 'done', result });
        } finally {
          ws.close();
          db.close();
          controller = null;
        }
        break;
      }
      case 'scan': {
        const db = new FieldbookDb(m.dbName);
        try {
          const groups = await scanDuplicates(db, m.collection, { onProgress: (progress) => post({ kind: 'scan-progress', progress }) });
          post({ kind: 'scanned', groups });
        } finally {
          db.close();
        }
        break;
      }
    }
  } catch (err) {
    post({ kind: 'error', message: (err as Error).message, isFileProblem: err instanceof ImportFileError });
  }
};
