// Display text of the sales screens: lead names, status and source labels, links that keep the workspace, money.
import type { Money } from '$lib/core/model/base';
import { leadSources, leadStatuses } from '$lib/core/model/lead';
import { formatMoney } from '$lib/core/sales/quote-math';
import type { CurrencyTotal } from '$lib/core/sales/board';

export const statusLabels: Record<(typeof leadStatuses)[number], string> = {
  new: 'New',
  working: 'Working',
  qualified: 'Qualified',
  disqualified: 'Disqualified',
  converted: 'Converted'
};

export const sourceLabels: Record<(typeof leadSources)[number], string> = {
  'web-form': 'Web form',
  'trade-show': 'Trade show',
  referral: 'Referral',
  import: 'Import',
  phone: 'Phone',
  social: 'Social',
  partner: 'Partner',
  other: 'Other'
};

export const outcomeLabels = { open: 'Open', won: 'Won', lost: 'Lost' } as const;

export const statusOptions = leadStatuses.map((s) => ({ value: s, label: statusLabels[s] }));
export const sourceOptions = leadSources.map((s) => ({ value: s, label: sourceLabels[s] }));

export function leadName(l: { firstName: string; lastName: string; company: string; email?: string }): string {
  return [l.firstName, l.lastName].filter(Boolean).join(' ') || l.company || l.email || 'Unnamed lead';
}

/** A link inside the app that keeps the query choosing the workspace, so a reload reopens the same one. */
export function withSearch(path: string, search: string, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams(search);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return `${path}${s ? `?${s}` : ''}`;
}

export const leadHref = (id: string, search: string) => withSearch(`/leads/${encodeURIComponent(id)}`, search);
export const opportunityHref = (id: string, search: string) => withSearch(`/opportunities/${encodeURIComponent(id)}`, search);
export const contactHref = (id: string, search: string) => withSearch(`/contacts/${encodeURIComponent(id)}`, search);
export const accountHref = (id: string, search: string) => withSearch(`/accounts/${encodeURIComponent(id)}`, search);

/** Money for people, in the core's format (e.g. "NPR 1,50,000.00"); falls back when Intl does not know the currency. */
export function money(m: Money | { amount: number; currency: string }): string {
  try {
    return formatMoney(m.amount, m.currency);
  } catch {
    return `${(m.amount / 100).toFixed(2)} ${m.currency}`;
  }
}

/** Column or list totals: one line per currency, never added across currencies. */
export function totalsText(totals: readonly CurrencyTotal[], key: 'amount' | 'weighted'): string {
  if (totals.length === 0) return money({ amount: 0, currency: 'NPR' });
  return totals.map((t) => money({ amount: t[key], currency: t.currency })).join(' + ');
}

const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDay(isoDate: string): string {
  if (!isoDate) return '';
  const d = new Date(isoDate.length === 10 ? `${isoDate}T00:00:00` : isoDate);
  return Number.isNaN(d.getTime()) ? isoDate : dateOnly.format(d);
}

export const plural = (n: number, one: string, many: string): string => `${n.toLocaleString()} ${n === 1 ? one : many}`;

export const capitalise = (s: string): string => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);
