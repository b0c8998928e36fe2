// Quotes as rune state: the list, one quote live with its customer, opportunity and revisions, and the quote commands (send, accept, decline, revise).
import Dexie from 'dexie';
import { acceptQuote, createRecord, deleteRecord, restoreRecord, reviseQuote, updateRecord, type RecordInput } from '$lib/core/commands';
import type { FieldbookDb } from '$lib/core/storage/db';
import { recordById, searchPrefix, type RowOf } from '$lib/core/storage/queries';
import type { Workspace } from '$lib/core/sync/workspace';
import { quoteStatuses } from '$lib/core/model/quote';
import { LiveQuery } from './records.svelte';
import { toasts } from './toasts.svelte';

export type QuoteRow = RowOf<'quote'>;
export type QuoteStatus = (typeof quoteStatuses)[number];
export const QUOTE_LIST_LIMIT = 300;

/** The letterhead of printed quotes: Settings may store one under `settings:company`; the demo company otherwise. */
export type CompanyProfile = { name: string; address: string; phone: string; email: string; taxId: string };
export const defaultCompany: CompanyProfile = {
  name: 'Himal Electronics',
  address: 'New Road, Kathmandu 44600, Nepal',
  phone: '+977 1-4221234',
  email: 'sales@himal-electronics.example',
  taxId: 'PAN 301234567'
};

export async function companyProfile(db: FieldbookDb): Promise<CompanyProfile> {
  const stored = await db.getMeta<Partial<CompanyProfile> | string>('settings:company');
  if (typeof stored === 'string' && stored.trim()) return { ...defaultCompany, name: stored.trim(), address: '', phone: '', email: '', taxId: '' };
  if (stored && typeof stored === 'object') return { ...defaultCompany, ...stored };
  return defaultCompany;
}

/** Quote numbers already used in a year's series (revisions share theirs), on the `number` index. */
export async function takenQuoteNumbers(db: FieldbookDb, year: number): Promise<string[]> {
  return (await db.rows('quote').where('number').startsWith(`Q-${year}-`).keys()) as string[];
}

/** What a quote made from an opportunity starts with: the deal's name, customer and currency. */
export async function quoteDefaultsFor(db: FieldbookDb, opportunityId: string): Promise<{ opportunityId: string; accountId: string; contactId: string; title: string; currency: string } | null> {
  if (!opportunityId) return null;
  const o = await recordById(db, 'opportunity', opportunityId);
  if (!o || o._del) return null;
  return { opportunityId: o.id, accountId: o.accountId, contactId: o.contactId, title: o.name, currency: o.amount.currency };
}

export class QuoteListState {
  query = $state('');
  status = $state<QuoteStatus | ''>('');
  readonly #rows: LiveQuery<QuoteRow[] | null>;
  readonly #accounts: LiveQuery<Map<string, string>>;

  constructor(db: FieldbookDb) {
    this.#rows = new LiveQuery(() => {
      const text = this.query.trim();
      const status = this.status;
      if (text) return () => searchPrefix(db, 'quote', text, QUOTE_LIST_LIMIT + 1);
      if (status) return async () => ((await db.rows('quote').where('[status+_del]').equals([status, 0]).toArray()) as QuoteRow[]).sort((a, b) => b._sort.localeCompare(a._sort));
      // Newest number first: the series counts up, so reversed name order is date order.
      return () => db.rows('quote').where('[_del+_sort]').between([0, Dexie.minKey], [0, Dexie.maxKey]).reverse().limit(QUOTE_LIST_LIMIT + 1).toArray() as unknown as Promise<QuoteRow[]>;
    }, null);
    this.#accounts = new LiveQuery(() => {
      const ids = [...new Set((this.#rows.current ?? []).map((q) => q.accountId).filter(Boolean))];
      return async () => {
        const rows = (await db.rows('account').bulkGet(ids)) as (RowOf<'account'> | undefined)[];
        return new Map(rows.filter((a): a is RowOf<'account'> => !!a).map((a) => [a.id, a.name]));
      };
    }, new Map());
  }

  get rows(): QuoteRow[] | null {
    const rows = this.#rows.current;
    if (!rows) return null;
    return rows.filter((q) => !this.status || q.status === this.status).slice(0, QUOTE_LIST_LIMIT);
  }

  get hasMore(): boolean {
    return (this.#rows.current?.length ?? 0) > QUOTE_LIST_LIMIT;
  }

  accountName(id: string): string {
    return this.#accounts.current.get(id) ?? '';
  }

  get isLoading(): boolean {
    return this.#rows.isLoading;
  }

  get error(): Error | null {
    return this.#rows.error;
  }
}

export type QuoteParties = {
  account: RowOf<'account'> | null;
  contact: RowOf<'contact'> | null;
  opportunity: RowOf<'opportunity'> | null;
};

/** One quote, live, with the records it names and its sibling revisions; every change goes through a command. */
export class QuoteState {
  readonly ws: Workspace;
  readonly #id: () => string | null;
  readonly #record: LiveQuery<QuoteRow | undefined | null>;
  readonly #parties: LiveQuery<QuoteParties>;
  readonly #revisions: LiveQuery<QuoteRow[]>;

  constructor(ws: Workspace, id: () => string | null) {
    this.ws = ws;
    this.#id = id;
    const db = ws.db;
    this.#record = new LiveQuery(() => {
      const current = id();
      if (!current) return null;
      return () => recordById(db, 'quote', current);
    }, null);
    this.#parties = new LiveQuery(
      () => {
        const q = this.record;
        if (!q) return null;
        const { accountId, contactId, opportunityId } = q;
        return async () => {
          const [account, contact, opportunity] = await Promise.all([
            accountId ? recordById(db, 'account', accountId) : undefined,
            contactId ? recordById(db, 'contact', contactId) : undefined,
            opportunityId ? recordById(db, 'opportunity', opportunityId) : undefined
          ]);
          return { account: account ?? null, contact: contact ?? null, opportunity: opportunity ?? null };
        };
      },
      { account: null, contact: null, opportunity: null }
    );
    this.#revisions = new LiveQuery(() => {
      const number = this.record?.number;
      if (!number) return null;
      return async () => ((await db.rows('quote').where('number').equals(number).toArray()) as QuoteRow[]).filter((q) => q._del === 0).sort((a, b) => a.revision - b.revision);
    }, []);
  }

  get id(): string | null {
    return this.#id();
  }

  /** The quote (deleted ones too); undefined when there is none with this id; null while loading or for a new one. */
  get record(): QuoteRow | undefined | null {
    return this.#id() ? this.#record.current : null;
  }

  get isLoading(): boolean {
    return this.#record.isLoading;
  }

  get parties(): QuoteParties {
    return this.#parties.current;
  }

  /** Every live revision with this quote's number, oldest first (this one included). */
  get revisions(): QuoteRow[] {
    return this.#revisions.current;
  }

  create(input: RecordInput<'quote'>): Promise<RowOf<'quote'>> {
    return createRecord(this.ws, 'quote', input) as Promise<RowOf<'quote'>>;
  }

  async save(patch: RecordInput<'quote'>): Promise<void> {
    const id = this.#id();
    if (id) await updateRecord(this.ws, 'quote', id, patch);
  }

  async markSent(): Promise<void> {
    const id = this.#id();
    if (!id) return;
    await updateRecord(this.ws, 'quote', id, { status: 'sent', sentAt: new Date().toISOString() });
    toasts.show('Quote marked as sent', { tone: 'success' });
  }

  async decline(): Promise<void> {
    const id = this.#id();
    if (!id) return;
    await updateRecord(this.ws, 'quote', id, { status: 'declined', decidedAt: new Date().toISOString() });
    toasts.show('Quote marked as declined');
  }

  /** Accepts the quote; optionally wins its opportunity and creates the order. Returns the order id ('' when none). */
  async accept(options: { markWon: boolean; createOrder: boolean }): Promise<string> {
    const id = this.#id();
    if (!id) return '';
    const { orderId } = await acceptQuote(this.ws, id, options);
    const done = ['Quote accepted', options.markWon && this.record?.opportunityId ? 'opportunity won' : '', orderId ? 'order created' : ''].filter(Boolean);
    toasts.show(done.join(', '), { tone: 'success' });
    return orderId;
  }

  /** A new draft revision with the same number and lines; returns its id. */
  async revise(): Promise<string> {
    const id = this.#id();
    if (!id) return '';
    const next = await reviseQuote(this.ws, id);
    toasts.show(`Revision ${next.revision} created`, { tone: 'success' });
    return next.id;
  }

  async remove(label: string): Promise<void> {
    const id = this.#id();
    if (!id) return;
    await deleteRecord(this.ws, 'quote', id);
    toasts.show(`${label} deleted`, { action: { label: 'Undo', run: () => restoreRecord(this.ws, 'quote', id) } });
  }

  async restore(label: string): Promise<void> {
    const id = this.#id();
    if (!id) return;
    await restoreRecord(this.ws, 'quote', id);
    toasts.show(`${label} restored`, { tone: 'success' });
  }
}
