// Turns read-model rows (orders with their lines, products, contacts, accounts) into the inputs the analytics take.
import type { Transaction } from './transactions';

/** The part of an order line analytics reads; read-model rows (model/order.ts) fit it as they are. */
export type OrderLineInput = {
  productId?: string;
  sku?: string;
  description?: string;
  category?: string;
  /** Negative for returned units. */
  quantity: number;
  /** Minor units per unit. */
  unitPrice: number;
  /** Minor units per unit; 0 or missing when unknown (the product's cost is used then). */
  unitCost?: number;
  /** Percent, 0–100. */
  discountPct?: number;
};

/** The part of an order analytics reads; read-model rows (model/order.ts) fit it as they are. */
export type OrderInput = {
  id: string;
  number?: string;
  orderedAt: string;
  status?: string;
  contactId?: string;
  accountId?: string;
  externalCustomerId?: string;
  currency?: string;
  channel?: string;
  region?: string;
  owner?: string;
  deletedAt?: string | null;
  /** Read-model soft-delete flag. */
  _del?: 0 | 1;
  lines: readonly OrderLineInput[];
};

export type ProductInput = { id: string; sku?: string; category?: string; unitCost?: number };
export type ContactInput = { id: string; accountId?: string; address?: { region?: string; country?: string }; owner?: string };
export type AccountInput = { id: string; region?: string; tier?: string; address?: { region?: string; country?: string }; owner?: string };

/** Anything with a `get` by id: a Map, or a plain object wrapped by {@link byId}. */
export type Lookup<T> = { get(id: string): T | undefined };

/** One order line as a flat fact for pivots, profitability and anomaly tests. Money in minor units. */
export type OrderFact = {
  orderId: string;
  orderNumber: string;
  /** contactId, else accountId, else externalCustomerId ('' when the order has none). */
  customerId: string;
  orderedAt: string;
  /** Calendar keys (UTC unless `utcOffsetMinutes` is given): 'YYYY-MM-DD', 'YYYY-MM', 'YYYY-Qn', 'YYYY'. */
  day: string;
  month: string;
  quarter: string;
  year: string;
  status: string;
  currency: string;
  category: string;
  productId: string;
  sku: string;
  region: string;
  /** Owner of the order record (the rep). */
  owner: string;
  channel: string;
  /** From `segmentByCustomer` when given, else the account's tier, else ''. */
  segment: string;
  /** Units on the line as recorded: negative for credited units. */
  quantity: number;
  /** round(quantity × unitPrice × (1 − discountPct/100)); negative for credited units, 0 for a returned order's lines. */
  revenue: number;
  /** quantity × unit cost (the line's, else the product's; 0 when neither is known); 0 for a returned order's lines. */
  cost: number;
  margin: number;
};

export type FactOptions = {
  productsById?: Lookup<ProductInput>;
  contactsById?: Lookup<ContactInput>;
  accountsById?: Lookup<AccountInput>;
  /** A segment per customer key (e.g. RFM segments); overrides the account tier. */
  segmentByCustomer?: Lookup<string>;
  /** Keep cancelled orders (default false: a cancelled order sold nothing). */
  includeCancelled?: boolean;
  /**
   * Offset of the business's clock from UTC in minutes (Nepal: 345) for the calendar keys; default 0, so an order
   * at 20:00 UTC on the last day of a month counts in that month even where it was already the 1st.
   */
  utcOffsetMinutes?: number;
};

/** Wraps a list of records as a lookup by id. */
export function byId<T extends { id: string }>(records: Iterable<T>): Map<string, T> {
  const out = new Map<string, T>();
  for (const r of records) out.set(r.id, r);
  return out;
}

/** contactId, else accountId, else externalCustomerId: the customer key every analysis shares. */
export function customerKeyOf(o: { contactId?: string; accountId?: string; externalCustomerId?: string }): string {
  return o.contactId || o.accountId || o.externalCustomerId || '';
}

const isLive = (o: OrderInput): boolean => !o._del && !o.deletedAt;

/** Value of a line in minor units, rounded to a whole minor unit as money is stored. */
export function lineRevenue(line: OrderLineInput): number {
  const discount = line.discountPct ? line.discountPct / 100 : 0;
  return Math.round(line.quantity * line.unitPrice * (1 - discount));
}

/**
 * Whether a line's value came back: the lines of an order marked 'returned' that still show the units as sold
 * (positive quantity) were refunded whole. Credit lines (negative quantity, e.g. an imported credit note) already
 * carry the refund themselves.
 */
const isRefunded = (status: string | undefined, line: OrderLineInput): boolean => status === 'returned' && line.quantity > 0;

/** Net value of an order: what the customer paid and kept. */
export function orderNetValue(o: OrderInput): number {
  let amount = 0;
  for (const line of o.lines) if (!isRefunded(o.status, line)) amount += lineRevenue(line);
  return amount;
}

const QUARTER = ['Q1', 'Q1', 'Q1', 'Q2', 'Q2', 'Q2', 'Q3', 'Q3', 'Q3', 'Q4', 'Q4', 'Q4'];

/** 'YYYY-Qn' of a 'YYYY-MM…' string. */
export function quarterOf(month: string): string {
  return `${month.slice(0, 4)}-${QUARTER[Number(month.slice(5, 7)) - 1] ?? 'Q?'}`;
}

/** ISO day 'YYYY-MM-DD' of an instant shifted by an offset; the string's own day when the offset is 0. */
function localDay(iso: string, offsetMinutes: number): string {
  if (!offsetMinutes && iso.charCodeAt(4) === 45) return iso.slice(0, 10);
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso.slice(0, 10);
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/**
 * Flattens orders into one fact per line with calendar keys, customer, product and place: the rows a pivot, the
 * profitability and the anomaly tests read. Deleted orders are skipped, and cancelled ones unless asked for.
 * Returns stay as facts: credit lines (negative quantity) subtract, and the lines of an order marked 'returned'
 * keep their quantity (the units were sold, which matters for ticket rates) with revenue, cost and margin 0. Category, SKU and unit cost fall back to the
 * product's; region falls back from the order to the account, then the contact's address.
 */
export function orderLinesAsFacts(orders: Iterable<OrderInput>, options: FactOptions = {}): OrderFact[] {
  const { productsById, contactsById, accountsById, segmentByCustomer } = options;
  const offset = options.utcOffsetMinutes ?? 0;
  const out: OrderFact[] = [];
  for (const o of orders) {
    if (!isLive(o)) continue;
    const status = o.status ?? 'placed';
    if (status === 'cancelled' && !options.includeCancelled) continue;
    const customerId = customerKeyOf(o);
    const contact = o.contactId ? contactsById?.get(o.contactId) : undefined;
    const account = o.accountId ? accountsById?.get(o.accountId) : contact?.accountId ? accountsById?.get(contact.accountId) : undefined;
    const region = o.region || account?.region || account?.address?.region || contact?.address?.region || '';
    const segment = (customerId && segmentByCustomer?.get(customerId)) || account?.tier || '';
    const day = localDay(o.orderedAt, offset);
    const month = day.slice(0, 7);
    const quarter = quarterOf(month);
    const year = day.slice(0, 4);
    for (const line of o.lines) {
      const product = line.productId ? productsById?.get(line.productId) : undefined;
      const refunded = isRefunded(status, line);
      const revenue = refunded ? 0 : lineRevenue(line);
      const unitCost = line.unitCost || product?.unitCost || 0;
      const cost = refunded ? 0 : line.quantity * unitCost;
      out.push({
        orderId: o.id,
        orderNumber: o.number ?? '',
        customerId,
        orderedAt: o.orderedAt,
        day,
        month,
        quarter,
        year,
        status,
        currency: o.currency ?? '',
        category: line.category || product?.category || '',
        productId: line.productId ?? '',
        sku: line.sku || product?.sku || '',
        region,
        owner: o.owner ?? '',
        channel: o.channel ?? '',
        segment,
        quantity: line.quantity,
        revenue,
        cost,
        margin: revenue - cost
      });
    }
  }
  return out;
}

export type TransactionOptions = {
  /**
   * What a credit (an order whose net value is below zero, e.g. an imported credit note) does: 'net' (default) takes
   * its value off the customer's latest purchase on or before it (never below 0; a credit for something bought before
   * the data starts is dropped); 'ignore' leaves purchases as they were. Credits are never purchase days of their
   * own: the buy-till-you-die models count purchase days, and a refund is not one. An order marked 'returned' whose
   * lines show the units as sold was refunded whole and gives no transaction.
   */
  returns?: 'net' | 'ignore';
};

/**
 * One transaction per order for {@link summarizeTransactions}: customer key, the order's day and its net value in
 * minor units. Deleted and cancelled orders and orders with no customer key are left out; see `returns` for returns.
 * Output is sorted by customer, then date.
 */
export function ordersAsTransactions(orders: Iterable<OrderInput>, options: TransactionOptions = {}): Transaction[] {
  const purchases = new Map<string, { date: string; at: string; amount: number }[]>();
  const refunds: { customerId: string; at: string; amount: number }[] = [];
  for (const o of orders) {
    if (!isLive(o) || o.status === 'cancelled') continue;
    const customerId = customerKeyOf(o);
    if (!customerId) continue;
    const amount = orderNetValue(o);
    if (amount <= 0) {
      if (amount < 0) refunds.push({ customerId, at: o.orderedAt, amount });
      continue;
    }
    let list = purchases.get(customerId);
    if (!list) purchases.set(customerId, (list = []));
    list.push({ date: o.orderedAt.slice(0, 10), at: o.orderedAt, amount });
  }
  for (const list of purchases.values()) list.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  if ((options.returns ?? 'net') === 'net') {
    for (const r of refunds) {
      const list = purchases.get(r.customerId);
      if (!list) continue;
      // Latest purchase at or before the return: binary search over the sorted instants.
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid].at <= r.at) lo = mid + 1;
        else hi = mid;
      }
      if (lo === 0) continue;
      const p = list[lo - 1];
      p.amount = Math.max(0, p.amount + r.amount);
    }
  }
  const out: Transaction[] = [];
  const customers = [...purchases.keys()].sort();
  for (const customerId of customers) for (const p of purchases.get(customerId)!) out.push({ customerId, date: p.date, amount: p.amount });
  return out;
}

export type BasketOptions = {
  /** What counts as an item (default 'category'). */
  item?: 'category' | 'sku' | 'productId';
  productsById?: Lookup<ProductInput>;
};

/**
 * One basket per order (the distinct items bought, in line order) for association rules. Deleted, cancelled and
 * returned orders and lines with no item or a quantity ≤ 0 are left out; orders left with no item give no basket.
 */
export function basketsFromOrders(orders: Iterable<OrderInput>, options: BasketOptions = {}): string[][] {
  const item = options.item ?? 'category';
  const products = options.productsById;
  const out: string[][] = [];
  for (const o of orders) {
    if (!isLive(o) || o.status === 'cancelled' || o.status === 'returned') continue;
    const basket = new Set<string>();
    for (const line of o.lines) {
      if (!(line.quantity > 0)) continue;
      const product = line.productId ? products?.get(line.productId) : undefined;
      const value = item === 'productId' ? line.productId : item === 'sku' ? line.sku || product?.sku : line.category || product?.category;
      if (value) basket.add(value);
    }
    if (basket.size > 0) out.push([...basket]);
  }
  return out;
}

export type MonthlySeries = {
  /** 'YYYY-MM' of each value, consecutive. */
  months: string[];
  /** Net revenue per month in minor units; 0 for months with no orders. */
  values: number[];
};

/** 'YYYY-MM' → months since year 0, and back. */
export const monthIndex = (month: string): number => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
export const monthKey = (index: number): string => {
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}`;
};

export type MonthlyOptions = {
  /** First and last month to cover ('YYYY-MM'); default the first and last month with an order. */
  from?: string;
  to?: string;
  utcOffsetMinutes?: number;
  /** What to add up per month (default 'revenue'). */
  measure?: 'revenue' | 'orders' | 'units';
};

/**
 * Net revenue (or order or unit count) per calendar month as a dense series with no gaps — months without orders are
 * 0 — the input Holt-Winters needs. Deleted and cancelled orders are left out; returns subtract (a returned order
 * counts 0, credit lines are negative).
 */
export function monthlyRevenue(orders: Iterable<OrderInput>, options: MonthlyOptions = {}): MonthlySeries {
  const offset = options.utcOffsetMinutes ?? 0;
  const measure = options.measure ?? 'revenue';
  const totals = new Map<number, number>();
  let first = Infinity;
  let last = -Infinity;
  for (const o of orders) {
    if (!isLive(o) || o.status === 'cancelled') continue;
    const m = monthIndex(localDay(o.orderedAt, offset));
    let v = 0;
    if (measure === 'orders') v = o.status === 'returned' ? 0 : 1;
    else if (measure === 'revenue') v = orderNetValue(o);
    else for (const line of o.lines) if (!isRefunded(o.status, line)) v += line.quantity;
    totals.set(m, (totals.get(m) ?? 0) + v);
    if (m < first) first = m;
    if (m > last) last = m;
  }
  if (options.from) first = monthIndex(options.from);
  if (options.to) last = monthIndex(options.to);
  const months: string[] = [];
  const values: number[] = [];
  if (!Number.isFinite(first) || !Number.isFinite(last)) return { months, values };
  for (let m = first; m <= last; m++) {
    months.push(monthKey(m));
    values.push(totals.get(m) ?? 0);
  }
  return { months, values };
}
