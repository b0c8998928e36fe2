// Automation rules as rune state: the rules list and its commands, the two default rules, and the runner (on start, every 10 minutes, and on demand).
import Dexie from 'dexie';
import { createRecord, createRecords, deleteRecord, restoreRecord, updateRecord, type RecordInput } from '$lib/core/commands';
import { runRules } from '$lib/core/rules/run';
import type { Proposal } from '$lib/core/rules/engine';
import type { FieldbookDb } from '$lib/core/storage/db';
import type { RowOf } from '$lib/core/storage/queries';
import type { Workspace } from '$lib/core/sync/workspace';
import { LiveQuery } from './records.svelte';
import type { AppSession } from './session.svelte';
import { toasts } from './toasts.svelte';

export type RuleRow = RowOf<'rule'>;

/** Automatic runs: this long after the workspace opens (the first screen comes first), then at this interval. */
export const RULES_FIRST_RUN_MS = 20_000;
export const RULES_INTERVAL_MS = 10 * 60_000;
const RUN_LOG_KEPT = 5;

/**
 * The rules a fresh workspace starts with. Fixed ids: two devices that both seed offline create the same two records,
 * which merge into one each instead of doubling.
 */
export const defaultRules: (RecordInput<'rule'> & { id: string })[] = [
  {
    id: 'rule-default-key-accounts',
    name: 'Key accounts not contacted in 6 weeks',
    trigger: 'account.noContact',
    params: { weeks: 6, tier: 'key' },
    action: { kind: 'createTask', taskKind: 'call' },
    isEnabled: true,
    description: 'A call task for the account owner when a key account has had no interaction for six weeks.'
  },
  {
    id: 'rule-default-past-close',
    name: 'Opportunities past close date',
    trigger: 'opportunity.closeDatePassed',
    params: { graceDays: 0 },
    action: { kind: 'createTask', taskKind: 'review' },
    isEnabled: true,
    description: 'A review task for the owner when an open opportunity’s close date has passed.'
  }
];

/** What each trigger's action is, stored with the rule so the rule reads as data ("when … then create a call task"). */
export function actionFor(trigger: string): Record<string, string> {
  if (trigger === 'account.noContact') return { kind: 'createTask', taskKind: 'call' };
  if (trigger === 'opportunity.closeDatePassed') return { kind: 'createTask', taskKind: 'review' };
  if (trigger === 'ticket.slaBreached') return { kind: 'escalateTicket' };
  return {};
}

/** "Created 3 call tasks and 1 review task; escalated 2 tickets", or that nothing was needed. */
export function summariseRun(proposals: readonly Proposal[]): string {
  const byKind = new Map<string, number>();
  let escalated = 0;
  for (const p of proposals) {
    if (p.kind === 'createTask') byKind.set(p.input.kind, (byKind.get(p.input.kind) ?? 0) + 1);
    else escalated++;
  }
  const tasks = [...byKind].map(([kind, n]) => `${n} ${kind === 'todo' ? 'to-do' : kind} ${n === 1 ? 'task' : 'tasks'}`);
  const parts: string[] = [];
  if (tasks.length > 0) parts.push(`Created ${tasks.length > 1 ? `${tasks.slice(0, -1).join(', ')} and ${tasks[tasks.length - 1]}` : tasks[0]}`);
  if (escalated > 0) parts.push(`${parts.length ? 'escalated' : 'Escalated'} ${escalated} ${escalated === 1 ? 'ticket' : 'tickets'}`);
  return parts.length > 0 ? `${parts.join('; ')}.` : 'Nothing new: every task the rules ask for already exists.';
}

export type RunLogEntry = { at: string; isAutomatic: boolean; summary: string; count: number; error?: string };

/**
 * Runs the rules while the app is open. Only the tab that may write runs them, one run at a time; a run is ordinary
 * commands, idempotent through each task's ruleKey, so a run on another device later never doubles a task.
 */
export class RulesRunner {
  isRunning = $state(false);
  log = $state.raw<RunLogEntry[]>([]);
  #session: AppSession | null = null;
  #running: Promise<RunLogEntry> | null = null;
  #timers: ReturnType<typeof setTimeout>[] = [];

  get lastRun(): RunLogEntry | null {
    return this.log[0] ?? null;
  }

  /** Starts the automatic runs (once per page; later calls do nothing). */
  start(session: AppSession): () => void {
    if (this.#session) return () => this.stop();
    this.#session = session;
    this.#timers.push(setTimeout(() => void this.run(true), RULES_FIRST_RUN_MS));
    this.#timers.push(setInterval(() => void this.run(true), RULES_INTERVAL_MS));
    return () => this.stop();
  }

  stop(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
    this.#session = null;
  }

  /** Runs every enabled rule now (a run already going is joined, not doubled). */
  run(isAutomatic: boolean, session: AppSession | null = this.#session): Promise<RunLogEntry> {
    if (this.#running) return this.#running;
    if (!session) return Promise.resolve({ at: new Date().toISOString(), isAutomatic, summary: 'The workspace is not open.', count: 0 });
    this.#running = this.#run(isAutomatic, session).finally(() => {
      this.#running = null;
      this.isRunning = false;
    });
    return this.#running;
  }

  async #run(isAutomatic: boolean, session: AppSession): Promise<RunLogEntry> {
    const at = new Date().toISOString();
    if (session.isReadOnly || !session.ws.isWriter) return { at, isAutomatic, summary: 'Not run: another tab is the one that writes.', count: 0 };
    this.isRunning = true;
    let entry: RunLogEntry;
    try {
      const proposals = await runRules(session.ws, new Date());
      entry = { at, isAutomatic, summary: summariseRun(proposals), count: proposals.length };
      if (isAutomatic && proposals.length > 0) toasts.show(`Automation rules: ${entry.summary}`);
    } catch (e) {
      entry = { at, isAutomatic, summary: 'The rules could not run.', count: 0, error: (e as Error).message };
    }
    this.log = [entry, ...this.log].slice(0, RUN_LOG_KEPT);
    return entry;
  }
}

export const rulesRunner = new RulesRunner();

/** Starts the automatic rule runs once the workspace is open (the root layout calls it; the Rules screen too, harmlessly). */
export function startRules(session: AppSession): () => void {
  return rulesRunner.start(session);
}

/** The rules list, live, and the rule commands. */
export class RulesState {
  readonly #ws: Workspace;
  readonly #rows: LiveQuery<RuleRow[] | null>;

  constructor(ws: Workspace) {
    this.#ws = ws;
    const db = ws.db;
    this.#rows = new LiveQuery(
      () => async () => (await db.rows('rule').where('[_del+_sort]').between([0, Dexie.minKey], [0, Dexie.maxKey]).toArray()) as unknown as RuleRow[],
      null
    );
  }

  get rows(): RuleRow[] | null {
    return this.#rows.current;
  }

  get error(): Error | null {
    return this.#rows.error;
  }

  create(input: RecordInput<'rule'>): Promise<RuleRow> {
    return createRecord(this.#ws, 'rule', input) as Promise<RuleRow>;
  }

  async save(id: string, patch: RecordInput<'rule'>): Promise<void> {
    await updateRecord(this.#ws, 'rule', id, patch);
  }

  async setEnabled(rule: RuleRow, isEnabled: boolean): Promise<void> {
    await updateRecord(this.#ws, 'rule', rule.id, { isEnabled });
  }

  async remove(rule: RuleRow): Promise<void> {
    await deleteRecord(this.#ws, 'rule', rule.id);
    toasts.show(`Rule “${rule.name}” deleted`, { action: { label: 'Undo', run: () => restoreRecord(this.#ws, 'rule', rule.id) } });
  }
}

/**
 * Gives a workspace that has never had a rule the two default ones. Deleted rules still count (their rows stay as
 * soft deletes), so a person who removed the defaults does not get them back.
 */
export async function seedDefaultRules(ws: Workspace, db: FieldbookDb = ws.db): Promise<boolean> {
  if (!ws.isWriter) return false;
  if ((await db.rows('rule').limit(1).count()) > 0) return false;
  await createRecords(ws, 'rule', defaultRules);
  return true;
}
