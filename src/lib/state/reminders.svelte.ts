// Task reminders while the app is open: a check every 30 s (and on every task change), the in-app list behind the bell, and system notifications when allowed.
import { liveQuery, type Subscription } from 'dexie';
import { goto } from '$app/navigation';
import { updateRecord } from '$lib/core/commands';
import {
  activeReminders,
  dueReminders,
  reminderKey,
  remindersToAnnounce,
  reminderWindow,
  REMINDER_CHECK_MS,
  type ReminderNotice
} from '$lib/core/sales/reminders';
import type { RowOf } from '$lib/core/storage/queries';
import type { AppSession } from './session.svelte';
import { toasts } from './toasts.svelte';

export type ReminderRow = RowOf<'task'>;
export type NotificationState = NotificationPermission | 'unsupported';

/** Dismissed reminders kept per workspace on this device (a dismissal is a personal screen choice, not a record change). */
const DISMISSED_KEPT = 200;
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function describe(task: Pick<ReminderRow, 'due' | 'kind'>): string {
  return task.due ? `Due ${timeFormat.format(new Date(task.due))}` : 'Reminder from Fieldbook';
}

/**
 * One per page. The check is a Dexie liveQuery over `[status+reminderAt]` from the look-back window to "now", so it
 * runs again whenever a task changes (a reminder set a minute in the past fires at once) and is re-armed every 30 s
 * to move "now". Due reminders are announced once — in-app toast, system notification when permitted — and marked
 * with `remindedAt` through the ordinary update command, so other devices of the same person do not announce them
 * again. Only the tab that may write announces: a read-only second tab shows the list but stays quiet.
 */
export class Reminders {
  /** Reminders whose time has come and that are not dismissed, newest first: the bell's list. */
  items = $state.raw<ReminderRow[]>([]);
  permission = $state<NotificationState>('unsupported');
  isStarted = $state(false);
  #session: AppSession | null = null;
  #rows: ReminderRow[] = [];
  #now = new Date();
  #subscription: Subscription | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #dismissed = new Set<string>();
  #inFlight = new Set<string>();

  get count(): number {
    return this.items.length;
  }

  /** Starts the checks (once per page; later calls do nothing) and returns a stop function for tests and hot reloads. */
  start(session: AppSession): () => void {
    if (this.#session) return () => this.stop();
    this.#session = session;
    this.isStarted = true;
    this.permission = typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
    this.#dismissed = new Set(this.#readDismissed());
    void this.#watchPermission();
    this.#arm();
    this.#timer = setInterval(() => this.#arm(), REMINDER_CHECK_MS);
    return () => this.stop();
  }

  stop(): void {
    this.#subscription?.unsubscribe();
    this.#subscription = null;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#session = null;
    this.isStarted = false;
  }

  /** Asks the browser for permission to show notifications: only ever from a person's tap, never on load. */
  async requestPermission(): Promise<NotificationState> {
    if (typeof Notification === 'undefined') return (this.permission = 'unsupported');
    this.permission = await Notification.requestPermission();
    return this.permission;
  }

  /** Hides a reminder from the list on this device; moving its time later shows it again. */
  dismiss(task: ReminderRow): void {
    this.#dismissed.add(reminderKey(task));
    this.#writeDismissed();
    this.#publish();
  }

  dismissAll(): void {
    for (const t of this.items) this.#dismissed.add(reminderKey(t));
    this.#writeDismissed();
    this.#publish();
  }

  #arm(): void {
    const session = this.#session;
    if (!session) return;
    this.#subscription?.unsubscribe();
    const now = new Date();
    const { from, to } = reminderWindow(now);
    this.#subscription = liveQuery(
      () => session.db.rows('task').where('[status+reminderAt]').between(['open', from], ['open', to], true, true).toArray() as unknown as Promise<ReminderRow[]>
    ).subscribe({
      next: (rows) => {
        this.#rows = rows;
        this.#now = now;
        this.#publish();
        void this.#announceDue();
      },
      error: (e: unknown) => console.warn('Reminder check failed', e)
    });
  }

  #publish(): void {
    if (!this.#session) return;
    this.items = activeReminders(this.#rows, this.#now, this.#session.userId, this.#dismissed);
  }

  async #announceDue(): Promise<void> {
    const session = this.#session;
    if (!session || session.isReadOnly || !session.ws.isWriter) return;
    const due = dueReminders(this.#rows, this.#now, session.userId).filter((t) => !this.#inFlight.has(t.id));
    if (due.length === 0) return;
    for (const t of due) this.#inFlight.add(t.id);
    try {
      const notices = remindersToAnnounce(due, describe);
      if (this.permission === 'granted') for (const n of notices) this.#notify(n, session);
      const first = due[0];
      if (due.length === 1) toasts.show(`Reminder: ${first.title}`, { action: { label: 'Open', run: () => goto(taskHref(first.id)) } });
      else toasts.show(`${due.length} reminders are due`, { action: { label: 'Open tasks', run: () => goto(taskHref(null)) } });
      const at = new Date().toISOString();
      for (const t of due) await updateRecord(session.ws, 'task', t.id, { remindedAt: at });
    } catch (e) {
      console.warn('Marking reminders failed', e);
    } finally {
      for (const t of due) this.#inFlight.delete(t.id);
    }
  }

  /** `new Notification` where the page may construct one (desktop); the service worker's showNotification where it may not (Android). */
  #notify(n: ReminderNotice, session: AppSession): void {
    const href = taskHref(n.taskId);
    const options: NotificationOptions = { body: n.body, tag: n.tag, icon: '/icons/icon-192.png', data: { href, workspace: session.choice.name } };
    try {
      const note = new Notification(n.title, options);
      note.onclick = () => {
        window.focus();
        location.assign(href);
        note.close();
      };
    } catch {
      void navigator.serviceWorker?.ready.then((r) => r.showNotification(n.title, options)).catch(() => undefined);
    }
  }

  async #watchPermission(): Promise<void> {
    try {
      const status = await navigator.permissions?.query({ name: 'notifications' });
      if (!status) return;
      status.onchange = () => {
        this.permission = typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
      };
    } catch {
      // Some browsers cannot be asked about this permission: the button's answer updates it instead.
    }
  }

  #storageKey(): string {
    return `fieldbook:${this.#session?.choice.name ?? 'default'}:dismissedReminders`;
  }

  #readDismissed(): string[] {
    try {
      const stored = JSON.parse(localStorage.getItem(this.#storageKey()) ?? '[]') as unknown;
      return Array.isArray(stored) ? stored.filter((s): s is string => typeof s === 'string') : [];
    } catch {
      return [];
    }
  }

  #writeDismissed(): void {
    localStorage.setItem(this.#storageKey(), JSON.stringify([...this.#dismissed].slice(-DISMISSED_KEPT)));
  }
}

/** A task's page (or the task list), in the open workspace. */
const taskHref = (id: string | null): string => (id ? `/tasks/${encodeURIComponent(id)}${workspaceQuery()}` : `/tasks${workspaceQuery()}`);

/** The query that chose the workspace (`?workspace=x`, `?demo=small`), kept on links a notification opens. */
function workspaceQuery(): string {
  const q = new URLSearchParams(location.search);
  const kept = new URLSearchParams();
  for (const key of ['workspace', 'demo']) {
    const v = q.get(key);
    if (v) kept.set(key, v);
  }
  const s = kept.toString();
  return s ? `?${s}` : '';
}

/** The page's reminders. */
export const reminders = new Reminders();

/** Starts the reminder checks once the workspace is open (the root layout calls it; task screens call it too, harmlessly). */
export function startReminders(session: AppSession): () => void {
  return reminders.start(session);
}
