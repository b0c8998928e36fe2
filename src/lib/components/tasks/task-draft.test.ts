// The task draft: reminders as "minutes before" or a custom time, re-armed only when their time really changes.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '$lib/core/commands';
import { dueFor, fromLocalInput, toLocalInput } from './format';
import { taskDraft, taskInput } from './task-draft';

const row = (o: Record<string, unknown> = {}) =>
  ({
    title: 'Call Sita',
    kind: 'call',
    status: 'open',
    priority: 'normal',
    due: '2026-11-23T11:00:30.000Z',
    durationMin: 0,
    reminderAt: '2026-11-23T10:00:30.000Z',
    remindedAt: '2026-11-23T10:00:31.000Z',
    completedAt: null,
    contactId: '',
    accountId: '',
    notes: '',
    ...o
  }) as never;

describe('task drafts', () => {
  it('show a reminder an hour before the due time as that choice', () => {
    expect(taskDraft(row()).reminder).toBe('60');
    expect(taskDraft(row({ reminderAt: '2026-11-23T10:07:00.000Z' })).reminder).toBe('custom');
    expect(taskDraft(row({ reminderAt: null })).reminder).toBe('none');
  });
  it('keep stored instants and the announced mark when nothing changed', () => {
    const input = taskInput(taskDraft(row()), row());
    expect(input.due).toBe('2026-11-23T11:00:30.000Z');
    expect(input.reminderAt).toBe('2026-11-23T10:00:30.000Z');
    expect('remindedAt' in input).toBe(false);
  });
  it('arm a moved reminder again', () => {
    const d = { ...taskDraft(row()), reminder: '15' };
    const input = taskInput(d, row());
    expect(input.reminderAt).toBe('2026-11-23T10:45:30.000Z');
    expect(input.remindedAt).toBeNull();
  });
  it('take a custom reminder time, and refuse "before the due time" without one', () => {
    const custom = { ...taskDraft(null), title: 'x', reminder: 'custom', reminderAt: toLocalInput('2026-11-23T09:15:00.000Z') };
    expect(taskInput(custom, null).reminderAt).toBe('2026-11-23T09:15:00.000Z');
    expect(() => taskInput({ ...taskDraft(null), title: 'x', reminder: '60' }, null)).toThrow(ValidationError);
    expect(() => taskInput({ ...taskDraft(null), title: 'x', reminder: 'custom' }, null)).toThrow(ValidationError);
  });
  it('stamp the completion time when a task is marked done, and clear it when reopened', () => {
    expect(taskInput({ ...taskDraft(row()), status: 'done' }, row()).completedAt).toEqual(expect.any(String));
    expect(taskInput({ ...taskDraft(row({ status: 'done' })), status: 'open' }, row({ status: 'done', completedAt: 'x' })).completedAt).toBeNull();
  });
  it('turn local date-time inputs into instants and back', () => {
    expect(fromLocalInput(toLocalInput('2026-11-23T09:15:00.000Z'))).toBe('2026-11-23T09:15:00.000Z');
    expect(fromLocalInput('')).toBeNull();
    const due = new Date(dueFor('tomorrow', new Date(2026, 10, 23, 20, 0)) as string);
    expect([due.getDate(), due.getHours(), due.getMinutes()]).toEqual([24, 17, 0]);
    expect(dueFor('none')).toBeNull();
  });
});
