// How a field's name, a stored value and an edit's time read to a person, for the history list and the conflict review.
import { stampTime } from '$lib/core/sync/hlc';

/** `firstName` → "First name", `address` → "Address"; a child line `lines/<id>` → "Line" (with its description, if any). */
export function fieldLabel(path: string, value?: unknown): string {
  const slash = path.indexOf('/');
  if (slash > 0) {
    const list = humanise(path.slice(0, slash)).replace(/s$/, '');
    const description = value && typeof value === 'object' ? (value as { description?: unknown }).description : undefined;
    return typeof description === 'string' && description ? `${list}: ${description}` : list;
  }
  return humanise(path);
}

function humanise(name: string): string {
  const words = name.replace(/([a-z\d])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const isInstant = (v: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v);

/** A stored value as short text: empty values say so, money shows its currency, lists and groups are joined. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return new Intl.NumberFormat().format(value);
  if (typeof value === 'string') return isInstant(value) ? absoluteTime(new Date(value)) : value;
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(formatValue).join(', ');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.amount === 'number' && typeof o.currency === 'string') {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency: o.currency }).format(o.amount / 100);
    }
    if (typeof o.description === 'string' && 'quantity' in o) return `${o.description} × ${formatValue(o.quantity)}`;
    const parts = Object.entries(o)
      .filter(([k, v]) => k !== 'id' && k !== 'position' && v !== '' && v !== null && v !== false)
      .map(([k, v]) => (typeof v === 'boolean' ? humanise(k) : formatValue(v)));
    return parts.length > 0 ? parts.join(', ') : '(empty)';
  }
  return String(value);
}

/** When an edit was made, from its clock stamp (null for a malformed one). */
export function stampDate(stamp: string): Date | null {
  const ms = stampTime(stamp);
  return ms > 0 ? new Date(ms) : null;
}

const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const absoluteTime = (d: Date): string => absolute.format(d);

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const steps: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Infinity]
];

/** "3 minutes ago", "yesterday", "in 2 days". */
export function relativeTime(d: Date, now = new Date()): string {
  let amount = (d.getTime() - now.getTime()) / 1000;
  for (const [unit, size] of steps) {
    if (Math.abs(amount) < size) return relative.format(Math.round(amount), unit);
    amount /= size;
  }
  return relative.format(Math.round(amount), 'year');
}
