// Quote and order totals, computed from the lines every time (never stored), in integer minor units.
import type { LineItem } from '../model/quote';

export type LineTotals = { gross: number; discount: number; net: number; tax: number; total: number };
export type QuoteTotals = LineTotals & { lines: LineTotals[]; taxByRate: { rate: number; tax: number }[] };

/** Rounds half away from zero: the convention on invoices (and what a customer checking by hand expects). */
export const roundMinor = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/**
 * One line: gross = quantity × unit price; the discount is taken before tax; each amount is rounded per line so the
 * printed lines add up exactly to the printed total.
 */
export function lineTotals(line: Pick<LineItem, 'quantity' | 'unitPrice' | 'discountPct' | 'taxPct'>): LineTotals {
  const gross = roundMinor(line.quantity * line.unitPrice);
  const discount = roundMinor((gross * (line.discountPct ?? 0)) / 100);
  const net = gross - discount;
  const tax = roundMinor((net * (line.taxPct ?? 0)) / 100);
  return { gross, discount, net, tax, total: net + tax };
}

export function quoteTotals(lines: readonly Pick<LineItem, 'quantity' | 'unitPrice' | 'discountPct' | 'taxPct'>[]): QuoteTotals {
  const each = lines.map(lineTotals);
  const sum = (k: keyof LineTotals) => each.reduce((n, l) => n + l[k], 0);
  const byRate = new Map<number, number>();
  lines.forEach((l, i) => byRate.set(l.taxPct ?? 0, (byRate.get(l.taxPct ?? 0) ?? 0) + each[i].tax));
  return {
    gross: sum('gross'),
    discount: sum('discount'),
    net: sum('net'),
    tax: sum('tax'),
    total: sum('total'),
    lines: each,
    taxByRate: [...byRate].map(([rate, tax]) => ({ rate, tax })).sort((a, b) => a.rate - b.rate)
  };
}

/** Formats minor units as money for people (NPR 1,50,000.00 style is left to Intl for the locale). */
export function formatMoney(amount: number, currency: string, locale = 'en-IN'): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: 2 }).format(amount / 100);
}
