// Acquisition cohorts: of the customers who first bought in a month, the share who bought again 1, 2, … months later.
import type { Transaction } from './transactions';

export type CohortGrain = 'month' | 'quarter';

export type CohortOptions = {
  /** Calendar period of a cohort and of the activity columns (default 'month'; UTC days of the dates). */
  grain?: CohortGrain;
  /** Last period observed ('YYYY-MM', or any day in it); default the last period with a transaction. */
  end?: string;
};

export type CohortRow = {
  /** 'YYYY-MM' (or 'YYYY-Qn' for quarters) of the customers' first purchase. */
  cohort: string;
  /** Customers acquired in the cohort. */
  size: number;
  /** counts[k]: customers of the cohort who bought in period cohort + k (counts[0] = size). Runs up to `end`. */
  counts: number[];
  /** counts[k] / size. */
  shares: number[];
};

export type RetentionCohorts = {
  grain: CohortGrain;
  rows: CohortRow[];
  /** Longest row length: the number of offset columns (+0, +1, …) of the heat map. */
  periods: number;
  /** For the heat map: shares[row][offset], null past `end` (the triangle's empty corner). */
  shares: (number | null)[][];
  counts: (number | null)[][];
  /**
   * Retention curve over cohorts: for each offset, active customers / customers of the cohorts observed that far,
   * so young cohorts do not drag late offsets to zero.
   */
  average: (number | null)[];
};

/** Period index (months or quarters since year 0) of a calendar date. */
function periodOf(date: string | Date, grain: CohortGrain): number {
  let y: number;
  let m: number;
  if (date instanceof Date) {
    if (Number.isNaN(date.getTime())) throw new Error('Invalid Date');
    y = date.getUTCFullYear();
    m = date.getUTCMonth() + 1;
  } else {
    const match = /^(\d{4})-?(\d{2})/.exec(date);
    if (!match) throw new Error(`Not a calendar date: "${date}"`);
    y = Number(match[1]);
    m = Number(match[2]);
  }
  return grain === 'quarter' ? y * 4 + Math.floor((m - 1) / 3) : y * 12 + m - 1;
}

function periodLabel(index: number, grain: CohortGrain): string {
  if (grain === 'quarter') return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return `${y}-${m < 10 ? '0' : ''}${m}`;
}

/**
 * Retention cohorts (the classic "cohort triangle"): each customer joins the cohort of their first purchase period;
 * a customer is active in a period when any transaction falls in it (amount not considered — a same-month second
 * order and a refund-netted one both count as activity). counts[k] is the number of the cohort's customers active
 * k periods after their first; rows stop at `end`, so recent cohorts have shorter rows. Cohorts are in calendar
 * order; periods with no new customers have no row.
 */
export function retentionCohorts(transactions: Iterable<Transaction>, options: CohortOptions = {}): RetentionCohorts {
  const grain = options.grain ?? 'month';
  const periodsByCustomer = new Map<string, Set<number>>();
  let last = -Infinity;
  for (const t of transactions) {
    const p = periodOf(t.date, grain);
    let set = periodsByCustomer.get(t.customerId);
    if (!set) periodsByCustomer.set(t.customerId, (set = new Set()));
    set.add(p);
    if (p > last) last = p;
  }
  const end = options.end ? periodOf(options.end, grain) : last;
  const byCohort = new Map<number, number[]>();
  for (const periods of periodsByCustomer.values()) {
    let first = Infinity;
    for (const p of periods) if (p < first) first = p;
    if (first > end) continue;
    let counts = byCohort.get(first);
    if (!counts) byCohort.set(first, (counts = new Array<number>(end - first + 1).fill(0)));
    for (const p of periods) if (p <= end) counts[p - first]++;
  }
  const cohorts = [...byCohort.keys()].sort((a, b) => a - b);
  const rows: CohortRow[] = cohorts.map((c) => {
    const counts = byCohort.get(c)!;
    const size = counts[0];
    return { cohort: periodLabel(c, grain), size, counts, shares: counts.map((n) => n / size) };
  });
  const periods = rows.reduce((n, r) => Math.max(n, r.counts.length), 0);
  const pad = <T>(xs: T[]): (T | null)[] => [...xs, ...new Array<null>(periods - xs.length).fill(null)];
  const average: (number | null)[] = [];
  for (let k = 0; k < periods; k++) {
    let active = 0;
    let base = 0;
    for (const r of rows) {
      if (k >= r.counts.length) continue;
      active += r.counts[k];
      base += r.size;
    }
    average.push(base > 0 ? active / base : null);
  }
  return { grain, rows, periods, shares: rows.map((r) => pad(r.shares)), counts: rows.map((r) => pad(r.counts)), average };
}
