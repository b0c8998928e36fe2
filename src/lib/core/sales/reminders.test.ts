// Reminders: which are due for whom, announced once, summarised when many; and the day grouping of "My day".
import { describe, expect, it } from 'vitest';
import {
  activeReminders,
  addDays,
  dueReminders,
  groupMyDay,
  isReminderTime,
  offsetOf,
  reminderFor,
  reminderKey,
  remindersToAnnounce,
  reminderWindow,
  REMINDER_LOOKBACK_MS,
  startOfDay,
  type ReminderTask
} from './reminders';

const now = new Date('2026-11-23T10:00:00.000Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();

let n = 0;
const task = (o: Partial<ReminderTask> = {}): ReminderTask => ({
  id: `t${++n}`,
  title: `Task ${n}`,
  kind: 'call',
  status: 'open',
  owner: 'me',
  due: null,
  reminderAt: minutesAgo(1),
  remindedAt: null,
  deletedAt: null,
  ...o
});

describe('due reminders', () => {
  it('are the open, live tasks of this user whose reminder time has come and was not announced', () => {
    const due = task();
    const rows = [
      due,
      task({ reminderAt: minutesAgo(-5) }),
      task({ remindedAt: minutesAgo(0) }),
      task({ status: 'done' }),
      task({ status: 'cancelled' }),
      task({ deletedAt: minutesAgo(2) }),
      task({ owner: 'someone-else' }),
      task({ reminderAt: null })
    ];
    expect(dueReminders(rows, now, 'me').map((t) => t.id)).toEqual([due.id]);
  });

  it('come due at the exact minute, oldest first', () => {
    const a = task({ reminderAt: now.toISOString() });
    const b = task({ reminderAt: minutesAgo(30) });
    expect(dueReminders([a, b], now, 'me').map((t) => t.id)).toEqual([b.id, a.id]);
  });

  it('remind whoever is on the device when a task has no owner', () => {
    expect(dueReminders([task({ owner: '' })], now, 'anyone')).toHaveLength(1);
  });

  it('are not announced once older than the look-back window, which is also the range the check reads', () => {
    const stale = task({ reminderAt: new Date(now.getTime() - REMINDER_LOOKBACK_MS - 60_000).toISOString() });
    expect(isReminderTime(stale, now, 'me')).toBe(false);
    const { from, to } = reminderWindow(now);
    expect(to).toBe(now.toISOString());
    expect(Date.parse(to) - Date.parse(from)).toBe(REMINDER_LOOKBACK_MS);
  });
});

describe('the in-app reminders list', () => {
  it('keeps announced reminders until the task is closed or the reminder dismissed, newest first', () => {
    const announced = task({ reminderAt: minutesAgo(20), remindedAt: minutesAgo(19) });
    const fresh = task({ reminderAt: minutesAgo(1) });
    const dismissed = task({ reminderAt: minutesAgo(5) });
    const list = activeReminders([announced, fresh, dismissed, task({ status: 'done' })], now, 'me', new Set([reminderKey(dismissed)]));
    expect(list.map((t) => t.id)).toEqual([fresh.id, announced.id]);
  });

  it('shows a reminder again when its time is moved after a dismissal', () => {
    const t = task({ reminderAt: minutesAgo(10) });
    const dismissed = new Set([reminderKey(t)]);
    const moved = { ...t, reminderAt: minutesAgo(2) };
    expect(activeReminders([moved], now, 'me', dismissed)).toHaveLength(1);
  });
});

describe('notifications', () => {
  const describeTask = (t: ReminderTask) => `Due ${t.due ?? 'some time'}`;
  it('are one per reminder for a few', () => {
    const [a, b] = [task({ title: 'Call Sita', due: '2026-11-23T11:00:00.000Z' }), task({ title: 'Visit Hotel Yak' })];
    expect(remindersToAnnounce([a, b], describeTask)).toEqual([
      { title: 'Call Sita', body: 'Due 2026-11-23T11:00:00.000Z', tag: `fieldbook-task-${a.id}`, taskId: a.id },
      { title: 'Visit Hotel Yak', body: 'Due some time', tag: `fieldbook-task-${b.id}`, taskId: b.id }
    ]);
  });
  it('are one summary for many', () => {
    const many = Array.from({ length: 5 }, (_, i) => task({ title: `T${i}` }));
    expect(remindersToAnnounce(many, describeTask)).toEqual([{ title: '5 reminders', body: 'T0; T1; T2; and 2 more', tag: 'fieldbook-reminders', taskId: null }]);
  });
  it('are none when nothing is due', () => {
    expect(remindersToAnnounce([], describeTask)).toEqual([]);
  });
});

describe('my day', () => {
  // Local times, so the grouping is checked in whatever time zone the test runs.
  const local = new Date(2026, 10, 23, 14, 0);
  const at = (dayOffset: number, hour: number) => new Date(2026, 10, 23 + dayOffset, hour, 0).toISOString();
  const day = (o: { due: string | null; status?: 'open' | 'done' }) => ({ id: `d${++n}`, due: o.due, status: o.status ?? 'open', deletedAt: null });

  it('groups open tasks into overdue, today and the coming week, each by due time', () => {
    const yesterday = day({ due: at(-1, 9) });
    const lastWeek = day({ due: at(-7, 9) });
    const thisMorning = day({ due: at(0, 9) });
    const tonight = day({ due: at(0, 23) });
    const tomorrow = day({ due: at(1, 9) });
    const inAWeek = day({ due: at(7, 9) });
    const tooLate = day({ due: at(8, 9) });
    const noDate = day({ due: null });
    const done = day({ due: at(0, 10), status: 'done' });
    const g = groupMyDay([tonight, tomorrow, yesterday, noDate, thisMorning, tooLate, lastWeek, inAWeek, done], local);
    expect(g.overdue.map((t) => t.id)).toEqual([lastWeek.id, yesterday.id]);
    expect(g.today.map((t) => t.id)).toEqual([thisMorning.id, tonight.id]);
    expect(g.upcoming.map((t) => t.id)).toEqual([tomorrow.id, inAWeek.id]);
  });

  it('counts calendar days, not 24-hour steps', () => {
    expect(startOfDay(local).getHours()).toBe(0);
    expect(addDays(startOfDay(local), 1).getDate()).toBe(24);
    expect(addDays(new Date(2026, 11, 31), 1).getFullYear()).toBe(2027);
  });
});

describe('reminder offsets', () => {
  it('turn a due time and "minutes before" into a reminder time and back', () => {
    const due = '2026-11-23T10:00:00.000Z';
    expect(reminderFor(due, 60)).toBe('2026-11-23T09:00:00.000Z');
    expect(offsetOf(due, reminderFor(due, 15))).toBe(15);
    expect(offsetOf(due, '2026-11-23T09:47:00.000Z')).toBeNull();
    expect(offsetOf(null, due)).toBeNull();
  });
});
