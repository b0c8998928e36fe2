// Tasks as rune state: "My day" on the [owner+status+due] index, the filtered list of all tasks, one task for its editor, and the task commands.
import Dexie from 'dexie';
import { createRecord, deleteRecord, logInteraction, restoreRecord, updateRecord, type RecordInput } from '$lib/core/commands';
import { taskKinds, taskStatuses } from '$lib/core/model/task';
import type { FieldbookDb } from '$lib/core/storage/db';
import { recordById, type RowOf } from '$lib/core/storage/queries';
import type { Workspace } from '$lib/core/sync/workspace';
import { groupMyDay, myDayEnd, type MyDayGroups } from '$lib/core/sales/reminders';
import { LiveQuery } from './records.svelte';
import { toasts } from './toasts.svelte';

export type TaskRow = RowOf<'task'>;
export type TaskKind = (typeof taskKinds)[number];
export type TaskStatus = (typeof taskStatuses)[number];
/** Names of the contacts and accounts the listed tasks are about, by id. */
export type RelatedNames = Map<string, string>;

/** The All tasks view reads the table whole (a field team has a few thousand tasks); past this it asks for filters. */
export const TASK_LIST_LIMIT = 5000;
/** Rows shown at once in All tasks; "Show more" adds as many again. */
export const TASK_PAGE = 200;

/** Which interaction channel a finished task of a kind becomes when logged. */
export const loggableKinds: Partial<Record<TaskKind, 'phone' | 'meeting' | 'in-person'>> = { call: 'phone', meeting: 'meeting', visit: 'in-person' };

/** A live map of contact and account names for the tasks on screen, read by id (two bulkGets, whatever the list size). */
function namesOf(db: FieldbookDb, rows: () => readonly TaskRow[]): LiveQuery<RelatedNames> {
  return new LiveQuery(() => {
    const list = rows();
    const contactIds = [...new Set(list.map((t) => t.contactId).filter(Boolean))];
    const accountIds = [...new Set(list.map((t) => t.accountId).filter(Boolean))];
    if (contactIds.length === 0 && accountIds.length === 0) return null;
    return async () => {
      const [contacts, accounts] = await Promise.all([db.rows('contact').bulkGet(contactIds), db.rows('account').bulkGet(accountIds)]);
      const names: RelatedNames = new Map();
      for (const c of contacts as (RowOf<'contact'> | undefined)[]) if (c) names.set(c.id, [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email);
      for (const a of accounts as (RowOf<'account'> | undefined)[]) if (a) names.set(a.id, a.name);
      return names;
    };
  }, new Map());
}

/** Open tasks of the current user due up to the end of the coming week, grouped overdue / today / upcoming. */
export class MyDayState {
  /** Moves on by itself so a screen left open overnight regroups; read by the query and the grouping. */
  now = $state(new Date());
  readonly #rows: LiveQuery<TaskRow[] | null>;
  readonly #names: LiveQuery<RelatedNames>;

  constructor(db: FieldbookDb, userId: () => string) {
    this.#rows = new LiveQuery(() => {
      const me = userId();
      const end = myDayEnd(this.now).toISOString();
      return async () =>
        (await db
          .rows('task')
          .where('[owner+status+due]')
          .between([me, 'open', Dexie.minKey], [me, 'open', end], true, false)
          .filter((t) => t._del === 0)
          .toArray()) as unknown as TaskRow[];
    }, null);
    this.#names = namesOf(db, () => this.#rows.current ?? []);
    $effect(() => {
      const timer = setInterval(() => (this.now = new Date()), 60_000);
      return () => clearInterval(timer);
    });
  }

  get groups(): MyDayGroups<TaskRow> | null {
    const rows = this.#rows.current;
    return rows ? groupMyDay(rows, this.now) : null;
  }

  get names(): RelatedNames {
    return this.#names.current;
  }

  get error(): Error | null {
    return this.#rows.error;
  }
}

export type TaskScope = 'mine' | 'everyone';
export type TaskStatusFilter = TaskStatus | 'all';

/** Every task with filters (owner, status, kind, words of the title); open ones by due date, closed ones latest first. */
export class TaskListState {
  scope = $state<TaskScope>('mine');
  status = $state<TaskStatusFilter>('open');
  kind = $state<TaskKind | ''>('');
  query = $state('');
  shown = $state(TASK_PAGE);
  readonly #rows: LiveQuery<TaskRow[] | null>;
  readonly #names: LiveQuery<RelatedNames>;
  readonly #userId: () => string;

  constructor(db: FieldbookDb, userId: () => string) {
    this.#userId = userId;
    this.#rows = new LiveQuery(
      () => async () =>
        (await db
          .rows('task')
          .where('[_del+_sort]')
          .between([0, Dexie.minKey], [0, Dexie.maxKey])
          .limit(TASK_LIST_LIMIT)
          .toArray()) as unknown as TaskRow[],
      null
    );
    this.#names = namesOf(db, () => this.visible);
  }

  /** The filtered tasks, in order (all of them; `visible` is the part on screen). */
  get matching(): TaskRow[] | null {
    const rows = this.#rows.current;
    if (!rows) return null;
    const me = this.#userId();
    const words = this.query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
    const out = rows.filter(
      (t) =>
        (this.scope === 'everyone' || t.owner === me) &&
        (this.status === 'all' || t.status === this.status) &&
        (!this.kind || t.kind === this.kind) &&
        words.every((w) => t._terms.some((term) => term.startsWith(w)))
    );
    const byDue = (a: TaskRow, b: TaskRow) => (a.due ?? '\uffff').localeCompare(b.due ?? '\uffff');
    const byCompleted = (a: TaskRow, b: TaskRow) => (b.completedAt ?? b.updatedAt).localeCompare(a.completedAt ?? a.updatedAt);
    return out.sort((a, b) => (a.status === 'open' && b.status === 'open' ? byDue(a, b) : a.status === 'open' ? -1 : b.status === 'open' ? 1 : byCompleted(a, b)));
  }

  get visible(): TaskRow[] {
    return (this.matching ?? []).slice(0, this.shown);
  }

  get names(): RelatedNames {
    return this.#names.current;
  }

  get isCapped(): boolean {
    return (this.#rows.current?.length ?? 0) >= TASK_LIST_LIMIT;
  }

  get error(): Error | null {
    return this.#rows.error;
  }
}

/** One task for its edit page, live. */
export class TaskState {
  readonly #record: LiveQuery<TaskRow | undefined | null>;
  readonly #id: () => string;

  constructor(db: FieldbookDb, id: () => string) {
    this.#id = id;
    this.#record = new LiveQuery(() => {
      const current = id();
      return () => recordById(db, 'task', current);
    }, null);
  }

  get id(): string {
    return this.#id();
  }

  get record(): TaskRow | undefined | null {
    return this.#record.current;
  }

  get isLoading(): boolean {
    return this.#record.isLoading;
  }
}

/** The task commands the screens use: each is one or two typed commands, with a toast that can undo or follow up. */
export class TaskActions {
  readonly #ws: Workspace;

  constructor(ws: Workspace) {
    this.#ws = ws;
  }

  create(input: RecordInput<'task'>): Promise<TaskRow> {
    return createRecord(this.#ws, 'task', input) as Promise<TaskRow>;
  }

  async save(id: string, patch: RecordInput<'task'>): Promise<void> {
    await updateRecord(this.#ws, 'task', id, patch);
  }

  /**
   * Marks a task done. A finished call, meeting or visit is usually worth a line in the customer's timeline: the toast
   * offers to log it as an interaction; other tasks get an Undo.
   */
  async complete(task: TaskRow): Promise<void> {
    await updateRecord(this.#ws, 'task', task.id, { status: 'done', completedAt: new Date().toISOString() });
    const channel = loggableKinds[task.kind];
    if (channel && (task.contactId || task.accountId)) {
      toasts.show(`Done: ${task.title}`, { tone: 'success', action: { label: 'Log as interaction', run: () => this.logAsInteraction(task) } });
    } else {
      toasts.show(`Done: ${task.title}`, { tone: 'success', action: { label: 'Undo', run: () => this.reopen(task, false) } });
    }
  }

  async reopen(task: TaskRow, isAnnounced = true): Promise<void> {
    await updateRecord(this.#ws, 'task', task.id, { status: 'open', completedAt: null });
    if (isAnnounced) toasts.show(`Reopened: ${task.title}`);
  }

  /** Logs a finished call or meeting in the contact's (and account's) timeline, linked to the deal it was about. */
  async logAsInteraction(task: TaskRow): Promise<void> {
    const channel = loggableKinds[task.kind] ?? 'phone';
    let accountId = task.accountId;
    if (!accountId && task.contactId) accountId = (await recordById(this.#ws.db, 'contact', task.contactId))?.accountId ?? '';
    const opportunityId = task.relatedTo.startsWith('opportunity:') ? task.relatedTo.slice('opportunity:'.length) : '';
    await logInteraction(this.#ws, {
      channel,
      at: task.completedAt ?? new Date().toISOString(),
      contactId: task.contactId,
      accountId,
      opportunityId,
      summary: task.title.slice(0, 500),
      outcome: 'completed',
      durationMin: task.durationMin,
      notes: task.notes
    });
    toasts.show(`Logged in the timeline as a ${channel === 'phone' ? 'call' : channel === 'meeting' ? 'meeting' : 'visit'}`, { tone: 'success' });
  }

  async remove(task: Pick<TaskRow, 'id' | 'title'>): Promise<void> {
    await deleteRecord(this.#ws, 'task', task.id);
    toasts.show(`Deleted: ${task.title}`, { action: { label: 'Undo', run: () => restoreRecord(this.#ws, 'task', task.id) } });
  }

  async restore(task: Pick<TaskRow, 'id' | 'title'>): Promise<void> {
    await restoreRecord(this.#ws, 'task', task.id);
    toasts.show(`Restored: ${task.title}`, { tone: 'success' });
  }

  /** Puts a reminder off: it comes back in `minutes`, announced again. */
  async snooze(task: Pick<TaskRow, 'id'>, minutes = 10): Promise<void> {
    await updateRecord(this.#ws, 'task', task.id, { reminderAt: new Date(Date.now() + minutes * 60_000).toISOString(), remindedAt: null });
  }
}
