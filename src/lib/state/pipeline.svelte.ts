// The pipeline as rune state: stages, board columns, moving deals, the filtered list, the forecast, one opportunity's form.
import Dexie, { type Table } from 'dexie';
import { closeOpportunity, createRecord, deleteRecord, updateRecord, type RecordInput } from '$lib/core/commands';
import type { Money } from '$lib/core/model/base';
import type { Opportunity } from '$lib/core/model/opportunity';
import { byCloseDate, columnTotals, currencyDigits, minorToInput, moveOpportunity, orderStages, parseMoneyInput, type ColumnTotals } from '$lib/core/sales/board';
import { forecast, pipelineByStage, quarterVsLastYear, type ForecastRow, type StageInfo, type StageTotal } from '$lib/core/sales/pipeline';
import type { FieldbookDb } from '$lib/core/storage/db';
import { recordById, type RowOf } from '$lib/core/storage/queries';
import type { Workspace } from '$lib/core/sync/workspace';
import { LiveQuery } from './records.svelte';
import { changedFields, type SalesForm } from './sales.svelte';

/** What a board card or list row shows: a slim copy of the row, so 20,000 deals in memory stay small. */
export type Card = Pick<Opportunity, 'id' | 'name' | 'stage' | 'amount' | 'closeDate' | 'probability' | 'owner' | 'nextStep' | 'accountId'>;
export type OpportunityRow = RowOf<'opportunity'>;

/** Currency of a new deal when nothing else says: the workspace's market (the demo and its price book are in NPR). */
export const DEFAULT_CURRENCY = 'NPR';

const slim = (r: OpportunityRow): Card => ({
  id: r.id,
  name: r.name,
  stage: r.stage,
  amount: r.amount,
  closeDate: r.closeDate,
  probability: r.probability,
  owner: r.owner,
  nextStep: r.nextStep,
  accountId: r.accountId
});

const opportunities = (db: FieldbookDb) => db.rows('opportunity') as unknown as Table<OpportunityRow, string>;

// -- stages --------------------------------------------------------------------------------------------------------

/** The pipeline's stages in order, live: stage records when the workspace has them, the defaults otherwise. */
export class StagesState {
  #records: LiveQuery<RowOf<'stage'>[] | null>;

  constructor(db: FieldbookDb) {
    this.#records = new LiveQuery(() => () => db.rows('stage').orderBy('position').toArray() as unknown as Promise<RowOf<'stage'>[]>, null);
  }

  /** Derived once per change of the stage table: columns keyed by stage keep their queries while nothing changed. */
  readonly stages: StageInfo[] = $derived(orderStages(this.#rows));

  get #rows(): RowOf<'stage'>[] {
    return this.#records.current ?? [];
  }

  get isLoaded(): boolean {
    return this.#records.current !== null;
  }

  /** True while the defaults are shown because no stage was ever saved. */
  get isDefault(): boolean {
    return (this.#records.current ?? []).every((r) => r._del === 1);
  }

  byId(id: string): StageInfo | undefined {
    return this.stages.find((s) => s.id === id);
  }
}

/** Live deals in a stage: the Stages dialog only lets an empty stage be removed. */
export const dealsInStage = (db: FieldbookDb, stageId: string): Promise<number> => opportunities(db).where('[stage+_del]').equals([stageId, 0]).count();

// -- board ---------------------------------------------------------------------------------------------------------

/** Cards a column draws before it has read everything: enough to fill the tallest screen. */
export const FIRST_CARDS = 40;

/**
 * The deals of one board column, live, in `[stage+_del]` index order (oldest in the pipeline first). First only the
 * cards that fill the screen are read (a few milliseconds however long the column is); the whole column, which the
 * count, the totals and deep scrolling need, is read once the board is on screen (`isComplete`). Both reads come in
 * the same order, so nothing jumps when the rest arrives. Each column has its own queries: moving a card re-reads
 * only the two columns it left and entered.
 */
export class ColumnState {
  #first: LiveQuery<Card[] | null>;
  #all: LiveQuery<Card[] | null>;

  constructor(db: FieldbookDb, stageId: () => string, isComplete: () => boolean) {
    const range = (id: string) => opportunities(db).where('[stage+_del]').equals([id, 0]);
    this.#all = new LiveQuery(() => {
      const id = stageId();
      if (!isComplete()) return null;
      return async () => (await range(id).toArray()).map(slim);
    }, null);
    this.#first = new LiveQuery(() => {
      const id = stageId();
      if (this.#allCards) return null;
      return async () => (await range(id).limit(FIRST_CARDS).toArray()).map(slim);
    }, null);
  }

  get #allCards(): Card[] | null {
    return this.#all.current;
  }

  /** The cards known so far, in board order. */
  get cards(): Card[] {
    return this.#all.current ?? this.#first.current ?? [];
  }

  /** The first screenful has been read. */
  get isLoaded(): boolean {
    return this.#all.current !== null || this.#first.current !== null;
  }

  /** Every card is known: the count and the totals are exact. */
  get isComplete(): boolean {
    return this.#all.current !== null;
  }

  get isLoading(): boolean {
    return this.#first.isLoading || this.#all.isLoading;
  }

  get error(): Error | null {
    return this.#first.error ?? this.#all.error;
  }
}

export type Drag = {
  card: Card;
  from: string;
  /** The column under the pointer (or chosen with the arrow keys); null when off the board. */
  over: string | null;
  via: 'pointer' | 'keyboard';
  /** Pointer position, for the floating card. */
  x: number;
  y: number;
};

/** A move on its way to storage: shown in its new column until both columns have read it. */
type PendingMove = { card: Card; from: string; to: string; hasLeft: boolean; hasArrived: boolean };

/** A drop on a won or lost stage waits for its reason. */
export type PendingClose = { card: Card; stage: StageInfo };

/**
 * What the board is doing: a card being dragged (by pointer or keyboard), the sentence a screen reader hears, a drop
 * on a closing stage waiting for its reason, and the card that should get focus once it shows up in its new column.
 */
export class BoardState {
  drag = $state.raw<Drag | null>(null);
  announcement = $state('');
  pendingClose = $state.raw<PendingClose | null>(null);
  /** Id of the card whose move handle takes focus when its column renders it (after a keyboard move). */
  focusCard = $state<string | null>(null);
  isMoving = $state(false);
  #pending = $state.raw(new Map<string, PendingMove>());
  readonly ws: Workspace;
  readonly #stages: () => StageInfo[];

  constructor(ws: Workspace, stages: () => StageInfo[]) {
    this.ws = ws;
    this.#stages = stages;
  }

  stageName(id: string | null): string {
    return this.#stages().find((s) => s.id === id)?.name ?? 'the board';
  }

  /** Politely re-announces even the same sentence (a live region only speaks when its text changes). */
  say(text: string): void {
    this.announcement = this.announcement === text ? `${text}\u00a0` : text;
  }

  begin(card: Card, via: Drag['via'], x = 0, y = 0): void {
    this.drag = { card, from: card.stage, over: card.stage, via, x, y };
    if (via === 'keyboard') {
      this.say(`Picked up ${card.name} in ${this.stageName(card.stage)}. Use the left and right arrow keys to choose a stage, Space or Enter to drop, Escape to cancel.`);
    }
  }

  hover(over: string | null, x?: number, y?: number): void {
    const d = this.drag;
    if (!d) return;
    if (d.over === over && x === undefined) return;
    this.drag = { ...d, over, x: x ?? d.x, y: y ?? d.y };
    if (d.via === 'keyboard' && over && over !== d.over) this.say(`Over ${this.stageName(over)}.`);
  }

  cancel(): void {
    const d = this.drag;
    if (!d) return;
    this.drag = null;
    this.say(`Move cancelled. ${d.card.name} stays in ${this.stageName(d.from)}.`);
  }

  /** Drops the dragged card where it is over: moves it, or asks for a reason first when the stage closes the deal. */
  async drop(): Promise<void> {
    const d = this.drag;
    if (!d) return;
    this.drag = null;
    const target = this.#stages().find((s) => s.id === d.over);
    if (!target || target.id === d.from) {
      this.say(`${d.card.name} stays in ${this.stageName(d.from)}.`);
      return;
    }
    if (target.outcome !== 'open') {
      this.pendingClose = { card: d.card, stage: target };
      return;
    }
    await this.moveTo(d.card, target, d.via === 'keyboard');
  }

  /**
   * Moves a card. It shows in its new column at once: a column of 5,000 deals takes a moment to read again, and a
   * card that stays put after the drop looks like a failed drop. The stored move replaces this as each column catches
   * up (see `ack`); a failed move puts the card back.
   */
  async moveTo(card: Card, target: StageInfo, keepFocus: boolean, reason = ''): Promise<void> {
    this.isMoving = true;
    this.#setPending(card.id, { card: { ...card, stage: target.id }, from: card.stage, to: target.id, hasLeft: false, hasArrived: false });
    if (keepFocus) this.focusCard = card.id;
    try {
      await moveOpportunity(this.ws, card.id, card.stage, target, reason);
      this.say(`Moved ${card.name} to ${target.name}`);
    } catch (e) {
      this.#setPending(card.id, null);
      if (keepFocus) this.focusCard = card.id;
      this.say(`${card.name} could not be moved: ${(e as Error).message}`);
      throw e;
    } finally {
      this.isMoving = false;
    }
  }

  #setPending(id: string, move: PendingMove | null): void {
    const next = new Map(this.#pending);
    if (move) next.set(id, move);
    else next.delete(id);
    this.#pending = next;
  }

  /** What a column shows: the cards it read, minus cards moving away, plus cards moving in (in board order, by id). */
  view(stageId: string, cards: Card[]): Card[] {
    const pending = this.#pending;
    if (pending.size === 0) return cards;
    const out = cards.filter((c) => (pending.get(c.id)?.to ?? stageId) === stageId);
    for (const m of pending.values()) {
      if (m.to !== stageId || out.some((c) => c.id === m.card.id)) continue;
      let lo = 0;
      let hi = out.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (out[mid].id < m.card.id) lo = mid + 1;
        else hi = mid;
      }
      out.splice(lo, 0, m.card);
    }
    return out;
  }

  /** A column reports what it read: a pending move is done once its old column lost the card and its new one has it. */
  ack(stageId: string, cards: Card[]): void {
    let next: Map<string, PendingMove> | null = null;
    for (const [id, m] of this.#pending) {
      const has = cards.some((c) => c.id === id);
      const hasLeft = m.hasLeft || (m.from === stageId && !has);
      // A column that has read only its first cards may not have the card yet: it reports again once complete.
      const hasArrived = m.hasArrived || (m.to === stageId && has);
      if (hasLeft === m.hasLeft && hasArrived === m.hasArrived) continue;
      next ??= new Map(this.#pending);
      if (hasLeft && hasArrived) next.delete(id);
      else next.set(id, { ...m, hasLeft, hasArrived });
    }
    if (next) this.#pending = next;
  }

  async confirmClose(reason: string): Promise<void> {
    const p = this.pendingClose;
    if (!p) return;
    this.pendingClose = null;
    await this.moveTo(p.card, p.stage, true, reason);
  }

  cancelClose(): void {
    const p = this.pendingClose;
    if (!p) return;
    this.pendingClose = null;
    this.say(`Not closed. ${p.card.name} stays in ${this.stageName(p.card.stage)}.`);
  }
}

// -- list ----------------------------------------------------------------------------------------------------------

export type OpportunityFilter = { owner: string; stage: string; from: string; to: string };
export const noFilter: OpportunityFilter = { owner: '', stage: 'open', from: '', to: '' };

/**
 * The deals a list filter asks for, on the narrowest index it has: one stage on `[stage+_del]` (all open stages with
 * anyOf), an owner on `[owner+_del+_sort]`, a close-date range on `closeDate`; other conditions apply in memory.
 */
export async function queryOpportunities(db: FieldbookDb, f: OpportunityFilter, stages: readonly StageInfo[]): Promise<Card[]> {
  const t = opportunities(db);
  const open = stages.filter((s) => s.outcome === 'open').map((s) => s.id);
  const stageOk = (r: OpportunityRow) => !f.stage || (f.stage === 'open' ? open.includes(r.stage) : r.stage === f.stage);
  const keep = (r: OpportunityRow) =>
    r._del === 0 && stageOk(r) && (!f.owner || r.owner === f.owner) && (!f.from || r.closeDate >= f.from) && (!f.to || r.closeDate <= f.to);
  let rows: OpportunityRow[];
  if (f.stage && f.stage !== 'open') rows = await t.where('[stage+_del]').equals([f.stage, 0]).filter(keep).toArray();
  else if (f.owner) rows = await t.where('[owner+_del+_sort]').between([f.owner, 0, Dexie.minKey], [f.owner, 0, Dexie.maxKey]).filter(keep).toArray();
  else if (f.from || f.to) rows = await t.where('closeDate').between(f.from || Dexie.minKey, f.to || Dexie.maxKey, true, true).filter(keep).toArray();
  else if (f.stage === 'open') rows = await t.where('[stage+_del]').anyOf(open.map((s) => [s, 0])).toArray();
  else rows = await t.where('[_del+_sort]').between([0, Dexie.minKey], [0, Dexie.maxKey]).toArray();
  return rows.map(slim).sort(byCloseDate);
}

/** The list view: filters, the matching deals in close-date order, and their totals. */
export class OpportunityListState {
  filter = $state<OpportunityFilter>({ ...noFilter });
  #rows: LiveQuery<Card[] | null>;
  readonly #stages: () => StageInfo[];

  constructor(db: FieldbookDb, stages: () => StageInfo[]) {
    this.#stages = stages;
    this.#rows = new LiveQuery(() => {
      const f = { ...this.filter };
      const s = stages();
      return () => queryOpportunities(db, f, s);
    }, null);
  }

  get rows(): Card[] {
    return this.#rows.current ?? [];
  }

  get isLoaded(): boolean {
    return this.#rows.current !== null;
  }

  get isLoading(): boolean {
    return this.#rows.isLoading;
  }

  get error(): Error | null {
    return this.#rows.error;
  }

  readonly totals: ColumnTotals = $derived(columnTotals(this.rows, this.#stageList));

  get #stageList(): StageInfo[] {
    return this.#stages();
  }
  readonly viewKey = $derived(JSON.stringify(this.filter));
}

// -- forecast ------------------------------------------------------------------------------------------------------

export type ForecastView = {
  /** The weighted pipeline: open deals per stage, in stage order. */
  byStage: StageTotal[];
  byMonth: ForecastRow[];
  byQuarter: ForecastRow[];
  quarter: ReturnType<typeof quarterVsLastYear>;
  /** Deals in another currency than the one the figures are in (left out: amounts are never converted). */
  otherCurrencies: number;
  currency: string;
};

/** Forecast figures over every live deal (one read of the table, so only when the forecast is shown). */
export function forecastOf(deals: readonly Card[], stages: readonly StageInfo[], today: string): ForecastView {
  const counts = new Map<string, number>();
  for (const d of deals) counts.set(d.amount.currency, (counts.get(d.amount.currency) ?? 0) + 1);
  const currency = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? DEFAULT_CURRENCY;
  const same = deals.filter((d) => d.amount.currency === currency);
  const open = new Set(stages.filter((s) => s.outcome === 'open').map((s) => s.id));
  return {
    byStage: pipelineByStage(same, stages).filter((t) => open.has(t.stage)),
    byMonth: forecast(same, stages, 'month'),
    byQuarter: forecast(same, stages, 'quarter'),
    quarter: quarterVsLastYear(same, stages, today),
    otherCurrencies: deals.length - same.length,
    currency
  };
}

export class ForecastState {
  #deals: LiveQuery<Card[] | null>;
  readonly #stages: () => StageInfo[];

  constructor(db: FieldbookDb, stages: () => StageInfo[], isEnabled: () => boolean) {
    this.#stages = stages;
    this.#deals = new LiveQuery(() => {
      if (!isEnabled()) return null;
      return async () => (await opportunities(db).where('[_del+_sort]').between([0, Dexie.minKey], [0, Dexie.maxKey]).toArray()).map(slim);
    }, null);
  }

  get isLoading(): boolean {
    return this.#deals.current === null || this.#deals.isLoading;
  }

  get #dealList(): Card[] | null {
    return this.#deals.current;
  }

  get #stageList(): StageInfo[] {
    return this.#stages();
  }

  readonly view: ForecastView | null = $derived.by(() => {
    const deals = this.#dealList;
    return deals ? forecastOf(deals, this.#stageList, new Date().toISOString().slice(0, 10)) : null;
  });
}

// -- one opportunity -----------------------------------------------------------------------------------------------

export type OpportunityDraft = {
  name: string;
  stage: string;
  amount: string;
  currency: string;
  closeDate: string;
  probability: string;
  owner: string;
  nextStep: string;
  accountId: string;
  contactId: string;
  source: string;
  notes: string;
};

export const opportunityFieldAlias: Record<string, string> = { 'amount.amount': 'amount', 'amount.currency': 'currency', amount: 'amount' };

const addDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

export function blankOpportunityDraft(owner: string, extra: Partial<OpportunityDraft> = {}): OpportunityDraft {
  return {
    name: '',
    stage: 'prospecting',
    amount: '',
    currency: DEFAULT_CURRENCY,
    closeDate: addDays(30),
    probability: '',
    owner,
    nextStep: '',
    accountId: '',
    contactId: '',
    source: '',
    notes: '',
    ...extra
  };
}

export function opportunityToDraft(o: Opportunity): OpportunityDraft {
  return {
    name: o.name,
    stage: o.stage,
    amount: minorToInput(o.amount.amount, currencyDigits(o.amount.currency)),
    currency: o.amount.currency,
    closeDate: o.closeDate,
    probability: o.probability === null ? '' : String(o.probability),
    owner: o.owner,
    nextStep: o.nextStep,
    accountId: o.accountId,
    contactId: o.contactId,
    source: o.source,
    notes: o.notes
  };
}

/**
 * The patch an opportunity form saves (only changed fields). The amount is typed as a decimal and stored in minor
 * units; a blank probability means "use the stage's".
 */
export function opportunityPatch(origin: OpportunityDraft | null, draft: OpportunityDraft): { ok: true; value: RecordInput<'opportunity'> } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const currency = draft.currency.trim().toUpperCase();
  const digits = currencyDigits(currency);
  const amount = parseMoneyInput(draft.amount === '' ? '0' : draft.amount, digits);
  if (amount === null) errors.amount = digits === 0 ? 'Must be a whole amount, e.g. 150000' : `Must be an amount with at most ${digits} decimals, e.g. 150000.50`;
  const p = draft.probability.trim();
  const probability = p === '' ? null : Number(p);
  if (probability !== null && (!Number.isInteger(probability) || probability < 0 || probability > 100)) errors.probability = 'Must be a whole percent from 0 to 100, or blank';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const changed = new Set(origin ? changedFields(origin, draft) : (Object.keys(draft) as (keyof OpportunityDraft)[]));
  const patch: RecordInput<'opportunity'> = {};
  for (const key of ['name', 'stage', 'closeDate', 'owner', 'nextStep', 'accountId', 'contactId', 'source', 'notes'] as const) {
    if (changed.has(key)) patch[key] = key === 'notes' ? draft[key] : draft[key].trim();
  }
  if (changed.has('amount') || changed.has('currency')) patch.amount = { amount: amount!, currency } satisfies Money;
  if (changed.has('probability')) patch.probability = probability;
  return { ok: true, value: patch };
}

/** One opportunity, live, with the names of its account and contact. */
export class OpportunityDetailState {
  readonly ws: Workspace;
  #id: () => string;
  #row: LiveQuery<OpportunityRow | undefined | null>;

  constructor(ws: Workspace, id: () => string) {
    this.ws = ws;
    this.#id = id;
    this.#row = new LiveQuery(() => {
      const current = id();
      return () => recordById(ws.db, 'opportunity', current);
    }, null);
  }

  get id(): string {
    return this.#id();
  }

  get record(): OpportunityRow | undefined | null {
    return this.#row.current;
  }

  get isLoaded(): boolean {
    return this.#row.current !== null && !this.#row.isLoading;
  }

  /** Saves the form; a stage change through the form goes through the same move as the board. */
  async save(form: SalesForm<OpportunityDraft>, stages: readonly StageInfo[]): Promise<boolean> {
    const check = opportunityPatch(form.origin, form.draft);
    if (!check.ok) return form.reject(check.errors);
    return form.submit(async () => {
      const { stage, ...rest } = check.value;
      if (Object.keys(rest).length > 0) await updateRecord(this.ws, 'opportunity', this.id, rest);
      const target = stages.find((s) => s.id === stage);
      if (stage !== undefined && target) await moveOpportunity(this.ws, this.id, form.origin.stage, target);
      else if (stage !== undefined) await updateRecord(this.ws, 'opportunity', this.id, { stage });
    });
  }

  close(outcome: 'won' | 'lost', reason: string): Promise<void> {
    return closeOpportunity(this.ws, this.id, outcome, reason);
  }

  /** Back into the pipeline after a close: the chosen open stage, no close time. */
  reopen(stage: string): Promise<unknown> {
    return updateRecord(this.ws, 'opportunity', this.id, { stage, closedAt: null });
  }

  remove(): Promise<void> {
    return deleteRecord(this.ws, 'opportunity', this.id);
  }
}

/** Creates an opportunity from the new-opportunity form. */
export async function createOpportunity(ws: Workspace, form: SalesForm<OpportunityDraft>): Promise<string | null> {
  const check = opportunityPatch(null, form.draft);
  if (!check.ok) {
    form.reject(check.errors);
    return null;
  }
  let id: string | null = null;
  await form.submit(async () => {
    id = (await createRecord(ws, 'opportunity', check.value)).id;
  });
  return id;
}
