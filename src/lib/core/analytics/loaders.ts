// Gathers the analytics inputs from the read model: each table read in primary-key chunks and slimmed to the fields models use.
import type { CollectionName } from '../model/registry';
import type { StageInfo } from '../sales/pipeline';
import type { FieldbookDb } from '../storage/db';
import type { AccountInput, ContactInput, OrderInput, OrderLineInput, ProductInput } from './datasets';

/** An order line as analytics keeps it (no description: names live once in {@link AnalyticsInputs.itemNames}). */
export type AnalyticsLine = Required<Pick<OrderLineInput, 'productId' | 'sku' | 'category' | 'quantity' | 'unitPrice' | 'unitCost' | 'discountPct'>>;
export type AnalyticsOrder = Omit<OrderInput, 'lines'> & {
  number: string;
  status: string;
  contactId: string;
  accountId: string;
  externalCustomerId: string;
  currency: string;
  channel: string;
  region: string;
  owner: string;
  lines: AnalyticsLine[];
};
export type AnalyticsProduct = ProductInput & { name: string; sku: string; category: string; unitCost: number };
export type AnalyticsContact = ContactInput & {
  name: string;
  accountId: string;
  owner: string;
  createdAt: string;
  preferredChannel: string;
  source: string;
  address: { region: string; country: string };
};
export type AnalyticsAccount = AccountInput & { name: string; region: string; tier: string; kind: string; owner: string; address: { region: string; country: string } };
/** Fits the profitability (CostInteraction) and campaign (CampaignInteraction) inputs. */
export type AnalyticsInteraction = { contactId: string; accountId: string; channel: string; direction: string; at: string; outcome: string; campaignId: string };
/** Fits the anomaly (AnomalyTicket) and profitability (CostTicket) inputs. */
export type AnalyticsTicket = { contactId: string; accountId: string; productId: string; orderId: string; kind: string; createdAt: string };
export type AnalyticsCampaign = { id: string; name: string; channel: string; messages: { id: string; name: string; sentAt: string | null }[] };
/** A deal as the pipeline forecast reads it. */
export type AnalyticsDeal = { id: string; stage: string; amount: { amount: number; currency: string }; closeDate: string; probability: number | null; owner: string };
export type AnalyticsUser = { id: string; name: string };

/** Everything the analytics pages read, by collection; a page loads only the collections it needs. */
export type AnalyticsInputs = {
  order: AnalyticsOrder[];
  product: AnalyticsProduct[];
  contact: AnalyticsContact[];
  account: AnalyticsAccount[];
  interaction: AnalyticsInteraction[];
  ticket: AnalyticsTicket[];
  campaign: AnalyticsCampaign[];
  opportunity: AnalyticsDeal[];
  stage: StageInfo[];
  user: AnalyticsUser[];
};
export type AnalyticsCollection = keyof AnalyticsInputs;
export const analyticsCollections = ['order', 'product', 'contact', 'account', 'interaction', 'ticket', 'campaign', 'opportunity', 'stage', 'user'] as const satisfies readonly (AnalyticsCollection & CollectionName)[];

/** What was read, with the stamp of each collection at the time (see {@link collectionStamps}). */
export type LoadedInputs = {
  data: Partial<AnalyticsInputs>;
  stamps: Partial<Record<AnalyticsCollection, string>>;
  /** Product names by product id and by SKU (from product records, else the first order-line description seen). */
  itemNames: Map<string, string>;
};

export type LoadProgress = { phase: string; done: number; total: number };

export type LoadOptions = {
  /** Rows per read (default 2,000): one IndexedDB request each, so a read never holds the thread for long. */
  chunkSize?: number;
  onProgress?: (progress: LoadProgress) => void;
  signal?: AbortSignal;
  /** Awaited between chunks (default: a macrotask) so messages such as a cancel are handled while reading. */
  pause?: () => Promise<void>;
  /** What was read before: collections whose stamp has not changed are reused, not read again. */
  previous?: LoadedInputs;
};

type Row = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const phaseNames: Record<AnalyticsCollection, string> = {
  order: 'orders',
  product: 'products',
  contact: 'contacts',
  account: 'accounts',
  interaction: 'interactions',
  ticket: 'tickets',
  campaign: 'campaigns',
  opportunity: 'deals',
  stage: 'stages',
  user: 'team members'
};

/**
 * Reads every live row of a read-model table in chunks of `chunkSize` by primary key (`where(':id').above(last)`),
 * keeping what `pick` returns. Key ranges rather than offsets: an offset makes IndexedDB walk past every skipped row,
 * so a table read by offset costs O(n²). Deleted rows (`_del`) are left out; `onChunk` hears how many rows each chunk had.
 */
export async function readRows<T>(db: FieldbookDb, name: CollectionName, pick: (row: Row) => T | undefined, options: LoadOptions & { onChunk?: (read: number) => void } = {}): Promise<T[]> {
  const table = db.rows(name);
  const size = Math.max(1, options.chunkSize ?? 2_000);
  const pause = options.pause ?? macrotask;
  const out: T[] = [];
  let last: string | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    const chunk = last === undefined ? await table.orderBy(':id').limit(size).toArray() : await table.where(':id').above(last).limit(size).toArray();
    for (const row of chunk) {
      if (row._del === 1) continue;
      const picked = pick(row);
      if (picked !== undefined) out.push(picked);
    }
    options.onChunk?.(chunk.length);
    if (chunk.length < size) break;
    last = chunk[chunk.length - 1].id as string;
    await pause();
  }
  return out;
}

/** The named fields of a row as strings: '' where a field is missing or not a string (stored rows may predate a field). */
function texts<const K extends string>(row: Row, keys: readonly K[]): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const k of keys) out[k] = str(row[k]);
  return out;
}

/** The named fields of a row as finite numbers, 0 where missing. */
function numbers<const K extends string>(row: Row, keys: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of keys) out[k] = num(row[k]);
  return out;
}

/** Fractional-index order (`position` strings), as the board and the campaign editor show it. */
const byPosition = (a: { position?: unknown }, b: { position?: unknown }): number => {
  const [pa, pb] = [str(a.position), str(b.position)];
  return pa < pb ? -1 : pa > pb ? 1 : 0;
};

const pickLine = (l: Row): AnalyticsLine => ({ ...texts(l, ['productId', 'sku', 'category']), ...numbers(l, ['quantity', 'unitPrice', 'unitCost', 'discountPct']) });

const addressOf = (v: unknown): { region: string; country: string } => texts((v ?? {}) as Row, ['region', 'country']);

/** Product names from order lines, for items sold without a product record; a name already known is kept. */
function collectLineNames(lines: readonly Row[], names: Map<string, string>): void {
  for (const l of lines) {
    const description = str(l.description);
    const key = str(l.productId) || str(l.sku);
    if (description && key && !names.has(key)) names.set(key, description);
  }
}

/**
 * The slim shape of each collection's rows; `names` collects product names (product records, else order-line
 * descriptions). Exported so records held in memory (generated demo data in tests) can be slimmed the same way.
 */
export function pickerOf(name: AnalyticsCollection, names: Map<string, string>): (row: Row) => unknown {
  switch (name) {
    case 'order':
      return (r) => {
        const lines = Array.isArray(r.lines) ? (r.lines as Row[]) : [];
        collectLineNames(lines, names);
        return {
          ...texts(r, ['id', 'number', 'orderedAt', 'contactId', 'accountId', 'externalCustomerId', 'currency', 'channel', 'region', 'owner']),
          status: str(r.status) || 'placed',
          lines: lines.map(pickLine)
        } satisfies AnalyticsOrder;
      };
    case 'product':
      return (r) => {
        const p: AnalyticsProduct = { ...texts(r, ['id', 'name', 'sku', 'category']), unitCost: num(r.unitCost) };
        // Product records name their products better than any order line does.
        names.set(p.id, p.name);
        if (p.sku) names.set(p.sku, p.name);
        return p;
      };
    case 'contact':
      return (r) =>
        ({
          ...texts(r, ['id', 'accountId', 'owner', 'createdAt', 'preferredChannel', 'source']),
          name: [str(r.firstName), str(r.lastName)].filter(Boolean).join(' ') || str(r.email),
          address: addressOf(r.address)
        }) satisfies AnalyticsContact;
    case 'account':
      return (r) => ({ ...texts(r, ['id', 'name', 'region', 'tier', 'kind', 'owner']), address: addressOf(r.address) }) satisfies AnalyticsAccount;
    case 'interaction':
      return (r) => texts(r, ['contactId', 'accountId', 'channel', 'direction', 'at', 'outcome', 'campaignId']) satisfies AnalyticsInteraction;
    case 'ticket':
      return (r) => texts(r, ['contactId', 'accountId', 'productId', 'orderId', 'kind', 'createdAt']) satisfies AnalyticsTicket;
    case 'campaign':
      return (r) =>
        ({
          ...texts(r, ['id', 'name', 'channel']),
          messages: (Array.isArray(r.messages) ? (r.messages as Row[]) : [])
            .slice()
            .sort(byPosition)
            .map((m) => ({ ...texts(m, ['id', 'name']), sentAt: str(m.sentAt) || null }))
        }) satisfies AnalyticsCampaign;
    case 'opportunity':
      return (r) => {
        const amount = (r.amount ?? {}) as Row;
        return {
          ...texts(r, ['id', 'stage', 'closeDate', 'owner']),
          amount: { amount: num(amount.amount), currency: str(amount.currency) },
          probability: typeof r.probability === 'number' ? r.probability : null
        } satisfies AnalyticsDeal;
      };
    case 'stage':
      return (r) =>
        ({ ...texts(r, ['id', 'name', 'position']), probability: num(r.probability), outcome: (str(r.outcome) || 'open') as StageInfo['outcome'] }) satisfies StageInfo;
    case 'user':
      return (r) => ({ id: str(r.id), name: str(r.name) || str(r.email) || str(r.id) }) satisfies AnalyticsUser;
  }
}

/** Stages in board order (fractional-index positions). */
export const sortStages = (stages: readonly StageInfo[]): StageInfo[] => [...stages].sort(byPosition);

/**
 * A stamp per collection that changes whenever a record of it is written: the number of its docs and the latest
 * `changedAt` in the doc manifest (every write, local or remote, updates its doc's row; compaction keeps changedAt).
 * One small indexed query, so it is cheap to ask before every page.
 */
export async function collectionStamps(db: FieldbookDb, names: readonly AnalyticsCollection[] = analyticsCollections): Promise<Record<AnalyticsCollection, string>> {
  const docs = await db.docs.where('collection').anyOf([...names]).toArray();
  const acc = new Map<string, { n: number; at: number }>();
  for (const d of docs) {
    const a = acc.get(d.collection) ?? { n: 0, at: 0 };
    a.n++;
    if (d.changedAt > a.at) a.at = d.changedAt;
    acc.set(d.collection, a);
  }
  const out = {} as Record<AnalyticsCollection, string>;
  for (const name of names) {
    const a = acc.get(name);
    out[name] = a ? `${a.n}:${a.at}` : '0:0';
  }
  return out;
}

/** One string for a set of stamps: equal exactly when no collection among them changed. */
export const stampKey = (stamps: Partial<Record<AnalyticsCollection, string>>, names: readonly AnalyticsCollection[] = analyticsCollections): string =>
  names.map((n) => `${n}=${stamps[n] ?? '?'}`).join(';');

/**
 * Reads the named collections (slimmed, live rows only), reusing `previous` for every collection whose stamp is
 * unchanged. Progress counts rows read against the stored counters (an estimate until the read ends). Product names
 * come from product records and order-line descriptions.
 */
export async function loadAnalyticsInputs(db: FieldbookDb, names: readonly AnalyticsCollection[], options: LoadOptions = {}): Promise<LoadedInputs> {
  const stamps = await collectionStamps(db, names);
  const prev = options.previous;
  const data: Partial<AnalyticsInputs> = { ...(prev?.data ?? {}) };
  const allStamps: Partial<Record<AnalyticsCollection, string>> = { ...(prev?.stamps ?? {}) };
  const itemNames = prev ? new Map(prev.itemNames) : new Map<string, string>();
  const toRead = names.filter((n) => !prev || prev.stamps[n] !== stamps[n] || prev.data[n] === undefined);
  // Products first, so their names win over order-line descriptions.
  toRead.sort((a, b) => (a === 'product' ? -1 : b === 'product' ? 1 : 0));
  const counts = await Promise.all(toRead.map((n) => db.counter(n)));
  const total = counts.reduce((s, c) => s + c.live + c.deleted, 0);
  let done = 0;
  for (const name of toRead) {
    const phase = `Reading ${phaseNames[name]}`;
    options.onProgress?.({ phase, done, total });
    const rows = await readRows(db, name, pickerOf(name, itemNames), {
      ...options,
      onChunk: (n) => {
        done += n;
        options.onProgress?.({ phase, done: Math.min(done, total), total: Math.max(total, done) });
      }
    });
    (data as Record<string, unknown>)[name] = rows;
    allStamps[name] = stamps[name];
  }
  if (data.stage) data.stage = sortStages(data.stage);
  options.onProgress?.({ phase: 'Read', done: total, total });
  return { data, stamps: allStamps, itemNames };
}

/** Which collections each analytics screen reads (kept here, light to import, so the screen can tell when its data changed). */
export const viewNeeds = {
  overview: ['order', 'product', 'contact', 'ticket', 'opportunity'],
  segmentation: ['order', 'product', 'contact', 'account'],
  profitability: ['order', 'product', 'contact', 'account', 'interaction', 'ticket'],
  value: ['order', 'contact', 'account'],
  churn: ['order', 'contact', 'account', 'interaction', 'ticket'],
  members: ['order', 'product', 'contact', 'account'],
  nbo: ['order', 'product'],
  insights: ['order', 'product', 'contact', 'account'],
  forecast: ['order', 'opportunity', 'stage'],
  pivot: ['order', 'product', 'contact', 'account', 'user'],
  cohorts: ['order'],
  service: ['order', 'product', 'contact', 'account', 'ticket', 'campaign', 'interaction']
} as const satisfies Record<string, readonly AnalyticsCollection[]>;
export type ViewName = keyof typeof viewNeeds;
