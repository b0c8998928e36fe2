// Display text of the task screens: kinds, priorities, statuses, due times, and the local date-time inputs' format.
import type { TaskKind, TaskStatus } from '$lib/state/tasks.svelte';

export const kindLabels: Record<TaskKind, string> = {
  todo: 'To-do',
  call: 'Call',
  meeting: 'Meeting',
  email: 'Email',
  visit: 'Visit',
  review: 'Review'
};

export const priorityLabels = { low: 'Low', normal: 'Normal', high: 'High' } as const;
export const statusLabels: Record<TaskStatus, string> = { open: 'Open', done: 'Done', cancelled: 'Cancelled' };

export const taskHref = (id: string, search: string): string => `/tasks/${encodeURIComponent(id)}${search}`;

const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "Today 17:00", "Tomorrow 09:30", "Wed 25 Nov 10:00", or the full date for anything further away. */
export function dueText(iso: string | null, now = new Date()): string {
  if (!iso) return 'No due date';
  const d = new Date(iso);
  const day = (x: Date) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const diff = Math.round((day(d) - day(now)) / 86_400_000);
  if (diff === 0) return `Today ${time.format(d)}`;
  if (diff === 1) return `Tomorrow ${time.format(d)}`;
  if (diff === -1) return `Yesterday ${time.format(d)}`;
  if (diff > 1 && diff < 7) return `${weekday.format(d)} ${time.format(d)}`;
  return full.format(d);
}

/** An instant as a `datetime-local` input's value (local time, to the minute). */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value back to an instant; '' and unreadable text give null. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Quick-add choices of when a task is due: a day, at 17:00 local (the end of a working day). */
export const whenOptions = [
  { value: 'today', label: 'Today' },
  { value: 'tomorrow', label: 'Tomorrow' },
  { value: 'week', label: 'In a week' },
  { value: 'none', label: 'No due date' }
] as const;
export type When = (typeof whenOptions)[number]['value'];

export function dueFor(when: When, now = new Date()): string | null {
  const days = { today: 0, tomorrow: 1, week: 7, none: -1 }[when];
  if (days < 0) return null;
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + days, 17, 0).toISOString();
}
