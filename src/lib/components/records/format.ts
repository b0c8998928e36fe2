// Display text of the contact and account screens: names, list rows, links, channels, outcomes, dates and money.
import type { Channel } from '$lib/core/model/common';
import type { outcomes } from '$lib/core/model/interaction';
import type { RowOf } from '$lib/core/storage/queries';
import type { RecordKind } from '$lib/state/records.svelte';

export type Outcome = (typeof outcomes)[number];

export const kindLabels = {
  contact: { one: 'contact', many: 'contacts', title: 'Contacts', path: '/contacts' },
  account: { one: 'account', many: 'accounts', title: 'Accounts', path: '/accounts' }
} as const satisfies Record<RecordKind, { one: string; many: string; title: string; path: string }>;

/** A record's page, keeping the query that chose the workspace so a reload reopens the same one. */
export const recordHref = (kind: RecordKind, id: string, search: string): string => `${kindLabels[kind].path}/${encodeURIComponent(id)}${search}`;
export const listHref = (kind: RecordKind, search: string): string => `${kindLabels[kind].path}${search}`;
/** The new-record page, with extra query parameters (e.g. the account to file a new contact under). */
export function newHref(kind: RecordKind, search: string, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams(search);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return `${kindLabels[kind].path}/new${s ? `?${s}` : ''}`;
}

export function contactName(c: { firstName: string; lastName: string; email?: string }): string {
  return [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || 'Unnamed contact';
}

export function recordName(kind: RecordKind, row: RowOf<RecordKind>): string {
  return kind === 'contact' ? contactName(row as RowOf<'contact'>) : (row as RowOf<'account'>).name || 'Unnamed account';
}

/** The second line of a list row: what tells two people (or two companies) of the same name apart. */
export function rowDetail(kind: RecordKind, row: RowOf<RecordKind>): string {
  if (kind === 'contact') {
    const c = row as RowOf<'contact'>;
    return [[c.title, c.company].filter(Boolean).join(' at '), c.email || c.mobile || c.phone].filter(Boolean).join(' · ');
  }
  const a = row as RowOf<'account'>;
  return [capitalise(a.kind), a.industry, a.address.city].filter(Boolean).join(' · ');
}

export const capitalise = (s: string): string => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/** The channels a person can log in two taps, in the order of the button row. */
export const logChannels = ['phone', 'email', 'sms', 'social', 'meeting', 'in-person'] as const satisfies readonly Channel[];

export const channelLabels: Record<Channel, string> = {
  phone: 'Phone',
  email: 'Email',
  sms: 'SMS',
  social: 'Social',
  meeting: 'Meeting',
  'in-person': 'In person',
  web: 'Web'
};

/** What the summary says before anyone types: the common case is logged with no typing at all. */
export const defaultSummaries: Record<Channel, string> = {
  phone: 'Call',
  email: 'Email',
  sms: 'Text message',
  social: 'Social message',
  meeting: 'Meeting',
  'in-person': 'Visit',
  web: 'Web visit'
};

/** Outcomes offered as chips per channel (the first is preselected). */
export const channelOutcomes: Record<Channel, Outcome[]> = {
  phone: ['completed', 'no-answer', 'left-message', 'follow-up', 'interested', 'not-interested'],
  email: ['sent', 'responded', 'follow-up', 'bounced'],
  sms: ['sent', 'responded', 'follow-up'],
  social: ['sent', 'responded', 'follow-up'],
  meeting: ['completed', 'follow-up', 'interested', 'not-interested'],
  'in-person': ['completed', 'follow-up', 'interested', 'not-interested'],
  web: ['opened', 'clicked', 'responded']
};

export const outcomeLabels: Record<Outcome, string> = {
  '': 'No outcome',
  completed: 'Completed',
  'no-answer': 'No answer',
  'left-message': 'Left message',
  interested: 'Interested',
  'not-interested': 'Not interested',
  'follow-up': 'Follow up',
  resolved: 'Resolved',
  sent: 'Sent',
  opened: 'Opened',
  clicked: 'Clicked',
  responded: 'Responded',
  bounced: 'Bounced'
};

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** "Today, 14:05", "Yesterday, 09:30", or the date and time. */
export function formatWhen(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const day = 24 * 60 * 60 * 1000;
  if (d.getTime() >= startOfToday && d.getTime() < startOfToday + day) return `Today, ${timeOnly.format(d)}`;
  if (d.getTime() >= startOfToday - day && d.getTime() < startOfToday) return `Yesterday, ${timeOnly.format(d)}`;
  return dateTime.format(d);
}

export function formatDate(isoOrDate: string | null | undefined): string {
  if (!isoOrDate) return '';
  const d = new Date(isoOrDate.length === 10 ? `${isoOrDate}T00:00:00` : isoOrDate);
  return Number.isNaN(d.getTime()) ? isoOrDate : dateOnly.format(d);
}

/** Money is stored in minor units; the currency says how many of them make one unit. */
export function formatMoney(m: { amount: number; currency: string } | null | undefined): string {
  if (!m) return '';
  try {
    const f = new Intl.NumberFormat(undefined, { style: 'currency', currency: m.currency });
    const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
    return f.format(m.amount / 10 ** digits);
  } catch {
    return `${(m.amount / 100).toFixed(2)} ${m.currency}`;
  }
}

export const plural = (n: number, one: string, many: string): string => `${n.toLocaleString()} ${n === 1 ? one : many}`;
