// Display text of the analytics screens: money from minor units, percentages, counts, months and segment names.

/** Number formats by currency and decimals: building one costs far more than using it, and tables format thousands of cells. */
const moneyFormats = new Map<string, Intl.NumberFormat | null>();

function moneyFormat(currency: string, fraction: number): Intl.NumberFormat | null {
  const key = `${currency}:${fraction}`;
  let f = moneyFormats.get(key);
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat('en', { style: 'currency', currency, currencyDisplay: 'code', minimumFractionDigits: fraction, maximumFractionDigits: fraction });
    } catch {
      f = null;
    }
    moneyFormats.set(key, f);
  }
  return f;
}

/** Money in minor units as text in the currency, e.g. "NPR 1,234,568" (whole units unless `fraction` says otherwise). */
export function formatMoney(minor: number, currency: string, digits: number, fraction = 0): string {
  if (!Number.isFinite(minor)) return '—';
  const value = minor / 10 ** digits;
  const f = moneyFormat(currency, fraction);
  return f ? f.format(value).replace(/\u00a0/g, ' ') : `${currency} ${value.toLocaleString('en', { maximumFractionDigits: fraction })}`;
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/** An amount in minor units as whole currency units without the code, for table cells whose header names the currency. */
export function formatAmount(minor: number, digits: number): string {
  return Number.isFinite(minor) ? countFormat.format(Math.round(minor / 10 ** digits)) : '—';
}

/** Short money for axes and cells: "NPR 1.2M". */
export function formatMoneyShort(minor: number, currency: string, digits: number): string {
  if (!Number.isFinite(minor)) return '—';
  const value = minor / 10 ** digits;
  return `${currency} ${Math.abs(value) < 1000 ? Math.round(value).toString() : compact.format(value)}`;
}

const countFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const decimalFormats = new Map<number, Intl.NumberFormat>();

export const formatCount = (n: number): string => (Number.isFinite(n) ? countFormat.format(Math.round(n)) : '—');

export function formatDecimal(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '—';
  let f = decimalFormats.get(digits);
  if (!f) decimalFormats.set(digits, (f = new Intl.NumberFormat('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return f.format(n);
}

/** 0.234 → "23.4%". */
export const formatPercent = (v: number | null, digits = 1): string => (v === null || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`);

/** A p-value as people read them: "< 0.001" below a thousandth. */
export const formatP = (p: number | null): string => (p === null || !Number.isFinite(p) ? '—' : p < 0.001 ? '< 0.001' : p.toFixed(3));

/** Model parameters: 4 significant digits, plain or scientific as their size needs. */
export function formatParam(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.001 || a >= 1e6)) return v.toExponential(3);
  return Number(v.toPrecision(4)).toLocaleString('en', { maximumFractionDigits: 6 });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** '2026-10' → "Oct 2026"; anything else unchanged. */
export function monthLabel(month: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  return m ? `${MONTHS[Number(m[2]) - 1]} ${m[1]}` : month;
}

/** '2026-11-15' (or an ISO instant) → "15 Nov 2026". */
export function dayLabel(iso: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? '');
  return m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}` : '—';
}

/** "can't lose them" → "Can't lose them". */
export const segmentLabel = (s: string): string => (s ? s[0].toUpperCase() + s.slice(1) : 'No segment');

/** A blank dimension value, as a pivot or table shows it. */
export const blankLabel = (s: string): string => (s === '' ? '(none)' : s);

export const plural = (n: number, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`;
