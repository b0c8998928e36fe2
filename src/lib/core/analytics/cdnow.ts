// Parsers for the CDNOW transaction logs and per-customer summary CSVs (Fader & Hardie's benchmark data).
import type { Transaction } from './transactions';

/** A CDNOW transaction line: a {@link Transaction} plus the number of CDs bought. */
export type CdnowTransaction = Transaction & { quantity: number; masterId?: string };

/** A row of `cdnow_customers_summary*.csv` (x, t_x, T in weeks; zbar only in the "with transactions" file). */
export type CdnowSummaryRow = {
  customerId: string;
  frequency: number;
  recency: number;
  T: number;
  monetaryValue?: number;
};

// The files carry dates as YYYYMMDD; the analytics take ISO calendar dates.
function isoDate(yyyymmdd: string): string {
  if (!/^\d{8}$/.test(yyyymmdd)) throw new Error(`CDNOW: bad date "${yyyymmdd}"`);
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

// Ids are zero-padded ("00004"); the summary CSVs use the bare number, so strip the padding.
function bareId(id: string): string {
  return String(Number(id));
}

function dataLines(text: string, columns: number): string[][] {
  const rows: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    const cols = line.trim().split(/\s+/);
    // Skips the blank trailing line and the header of CDNOW_master.txt.
    if (cols.length !== columns || !/^\d+$/.test(cols[0])) continue;
    rows.push(cols);
  }
  return rows;
}

/**
 * Parses `CDNOW_sample.txt`: whitespace-separated master_id, sample_id, date (YYYYMMDD), number_of_cds,
 * dollar_value. `customerId` is the sample id (1..2357), which is the ID used by the summary CSVs.
 */
export function parseCdnowSample(text: string): CdnowTransaction[] {
  return dataLines(text, 5).map((c) => ({
    customerId: bareId(c[1]),
    masterId: bareId(c[0]),
    date: isoDate(c[2]),
    quantity: Number(c[3]),
    amount: Number(c[4])
  }));
}

/** Parses `CDNOW_master.txt`: a header line, then customer_id, date (YYYYMMDD), number_of_cds, dollar_value. */
export function parseCdnowMaster(text: string): CdnowTransaction[] {
  return dataLines(text, 4).map((c) => ({
    customerId: bareId(c[0]),
    date: isoDate(c[1]),
    quantity: Number(c[2]),
    amount: Number(c[3])
  }));
}

/**
 * Parses `cdnow_customers_summary.csv` (ID,frequency,recency,T) or
 * `cdnow_customers_summary_with_transactions.csv` (ID,x,t_x,T,zbar) into one row shape.
 */
export function parseCdnowSummaryCsv(text: string): CdnowSummaryRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0].split(',').map((h) => h.trim());
  const col = (...names: string[]): number => {
    const i = header.findIndex((h) => names.includes(h));
    if (i < 0) throw new Error(`CDNOW summary: missing column ${names.join('/')}`);
    return i;
  };
  const id = col('ID', 'id', 'customer_id');
  const x = col('frequency', 'x');
  const tx = col('recency', 't_x');
  const T = col('T');
  const zbar = header.findIndex((h) => h === 'zbar' || h === 'monetary_value');
  return lines.slice(1).map((line) => {
    const c = line.split(',');
    const row: CdnowSummaryRow = {
      customerId: c[id].trim(),
      frequency: Number(c[x]),
      recency: Number(c[tx]),
      T: Number(c[T])
    };
    if (zbar >= 0) row.monetaryValue = Number(c[zbar]);
    return row;
  });
}
