// The sales dashboard as rune state: filters, the deal totals summed in short chunks with progress, activity, targets.
import Dexie, { type Table } from 'dexie';
import { updateRecord } from '$lib/core/commands';
import { collectionStamps, stampKey } from '$lib/core/analytics/loaders';
import type { User } from '$lib/core/model/user';
import {
  activityRows,
  DashboardTotals,
  noDashboardFilter,
  parseTargetInput,
  periodRange,
  type ActivityRow,
  type DashboardDeal,
  type DashboardFigures,
  type DashboardFilter,
  type Rep
} from '$lib/core/sales/dashboard';
import type { StageInfo } from '$lib/core/sales/pipeline';
import type { FieldbookDb } from '$lib/core/storage/db';
import type { Workspace } from '$lib/core/sync/workspace';
import { LiveValue } from './live.svelte';
import { DEFAULT_CURRENCY } from './pipeline.svelte';

/** Deals read per task: a few milliseconds of reading and summing, so a tap is never kept waiting behind the dashboard. */
const CHUNK = 500;
const WATCHED = ['opportunity', 'stage', 'user', 'interaction', 'account'] as const;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

type Row = DashboardDeal & { _del: number };
const slim = (r: Row): DashboardDeal => ({
  id: r.id,
  stage: r.stage,
  amount: r.amount,
  closeDate: r.closeDate,
  probability: r.probability,
  owner: r.owner,
  accountId: r.accountId,
  closedAt: r.closedAt,
  deletedAt: r.deletedAt
});

export type DashboardProgress = { done: number; total: number };
export type DashboardResult = DashboardFigures & { accountNames: Record<string, string>; activity: ActivityRow[] };

/**
 * Reads every deal in primary-key pages of {@link CHUNK}, yielding to the event loop between pages, and sums them.
 * `isCurrent` going false (a newer filter or data change) stops the read between pages.
 */
export async function computeDashboard(
  db: FieldbookDb,
  stages: readonly StageInfo[],
  reps: readonly Rep[],
  filter: DashboardFilter,
  today: string,
  onProgress: (p: DashboardProgress) => void,
  isCurrent: () => boolean
): Promise<DashboardResult | null> {
  const table = db.rows('opportunity') as unknown as Table<Row, string>;
  const counter = await db.counter('opportunity');
  const total = counter.live + counter.deleted;
  const totals = new DashboardTotals(stages, filter, today);
  let last: string | null = null;
  onProgress({ done: 0, total });
  for (;;) {
    const page: Row[] = last === null ? await table.orderBy(':id').limit(CHUNK).toArray() : await table.where(':id').above(last).limit(CHUNK).toArray();
    if (!isCurrent()) return null;
    totals.add(page.map(slim));
    onProgress({ done: totals.seen, total: Math.max(total, totals.seen) });
    if (page.length < CHUNK) break;
    last = page[page.length - 1].id;
    await nextTask();
  }
  const figures = totals.finish(DEFAULT_CURRENCY);
  const ids = figures.topAccounts.map((a) => a.accountId);
  const accounts = (await db.rows('account').bulkGet(ids)) as ({ id: string; name: string } | undefined)[];
  const accountNames: Record<string, string> = {};
  ids.forEach((id, i) => (accountNames[id] = accounts[i]?.name ?? 'Unknown account'));
  if (!isCurrent()) return null;
  const activity = activityRows(reps, await interactionCounts(db, reps, filter, today), filter.owner);
  return isCurrent() ? { ...figures, accountNames, activity } : null;
}

/**
 * Interactions each rep logged in the period: index counts on `[owner+at]`, so no interaction row is read. Deleted
 * interactions are counted too (rare; leaving them out would mean reading every row the count saves reading).
 */
async function interactionCounts(db: FieldbookDb, reps: readonly Rep[], filter: DashboardFilter, today: string): Promise<Map<string, number>> {
  const range = periodRange(filter.period, today);
  const from = range.from ?? Dexie.minKey;
  // Instants are ISO strings: every instant on the last day sorts below the day followed by "\uffff".
  const to = range.to ? `${range.to}\uffff` : Dexie.maxKey;
  const chosen = reps.filter((r) => !filter.owner || r.id === filter.owner);
  const table = db.rows('interaction');
  const counts = await Promise.all(chosen.map((r) => table.where('[owner+at]').between([r.id, from], [r.id, to], true, true).count()));
  return new Map(chosen.map((r, i) => [r.id, counts[i]]));
}

/** The dashboard screen's state: create it while a component initialises (it sets up an effect). */
export class DashboardState {
  filter = $state<DashboardFilter>({ ...noDashboardFilter });
  result = $state.raw<DashboardResult | null>(null);
  progress = $state.raw<DashboardProgress | null>(null);
  error = $state<string | null>(null);
  /** What the last computed result was for, so the view can say the figures are being refreshed. */
  resultKey = $state('');
  readonly #ws: Workspace;
  #reps: LiveValue<Rep[] | null>;
  #stamp: LiveValue<string | null>;
  #generation = 0;

  constructor(ws: Workspace, stages: () => StageInfo[], isStagesLoaded: () => boolean, today: () => string = () => new Date().toISOString().slice(0, 10)) {
    this.#ws = ws;
    const db = ws.db;
    this.#reps = new LiveValue<Rep[] | null>(async () => {
      const rows = (await db.rows('user').where('[_del+_sort]').between([0, Dexie.minKey], [0, Dexie.maxKey]).toArray()) as unknown as User[];
      return rows.map((u) => ({ id: u.id, name: u.name, role: u.role, quarterlyQuota: u.quarterlyQuota ?? null }));
    }, null);
    // A cheap query that changes whenever a deal, stage, user, interaction or account is written (here or by a peer).
    this.#stamp = new LiveValue<string | null>(async () => stampKey(await collectionStamps(db, WATCHED), WATCHED), null);
    $effect(() => {
      const stamp = this.#stamp.current;
      const reps = this.#reps.current;
      const filter = { ...this.filter };
      const stageList = stages();
      if (stamp === null || reps === null || !isStagesLoaded()) return;
      const generation = ++this.#generation;
      const key = JSON.stringify(filter);
      const isCurrent = () => generation === this.#generation;
      this.error = null;
      computeDashboard(db, stageList, reps, filter, today(), (p) => isCurrent() && (this.progress = p), isCurrent).then(
        (r) => {
          if (!r || !isCurrent()) return;
          this.result = r;
          this.resultKey = key;
          this.progress = null;
        },
        (e: unknown) => {
          if (!isCurrent()) return;
          this.error = e instanceof Error ? e.message : String(e);
          this.progress = null;
        }
      );
      return () => {
        // A newer run (or leaving the screen) makes this one stop between pages.
        if (generation === this.#generation) this.#generation++;
      };
    });
  }

  get reps(): Rep[] {
    return this.#reps.current ?? [];
  }

  /** True while the figures shown are not (yet) those of the current filter and data. */
  get isComputing(): boolean {
    return this.progress !== null;
  }

  repName(id: string): string {
    return this.reps.find((r) => r.id === id)?.name ?? (id || 'Nobody');
  }

  /**
   * Sets a rep's quarterly target (the quota on their user record) through the ordinary update command, so it syncs
   * like any edit. Returns an error message for input that is not an amount; stores nothing then.
   */
  async setTarget(repId: string, text: string, currency: string): Promise<string | null> {
    if (!this.reps.some((r) => r.id === repId)) return 'Choose a team member';
    const parsed = parseTargetInput(text, currency);
    if ('error' in parsed) return parsed.error;
    await updateRecord(this.#ws, 'user', repId, { quarterlyQuota: { amount: parsed.amount, currency } });
    return null;
  }

  /** Removes a rep's target: asked for with its own button, never by saving an empty field. */
  async clearTarget(repId: string): Promise<string | null> {
    if (!this.reps.some((r) => r.id === repId)) return 'Choose a team member';
    await updateRecord(this.#ws, 'user', repId, { quarterlyQuota: null });
    return null;
  }
}
