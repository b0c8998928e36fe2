// Leads as rune state: the filtered list, one lead with its live score, the scoring rule the user edits, and conversion.
import Dexie, { type Table } from 'dexie';
import { convertLead, createRecord, updateRecord, type ConvertLeadOptions, type ConvertLeadResult, type RecordInput } from '$lib/core/commands';
import { leadSources, leadStatuses, type Lead } from '$lib/core/model/lead';
import { opportunitySchema } from '$lib/core/model/opportunity';
import { currencyDigits, minorToInput, parseMoneyInput } from '$lib/core/sales/board';
import { normaliseName } from '$lib/core/sales/duplicates';
import { defaultScoringRule, scoreLead, type LeadScore, type ScoreCondition, type ScoringRule } from '$lib/core/sales/lead-scoring';
import type { FieldbookDb } from '$lib/core/storage/db';
import { recordById, searchPrefix, type RowOf } from '$lib/core/storage/queries';
import type { Workspace } from '$lib/core/sync/workspace';
import { LiveQuery } from './records.svelte';
import { changedFields } from './sales.svelte';

export type LeadStatus = (typeof leadStatuses)[number];
export type LeadSource = (typeof leadSources)[number];
export type LeadRow = RowOf<'lead'>;
export type LeadSort = 'newest' | 'name';

/** The meta key of this device's scoring rule (the default rule until the user changes it). */
export const SCORING_RULE_KEY = 'leadScoringRule';
/** The list reads at most this many leads at once; search or a filter narrows the rest. */
export const LEAD_LIST_CAP = 2000;
/** Budgets in lead facts are kept in minor units of this currency (the default scoring rule's threshold is NPR). */
export const LEAD_CURRENCY = 'NPR';
const DEBOUNCE_MS = 80;

const byName = (a: LeadRow, b: LeadRow) => (a._sort < b._sort ? -1 : a._sort > b._sort ? 1 : a.id < b.id ? -1 : 1);
/** Ids are UUIDv7, so id order is creation order: newest first needs no date index. */
const byNewest = (a: LeadRow, b: LeadRow) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export type LeadQuery = { status: LeadStatus | 'all'; source: LeadSource | 'all'; text: string; sort: LeadSort };
export type LeadPage = { rows: LeadRow[]; isCapped: boolean };

/**
 * The leads a filter asks for, each path on an index: a search on `_terms`, a status on `[status+_del]`, a source on
 * `source`, everything on the primary key (newest) or `[_del+_sort]` (by name). Other filters apply in memory to the
 * narrowed set.
 */
export async function queryLeads(db: FieldbookDb, q: LeadQuery): Promise<LeadPage> {
  const t = db.rows('lead') as unknown as Table<LeadRow, string>;
  const keep = (r: LeadRow) => r._del === 0 && (q.status === 'all' || r.status === q.status) && (q.source === 'all' || r.source === q.source);
  let rows: LeadRow[];
  if (q.text.trim()) rows = (await searchPrefix(db, 'lead', q.text, LEAD_LIST_CAP + 1)).filter(keep);
  else if (q.status !== 'all') rows = (await t.where('[status+_del]').equals([q.status, 0]).limit(LEAD_LIST_CAP + 1).toArray()).filter(keep);
  else if (q.source !== 'all') rows = await t.where('source').equals(q.source).filter(keep).limit(LEAD_LIST_CAP + 1).toArray();
  else if (q.sort === 'newest') rows = await t.reverse().filter((r) => r._del === 0).limit(LEAD_LIST_CAP + 1).toArray();
  else rows = await t.where('[_del+_sort]').between([0, Dexie.minKey], [0, Dexie.maxKey]).limit(LEAD_LIST_CAP + 1).toArray();
  const isCapped = rows.length > LEAD_LIST_CAP;
  return { rows: rows.sort(q.sort === 'name' ? byName : byNewest).slice(0, LEAD_LIST_CAP), isCapped };
}

/** The lead list screen: status and source filters, search as you type, sort; live. */
export class LeadListState {
  status = $state<LeadStatus | 'all'>('all');
  source = $state<LeadSource | 'all'>('all');
  sort = $state<LeadSort>('newest');
  #query = $state('');
  #debounced = $state('');
  #timer: ReturnType<typeof setTimeout> | undefined;
  #page: LiveQuery<LeadPage | null>;

  readonly searchText = $derived(this.#debounced.trim());
  /** Changes whenever the list starts over: the windowed list goes back to the top. */
  readonly viewKey = $derived(`${this.searchText}|${this.status}|${this.source}|${this.sort}`);

  constructor(db: FieldbookDb) {
    this.#page = new LiveQuery(() => {
      const q: LeadQuery = { status: this.status, source: this.source, text: this.searchText, sort: this.sort };
      return () => queryLeads(db, q);
    }, null);
  }

  get query(): string {
    return this.#query;
  }

  /** Typing searches after a short pause; clearing the box shows the list at once. */
  set query(value: string) {
    this.#query = value;
    clearTimeout(this.#timer);
    if (value.trim() === '') this.#debounced = '';
    else this.#timer = setTimeout(() => (this.#debounced = value), DEBOUNCE_MS);
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#debounced = this.#query;
  }

  get rows(): LeadRow[] {
    return this.#page.current?.rows ?? [];
  }

  get isCapped(): boolean {
    return this.#page.current?.isCapped ?? false;
  }

  get isLoaded(): boolean {
    return this.#page.current !== null;
  }

  get isLoading(): boolean {
    return this.#page.isLoading || this.#debounced !== this.#query;
  }

  get isFiltered(): boolean {
    return this.status !== 'all' || this.source !== 'all' || this.searchText !== '';
  }

  get error(): Error | null {
    return this.#page.error;
  }
}

// -- scoring rule --------------------------------------------------------------------------------------------------

const isCondition = (c: unknown): c is ScoreCondition =>
  !!c && typeof c === 'object' && typeof (c as ScoreCondition).field === 'string' && typeof (c as ScoreCondition).points === 'number' && typeof (c as ScoreCondition).label === 'string';

/** The stored rule, or the default one when none is stored or what is stored is not a rule (meta is not schema-checked). */
export function asScoringRule(value: unknown): ScoringRule {
  const r = value as Partial<ScoringRule> | undefined;
  if (!r || !Array.isArray(r.fit) || !Array.isArray(r.engagement) || typeof r.qualifyAt !== 'number') return defaultScoringRule;
  if (!r.fit.every(isCondition) || !r.engagement.every(isCondition)) return defaultScoringRule;
  return r as ScoringRule;
}

/** This device's scoring rule, live (a change in the dialog re-scores every open lead at once). */
export class ScoringRuleState {
  #rule: LiveQuery<ScoringRule | null>;
  readonly #db: FieldbookDb;

  constructor(db: FieldbookDb) {
    this.#db = db;
    this.#rule = new LiveQuery(() => async () => asScoringRule(await db.getMeta(SCORING_RULE_KEY)), null);
  }

  get rule(): ScoringRule {
    return this.#rule.current ?? defaultScoringRule;
  }

  get isLoaded(): boolean {
    return this.#rule.current !== null;
  }

  async save(rule: ScoringRule): Promise<void> {
    await this.#db.setMeta(SCORING_RULE_KEY, rule);
  }

  async restoreDefault(): Promise<void> {
    await this.#db.meta.delete(SCORING_RULE_KEY);
  }
}

/** The lead as the scoring rule reads it: its fields plus derived counts (`interactions.count`). */
export function scoreOf(lead: Lead, interactionCount: number, rule: ScoringRule): LeadScore {
  return scoreLead({ ...lead, interactions: { count: interactionCount } }, rule);
}

// -- one lead ------------------------------------------------------------------------------------------------------

export type AccountMatch = { id: string; name: string } | null;

/** The live account whose normalised name equals the company's: the same match `convertLead` makes. */
export async function findAccountMatch(db: FieldbookDb, company: string): Promise<AccountMatch> {
  const key = normaliseName(company);
  if (!key) return null;
  const candidates = (await db.rows('account').where('_terms').equals(key.split(' ')[0]).toArray()) as RowOf<'account'>[];
  const match = candidates.find((a) => !a.deletedAt && normaliseName(a.name) === key);
  return match ? { id: match.id, name: match.name } : null;
}

/** One lead, live, with its interaction count (the scoring rule can read it) and its conversion links. */
export class LeadDetailState {
  readonly ws: Workspace;
  #id: () => string;
  #lead: LiveQuery<LeadRow | undefined | null>;
  #interactions: LiveQuery<number>;
  #links: LiveQuery<{ contact: string; account: string; opportunity: string } | null>;

  constructor(ws: Workspace, id: () => string) {
    this.ws = ws;
    this.#id = id;
    this.#lead = new LiveQuery(() => {
      const current = id();
      return () => recordById(ws.db, 'lead', current);
    }, null);
    this.#interactions = new LiveQuery(() => {
      const current = id();
      return () => ws.db.rows('interaction').where('[leadId+at]').between([current, Dexie.minKey], [current, Dexie.maxKey]).count();
    }, 0);
    this.#links = new LiveQuery(() => {
      const lead = this.lead;
      if (!lead || lead.status !== 'converted') return null;
      const { convertedContactId: c, convertedAccountId: a, convertedOpportunityId: o } = lead;
      return async () => {
        const [contact, account, opportunity] = await Promise.all([
          c ? ws.db.rows('contact').get(c) : undefined,
          a ? ws.db.rows('account').get(a) : undefined,
          o ? ws.db.rows('opportunity').get(o) : undefined
        ]);
        const person = contact as RowOf<'contact'> | undefined;
        return {
          contact: person ? [person.firstName, person.lastName].filter(Boolean).join(' ') || person.email : '',
          account: (account as RowOf<'account'> | undefined)?.name ?? '',
          opportunity: (opportunity as RowOf<'opportunity'> | undefined)?.name ?? ''
        };
      };
    }, null);
  }

  get id(): string {
    return this.#id();
  }

  /** The lead (deleted ones too), undefined when there is none with this id, null until read. */
  get lead(): LeadRow | undefined | null {
    return this.#lead.current;
  }

  get isLoaded(): boolean {
    return this.#lead.current !== null && !this.#lead.isLoading;
  }

  get interactionCount(): number {
    return this.#interactions.current;
  }

  /** Names of the records a converted lead became (empty strings while they load or when one is missing). */
  get links(): { contact: string; account: string; opportunity: string } | null {
    return this.#links.current;
  }

  save(patch: RecordInput<'lead'>): Promise<unknown> {
    return updateRecord(this.ws, 'lead', this.id, patch);
  }

  convert(options: ConvertLeadOptions): Promise<ConvertLeadResult> {
    return convertLead(this.ws, this.id, options);
  }
}

// -- the lead form ---------------------------------------------------------------------------------------------------

/** What the lead form edits: text boxes as strings; facts the default rule reads get their own fields. */
export type LeadDraft = {
  firstName: string;
  lastName: string;
  company: string;
  title: string;
  email: string;
  phone: string;
  source: string;
  status: string;
  disqualifiedReason: string;
  employees: string;
  budget: string;
  interest: string;
  consentEmail: boolean;
  notes: string;
};

export const blankLeadDraft: LeadDraft = {
  firstName: '',
  lastName: '',
  company: '',
  title: '',
  email: '',
  phone: '',
  source: 'other',
  status: 'new',
  disqualifiedReason: '',
  employees: '',
  budget: '',
  interest: '',
  consentEmail: false,
  notes: ''
};

/** Schema paths shown by another input of the lead form. */
export const leadFieldAlias: Record<string, string> = { consent: 'consentEmail', 'facts.employees': 'employees', 'facts.budget': 'budget' };

export function leadToDraft(l: Lead): LeadDraft {
  const fact = (k: string) => l.facts[k];
  return {
    firstName: l.firstName,
    lastName: l.lastName,
    company: l.company,
    title: l.title,
    email: l.email,
    phone: l.phone,
    source: l.source,
    status: l.status,
    disqualifiedReason: l.disqualifiedReason,
    employees: typeof fact('employees') === 'number' ? String(fact('employees')) : '',
    budget: typeof fact('budget') === 'number' ? minorToInput(fact('budget') as number, currencyDigits(LEAD_CURRENCY)) : '',
    interest: typeof fact('interest') === 'string' ? (fact('interest') as string) : '',
    consentEmail: l.consent.email,
    notes: l.notes
  };
}

export type DraftCheck<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/**
 * The patch a lead form saves: only changed fields. Facts are merged into the lead's other facts, and consent carries
 * when it was given. Numbers typed as text are checked here (the schema stores facts as open values).
 */
export function leadPatch(lead: Pick<Lead, 'facts' | 'consent'> | null, origin: LeadDraft, draft: LeadDraft): DraftCheck<RecordInput<'lead'>> {
  const errors: Record<string, string> = {};
  const employees = draft.employees.trim() === '' ? null : Number(draft.employees.replace(/[\s,]/g, ''));
  if (employees !== null && (!Number.isInteger(employees) || employees < 0)) errors.employees = 'Must be a whole number';
  const budget = draft.budget.trim() === '' ? null : parseMoneyInput(draft.budget, currencyDigits(LEAD_CURRENCY));
  if (draft.budget.trim() !== '' && budget === null) errors.budget = 'Must be an amount, e.g. 150000 or 1,50,000.50';
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const changed = new Set(changedFields(origin, draft));
  const patch: RecordInput<'lead'> = {};
  for (const key of ['firstName', 'lastName', 'company', 'title', 'email', 'phone', 'disqualifiedReason', 'notes'] as const) {
    if (changed.has(key)) patch[key] = draft[key].trim() === '' ? '' : key === 'notes' ? draft[key] : draft[key].trim();
  }
  if (changed.has('source')) patch.source = draft.source as LeadSource;
  if (changed.has('status')) patch.status = draft.status as LeadStatus;
  if (changed.has('employees') || changed.has('budget') || changed.has('interest')) {
    const facts = { ...(lead?.facts ?? {}) };
    const put = (k: string, v: string | number | null) => {
      if (v === null || v === '') delete facts[k];
      else facts[k] = v;
    };
    put('employees', employees);
    put('budget', budget);
    put('interest', draft.interest.trim());
    patch.facts = facts;
  }
  if (changed.has('consentEmail')) {
    const consent = lead?.consent ?? { email: false, sms: false, phone: false, at: '' };
    patch.consent = { ...consent, email: draft.consentEmail, at: draft.consentEmail ? new Date().toISOString() : consent.at };
  }
  return { ok: true, value: patch };
}

/** What the new-lead form creates (every field counts as changed against a blank draft), or the fields to fix. */
export function newLeadInput(draft: LeadDraft): DraftCheck<RecordInput<'lead'>> {
  const check = leadPatch(null, { ...blankLeadDraft, source: '', status: '', consentEmail: !draft.consentEmail }, draft);
  return check.ok ? { ok: true, value: { ...check.value, capturedAt: new Date().toISOString() } } : check;
}

export async function createLead(ws: Workspace, input: RecordInput<'lead'>): Promise<string> {
  return (await createRecord(ws, 'lead', input)).id;
}

// -- conversion ----------------------------------------------------------------------------------------------------

export type ConversionDeal = { name: string; amount: string; closeDate: string };

/**
 * Checks the deal a conversion creates before anything is written: `convertLead` creates the account and contact
 * first, so a deal rejected by the schema half-way would leave a half-converted lead behind.
 */
export function checkConversionDeal(d: ConversionDeal, currency = LEAD_CURRENCY): DraftCheck<NonNullable<ConvertLeadOptions['createOpportunity']>> {
  const amount = parseMoneyInput(d.amount === '' ? '0' : d.amount, currencyDigits(currency));
  const r = opportunitySchema.pick({ name: true, closeDate: true }).safeParse({ name: d.name, closeDate: d.closeDate });
  const errors: Record<string, string> = {};
  if (!r.success) for (const i of r.error.issues) errors[String(i.path[0])] ??= i.message.charAt(0).toUpperCase() + i.message.slice(1);
  if (amount === null) errors.amount = 'Must be an amount, e.g. 150000 or 1,50,000.50';
  if (Object.keys(errors).length > 0 || amount === null || !r.success) return { ok: false, errors };
  return { ok: true, value: { name: r.data.name, amount, currency, closeDate: r.data.closeDate } };
}
