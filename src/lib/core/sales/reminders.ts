// Which task reminders are due, what to announce, and how a person's day of tasks is grouped: pure, so the app's 30-second check is tested in Node.
import type { Task } from '../model/task';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** How often the app looks for due reminders. */
export const REMINDER_CHECK_MS = 30_000;
/**
 * Reminders older than this are not announced: after weeks offline a burst of stale notifications helps no one, and
 * the tasks still show as overdue in "My day". It also bounds the index range the check reads.
 */
export const REMINDER_LOOKBACK_MS = 14 * DAY;
/** Up to this many reminders due at once get a notification each; more get one summary, so a phone does not buzz twenty times. */
export const MAX_SEPARATE_NOTIFICATIONS = 3;

export type ReminderTask = Pick<Task, 'id' | 'title' | 'kind' | 'status' | 'owner' | 'due' | 'reminderAt' | 'remindedAt' | 'deletedAt'>;

/** The `[status+reminderAt]` range a check reads: open tasks whose reminder time lies in the look-back window up to now. */
export function reminderWindow(now: Date): { from: string; to: string } {
  return { from: new Date(now.getTime() - REMINDER_LOOKBACK_MS).toISOString(), to: now.toISOString() };
}

/** A reminder belongs to the task's owner; a task without one (older data) reminds whoever is on this device. */
const isMine = (task: ReminderTask, user: string): boolean => !task.owner || task.owner === user;

/** The reminder time has come (within the look-back window) for an open, live task of this user. */
export function isReminderTime(task: ReminderTask, now: Date, user: string): boolean {
  if (task.status !== 'open' || task.deletedAt || !task.reminderAt || !isMine(task, user)) return false;
  const at = Date.parse(task.reminderAt);
  return Number.isFinite(at) && at <= now.getTime() && at >= now.getTime() - REMINDER_LOOKBACK_MS;
}

/** Reminders to announce now: their time has come and no device has announced them yet (`remindedAt` unset). Oldest first. */
export function dueReminders<T extends ReminderTask>(tasks: readonly T[], now: Date, user: string): T[] {
  return tasks.filter((t) => isReminderTime(t, now, user) && !t.remindedAt).sort((a, b) => String(a.reminderAt).localeCompare(String(b.reminderAt)));
}

/**
 * Identifies one reminder of a task: moving the reminder time makes it a new reminder, so dismissing the old one
 * does not hide the next.
 */
export const reminderKey = (task: Pick<ReminderTask, 'id' | 'reminderAt'>): string => `${task.id}@${task.reminderAt ?? ''}`;

/** The in-app reminders list: every reminder whose time has come (announced or not) that was not dismissed. Newest first. */
export function activeReminders<T extends ReminderTask>(tasks: readonly T[], now: Date, user: string, dismissed: ReadonlySet<string> = new Set()): T[] {
  return tasks
    .filter((t) => isReminderTime(t, now, user) && !dismissed.has(reminderKey(t)))
    .sort((a, b) => String(b.reminderAt).localeCompare(String(a.reminderAt)));
}

export type ReminderNotice = { title: string; body: string; tag: string; taskId: string | null };

/**
 * What to show as system notifications for reminders that just came due: one per task, or a single summary when
 * there are more than MAX_SEPARATE_NOTIFICATIONS. `describe` says when a task is due (formatting is the caller's).
 */
export function remindersToAnnounce(due: readonly ReminderTask[], describe: (task: ReminderTask) => string): ReminderNotice[] {
  if (due.length === 0) return [];
  if (due.length <= MAX_SEPARATE_NOTIFICATIONS) {
    return due.map((t) => ({ title: t.title, body: describe(t), tag: `fieldbook-task-${t.id}`, taskId: t.id }));
  }
  const shown = due.slice(0, MAX_SEPARATE_NOTIFICATIONS).map((t) => t.title);
  const more = due.length - shown.length;
  return [{ title: `${due.length} reminders`, body: `${shown.join('; ')}; and ${more} more`, tag: 'fieldbook-reminders', taskId: null }];
}

/** Local midnight of the day `now` falls on. */
export function startOfDay(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

/** Local midnight `days` calendar days later (not days × 24 h: a daylight-saving day has 23 or 25 hours). */
export function addDays(day: Date, days: number): Date {
  return new Date(day.getFullYear(), day.getMonth(), day.getDate() + days);
}

/** "My day" looks this many days past today for upcoming tasks. */
export const UPCOMING_DAYS = 7;

export type DayTask = Pick<Task, 'id' | 'due' | 'status' | 'deletedAt'>;
export type MyDayGroups<T> = { overdue: T[]; today: T[]; upcoming: T[] };

/** The end (exclusive) of what "My day" lists: the start of the day after the upcoming week. */
export const myDayEnd = (now: Date): Date => addDays(startOfDay(now), UPCOMING_DAYS + 1);

/**
 * Groups open tasks by due date in local time: overdue (due before today), today, and upcoming (the next
 * UPCOMING_DAYS days). Tasks without a due date or due later are left out. Each group is in due order.
 */
export function groupMyDay<T extends DayTask>(tasks: readonly T[], now: Date): MyDayGroups<T> {
  const today = startOfDay(now).getTime();
  const tomorrow = addDays(startOfDay(now), 1).getTime();
  const end = myDayEnd(now).getTime();
  const out: MyDayGroups<T> = { overdue: [], today: [], upcoming: [] };
  const open = tasks.filter((t) => t.status === 'open' && !t.deletedAt && t.due).sort((a, b) => String(a.due).localeCompare(String(b.due)));
  for (const t of open) {
    const at = Date.parse(t.due as string);
    if (at < today) out.overdue.push(t);
    else if (at < tomorrow) out.today.push(t);
    else if (at < end) out.upcoming.push(t);
  }
  return out;
}

/** The reminder offsets a person picks from ("1 hour before"), in minutes before the due time. */
export const reminderOffsets = [0, 15, 60, 24 * 60] as const;

/** The reminder time for a due time and an offset in minutes before it. */
export function reminderFor(due: string, minutesBefore: number): string {
  return new Date(Date.parse(due) - minutesBefore * MINUTE).toISOString();
}

/** Which offset a reminder is (so the edit form can show "1 hour before"), or null for a custom time. */
export function offsetOf(due: string | null, reminderAt: string | null): number | null {
  if (!due || !reminderAt) return null;
  const minutes = (Date.parse(due) - Date.parse(reminderAt)) / MINUTE;
  return (reminderOffsets as readonly number[]).includes(minutes) ? minutes : null;
}
