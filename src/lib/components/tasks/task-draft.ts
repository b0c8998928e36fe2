// The task editor's draft: due and reminder as local date-times, the reminder as "minutes before" or a custom time, and the patch it makes.
import { ValidationError, type RecordInput } from '$lib/core/commands';
import { offsetOf, reminderFor } from '$lib/core/sales/reminders';
import type { TaskKind, TaskRow } from '$lib/state/tasks.svelte';
import { fromLocalInput, toLocalInput } from './format';

/** 'none', a number of minutes before the due time ('0', '15', '60', '1440'), or 'custom'. */
export type ReminderChoice = string;

export type TaskDraft = {
  title: string;
  kind: TaskKind;
  status: 'open' | 'done' | 'cancelled';
  priority: 'low' | 'normal' | 'high';
  due: string;
  durationMin: string;
  reminder: ReminderChoice;
  reminderAt: string;
  contactId: string;
  accountId: string;
  notes: string;
};

export const reminderChoices = [
  { value: 'none', label: 'No reminder' },
  { value: '0', label: 'At the due time' },
  { value: '15', label: '15 minutes before' },
  { value: '60', label: '1 hour before' },
  { value: '1440', label: '1 day before' },
  { value: 'custom', label: 'At a time I choose' }
];

export function taskDraft(t: TaskRow | null | undefined): TaskDraft {
  if (!t) {
    return { title: '', kind: 'todo', status: 'open', priority: 'normal', due: '', durationMin: '', reminder: 'none', reminderAt: '', contactId: '', accountId: '', notes: '' };
  }
  const offset = offsetOf(t.due, t.reminderAt);
  return {
    title: t.title,
    kind: t.kind,
    status: t.status,
    priority: t.priority,
    due: toLocalInput(t.due),
    durationMin: t.durationMin ? String(t.durationMin) : '',
    reminder: !t.reminderAt ? 'none' : offset !== null ? String(offset) : 'custom',
    reminderAt: toLocalInput(t.reminderAt),
    contactId: t.contactId,
    accountId: t.accountId,
    notes: t.notes
  };
}

/**
 * The task fields of a draft. A reminder whose time changes is armed again (`remindedAt` cleared), so moving a
 * reminder that already went off makes it go off at the new time.
 */
export function taskInput(d: TaskDraft, current: Pick<TaskRow, 'due' | 'reminderAt' | 'status' | 'completedAt'> | null): RecordInput<'task'> {
  // The inputs show minutes: an untouched field keeps the stored instant (seconds included) instead of a truncated copy.
  const keep = (typed: string, stored: string | null | undefined) => (stored && toLocalInput(stored) === typed ? stored : fromLocalInput(typed));
  const due = keep(d.due, current?.due);
  if (d.due && !due) throw new ValidationError([{ path: 'due', message: 'must be a date and time' }]);
  let reminderAt: string | null = null;
  if (d.reminder === 'custom') {
    reminderAt = keep(d.reminderAt, current?.reminderAt);
    if (!reminderAt) throw new ValidationError([{ path: 'reminderAt', message: 'is required: choose when to be reminded' }]);
  } else if (d.reminder !== 'none') {
    if (!due) throw new ValidationError([{ path: 'reminder', message: 'needs a due date: set one, or choose a time' }]);
    reminderAt = reminderFor(due, Number(d.reminder));
  }
  const duration = d.durationMin.trim() === '' ? 0 : Number(d.durationMin);
  if (!Number.isInteger(duration) || duration < 0 || duration > 24 * 60) throw new ValidationError([{ path: 'durationMin', message: 'must be whole minutes, up to 1440' }]);
  const wasDone = current?.status === 'done';
  return {
    title: d.title,
    kind: d.kind,
    status: d.status,
    priority: d.priority,
    due,
    durationMin: duration,
    reminderAt,
    ...(reminderAt !== (current?.reminderAt ?? null) ? { remindedAt: null } : {}),
    completedAt: d.status === 'done' ? (wasDone ? (current?.completedAt ?? null) : new Date().toISOString()) : null,
    contactId: d.contactId,
    accountId: d.accountId,
    notes: d.notes
  };
}
