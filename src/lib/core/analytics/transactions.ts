// Turns a transaction log into per-customer frequency/recency/T/monetary summaries for the buy-till-you-die models.

/** One purchase. `date` is a calendar day: 'YYYY-MM-DD' (anything after the day, e.g. a time, is ignored) or a Date (its UTC day). */
export type Transaction = { customerId: string; date: string | Date; amount: number };

/** Time unit of recency and T: days, weeks (7 days) or any number of days. */
export type TimeUnit = 'days' | 'weeks' | number;

export type SummaryOptions = {
  /** Last day of the calibration period (inclusive). */
  calibrationEnd: string | Date;
  /** Unit of recency and T (default 'weeks', as in Fader, Hardie & Lee 2005). */
  unit?: TimeUnit;
};

/** RFM summary of one customer's calibration period, in the notation of Fader, Hardie & Lee (2005). */
export type CustomerSummary = {
  customerId: string;
  /** x: number of repeat purchase days (distinct purchase days − 1). */
  frequency: number;
  /** t_x: time from the first to the last purchase day, in units. */
  recency: number;
  /** T: time from the first purchase day to the end of calibration, in units. */
  T: number;
  /** z̄: mean value of the repeat purchase days (same-day purchases summed), excluding the first; 0 if x = 0. */
  monetaryValue: number;
};

export type HoldoutOptions = {
  calibrationEnd: string | Date;
  /** Last day of the holdout period (inclusive); unbounded if omitted. */
  holdoutEnd?: string | Date;
};

export type HoldoutCounts = {
  /** Repeat purchase days in the holdout period, summed over customers. */
  total: number;
  /** Per customer (only customers whose first purchase falls in the calibration period). */
  byCustomer: Map<string, number>;
};

const MS_PER_DAY = 86_400_000;

/**
 * Day number (days since 1970-01-01) of a calendar date. Working in whole days makes the same-day merge
 * and the day differences exact, whatever the time zone of the machine.
 */
export function dayNumber(date: string | Date): number {
  if (date instanceof Date) {
    const ms = date.getTime();
    if (Number.isNaN(ms)) throw new Error('Invalid Date');
    return Math.floor(ms / MS_PER_DAY);
  }
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(date);
  if (!m) throw new Error(`Not a calendar date: "${date}"`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / MS_PER_DAY;
}

/** Length of one unit in days. */
export function unitDays(unit: TimeUnit = 'weeks'): number {
  if (unit === 'days') return 1;
  if (unit === 'weeks') return 7;
  if (!(unit > 0)) throw new Error(`Time unit must be a positive number of days, got ${unit}`);
  return unit;
}

// Purchase days of each customer with same-day amounts summed; Map keeps first-seen customer order.
function purchaseDays(transactions: readonly Transaction[]): Map<string, Map<number, number>> {
  const byCustomer = new Map<string, Map<number, number>>();
  for (const t of transactions) {
    let days = byCustomer.get(t.customerId);
    if (!days) {
      days = new Map();
      byCustomer.set(t.customerId, days);
    }
    const d = dayNumber(t.date);
    days.set(d, (days.get(d) ?? 0) + t.amount);
  }
  return byCustomer;
}

/**
 * Builds the (x, t_x, T, z̄) summary of each customer from a transaction log, as in Fader, Hardie & Lee
 * (2005, "Counting your customers the easy way", §4) and the CDNOW data notes: same-day purchases are
 * merged into one (amounts summed); only days on or before `calibrationEnd` count; x = distinct purchase
 * days − 1; t_x = (last − first day)/unit; T = (calibrationEnd − first day)/unit; z̄ = mean of the
 * merged repeat purchases, excluding the first day (Fader & Hardie 2013, "The Gamma-Gamma model of
 * monetary value": the first purchase is the acquisition, not a repeat). Customers whose first purchase is
 * after `calibrationEnd` are left out. Values are not rounded. Customers appear in first-seen order.
 */
export function summarizeTransactions(
  transactions: readonly Transaction[],
  options: SummaryOptions
): CustomerSummary[] {
  const end = dayNumber(options.calibrationEnd);
  const unit = unitDays(options.unit);
  const out: CustomerSummary[] = [];
  for (const [customerId, days] of purchaseDays(transactions)) {
    let first = Infinity;
    let last = -Infinity;
    let count = 0;
    let total = 0;
    for (const [d, amount] of days) {
      if (d > end) continue;
      count++;
      total += amount;
      if (d < first) first = d;
      if (d > last) last = d;
    }
    if (count === 0) continue;
    const frequency = count - 1;
    const firstAmount = days.get(first) ?? 0;
    out.push({
      customerId,
      frequency,
      recency: (last - first) / unit,
      T: (end - first) / unit,
      monetaryValue: frequency > 0 ? (total - firstAmount) / frequency : 0
    });
  }
  return out;
}

/**
 * Counts each customer's purchase days (same-day purchases merged, as in calibration) after
 * `calibrationEnd` and up to `holdoutEnd`, for the customers acquired in the calibration period. These
 * are the holdout repeat transactions that Fader, Hardie & Lee (2005, Figure 2/Table 2) compare with the
 * model's forecasts.
 */
export function countHoldoutTransactions(
  transactions: readonly Transaction[],
  options: HoldoutOptions
): HoldoutCounts {
  const end = dayNumber(options.calibrationEnd);
  const holdoutEnd = options.holdoutEnd === undefined ? Infinity : dayNumber(options.holdoutEnd);
  const byCustomer = new Map<string, number>();
  let total = 0;
  for (const [customerId, days] of purchaseDays(transactions)) {
    let acquired = false;
    let n = 0;
    for (const d of days.keys()) {
      if (d <= end) acquired = true;
      else if (d <= holdoutEnd) n++;
    }
    if (!acquired) continue;
    byCustomer.set(customerId, n);
    total += n;
  }
  return { total, byCustomer };
}
