// Customer profitability: revenue less cost of goods and cost to serve, per customer and per segment, and the whale curve.
import { customerKeyOf } from './datasets';

/**
 * Cost of one activity in minor units. The defaults are placeholders sized for the demo's NPR (paisa): an e-mail
 * or SMS costs a few rupees of staff time, a visit hundreds, a return far more. Set real figures from the finance
 * team's activity costing (Kaplan & Anderson 2004, "Time-driven activity-based costing", HBR 82(11)).
 */
export type CostRates = {
  /** Per interaction, by channel (email, phone, sms, social, meeting, in-person, web). */
  channels: Record<string, number>;
  /** Per ticket, by kind (request, return, complaint, incident, question). */
  tickets: Record<string, number>;
  /** For channels or kinds missing from the tables. */
  otherInteraction: number;
  otherTicket: number;
};

export const defaultCostRates: CostRates = {
  channels: { email: 500, sms: 200, web: 500, social: 1_000, phone: 5_000, meeting: 50_000, 'in-person': 30_000 },
  tickets: { question: 10_000, request: 20_000, incident: 50_000, complaint: 80_000, return: 100_000 },
  otherInteraction: 1_000,
  otherTicket: 20_000
};

export type RevenueFact = { customerId: string; revenue: number; cost: number; segment?: string };
type Party = { contactId?: string; accountId?: string; externalCustomerId?: string; deletedAt?: string | null; _del?: 0 | 1 };
export type CostInteraction = Party & { channel: string; campaignId?: string };
export type CostTicket = Party & { kind: string };

export type ProfitabilityOptions = {
  /** Rates override the defaults table by table, key by key. */
  rates?: { channels?: Record<string, number>; tickets?: Record<string, number>; otherInteraction?: number; otherTicket?: number };
  /** Count campaign sends, opens and replies as cost to serve (default true; they are cheap at e-mail rates). */
  includeCampaignInteractions?: boolean;
  /** Also list people who were served but never bought (default false: the whale curve is about customers). */
  includeNonBuyers?: boolean;
  /** Segment per customer key; default the `segment` of the customer's first fact, else ''. */
  segmentByCustomer?: { get(id: string): string | undefined };
};

export type CustomerProfit = {
  customerId: string;
  segment: string;
  revenue: number;
  /** Cost of goods sold. */
  cogs: number;
  grossMargin: number;
  interactions: number;
  tickets: number;
  costToServe: number;
  /** grossMargin − costToServe. */
  profit: number;
  /** profit / revenue; null when revenue ≤ 0. */
  profitMargin: number | null;
};

export type SegmentProfit = Omit<CustomerProfit, 'customerId' | 'segment' | 'profitMargin'> & {
  segment: string;
  customers: number;
  profitMargin: number | null;
  /** Customers whose profit is below zero. */
  unprofitable: number;
};

export type Profitability = {
  customers: CustomerProfit[];
  segments: SegmentProfit[];
  total: SegmentProfit;
  rates: CostRates;
};

const live = (r: Party): boolean => !r._del && !r.deletedAt;

function mergeRates(o: ProfitabilityOptions['rates']): CostRates {
  return {
    channels: { ...defaultCostRates.channels, ...(o?.channels ?? {}) },
    tickets: { ...defaultCostRates.tickets, ...(o?.tickets ?? {}) },
    otherInteraction: o?.otherInteraction ?? defaultCostRates.otherInteraction,
    otherTicket: o?.otherTicket ?? defaultCostRates.otherTicket
  };
}

const emptyTotals = (segment: string): SegmentProfit => ({
  segment,
  customers: 0,
  revenue: 0,
  cogs: 0,
  grossMargin: 0,
  interactions: 0,
  tickets: 0,
  costToServe: 0,
  profit: 0,
  profitMargin: null,
  unprofitable: 0
});

/**
 * Per-customer profit in minor units: revenue and cost of goods from order-line facts (see `orderLinesAsFacts`),
 * cost to serve = Σ interactions × rate of their channel + Σ tickets × rate of their kind (activity-based costing,
 * Kaplan & Cooper 1998, "Cost & Effect", ch. 10). Interactions and tickets are matched to customers by the same key
 * as orders (contact, else account). Deleted records are left out. Customers come sorted by profit, highest first.
 */
export function customerProfitability(
  input: { facts: Iterable<RevenueFact>; interactions?: Iterable<CostInteraction>; tickets?: Iterable<CostTicket> },
  options: ProfitabilityOptions = {}
): Profitability {
  const rates = mergeRates(options.rates);
  const withCampaigns = options.includeCampaignInteractions ?? true;
  const byCustomer = new Map<string, CustomerProfit>();
  const hasOrders = new Set<string>();
  const get = (id: string, segment = ''): CustomerProfit => {
    let c = byCustomer.get(id);
    if (!c) {
      c = { customerId: id, segment: options.segmentByCustomer?.get(id) ?? segment, revenue: 0, cogs: 0, grossMargin: 0, interactions: 0, tickets: 0, costToServe: 0, profit: 0, profitMargin: null };
      byCustomer.set(id, c);
    } else if (!c.segment && segment) c.segment = segment;
    return c;
  };
  for (const f of input.facts) {
    if (!f.customerId) continue;
    const c = get(f.customerId, f.segment ?? '');
    c.revenue += f.revenue;
    c.cogs += f.cost;
    hasOrders.add(f.customerId);
  }
  for (const i of input.interactions ?? []) {
    if (!live(i) || (!withCampaigns && i.campaignId)) continue;
    const id = customerKeyOf(i);
    if (!id) continue;
    const c = get(id);
    c.interactions++;
    c.costToServe += rates.channels[i.channel] ?? rates.otherInteraction;
  }
  for (const t of input.tickets ?? []) {
    if (!live(t)) continue;
    const id = customerKeyOf(t);
    if (!id) continue;
    const c = get(id);
    c.tickets++;
    c.costToServe += rates.tickets[t.kind] ?? rates.otherTicket;
  }
  const customers: CustomerProfit[] = [];
  for (const c of byCustomer.values()) {
    if (!options.includeNonBuyers && !hasOrders.has(c.customerId)) continue;
    c.grossMargin = c.revenue - c.cogs;
    c.profit = c.grossMargin - c.costToServe;
    c.profitMargin = c.revenue > 0 ? c.profit / c.revenue : null;
    customers.push(c);
  }
  customers.sort((a, b) => b.profit - a.profit || (a.customerId < b.customerId ? -1 : 1));

  const segments = new Map<string, SegmentProfit>();
  const total = emptyTotals('all');
  for (const c of customers) {
    let s = segments.get(c.segment);
    if (!s) segments.set(c.segment, (s = emptyTotals(c.segment)));
    for (const t of [s, total]) {
      t.customers++;
      t.revenue += c.revenue;
      t.cogs += c.cogs;
      t.grossMargin += c.grossMargin;
      t.interactions += c.interactions;
      t.tickets += c.tickets;
      t.costToServe += c.costToServe;
      t.profit += c.profit;
      if (c.profit < 0) t.unprofitable++;
    }
  }
  const finish = (s: SegmentProfit): SegmentProfit => ({ ...s, profitMargin: s.revenue > 0 ? s.profit / s.revenue : null });
  return {
    customers,
    segments: [...segments.values()].map(finish).sort((a, b) => b.profit - a.profit),
    total: finish(total),
    rates
  };
}

export type WhalePoint = {
  /** Share of customers, most profitable first, 0–1. */
  customerShare: number;
  /** Cumulative profit of those customers as a share of the basis (1 = 100 %). */
  profitShare: number;
};

export type WhaleCurve = {
  points: WhalePoint[];
  /** Highest point: where adding less profitable customers starts to cost profit. */
  peak: WhalePoint & { customers: number };
  totalProfit: number;
  /**
   * What profitShare is a share of: 'total' profit, or — when the total is zero or a loss, where shares of it mean
   * nothing — the 'positive' profit of the profitable customers.
   */
  basis: 'total' | 'positive';
  customers: number;
  unprofitableCustomers: number;
};

/**
 * Kaplan & Cooper's whale curve ("Cost & Effect", 1998, ch. 10): customers sorted by profit, highest first, against
 * cumulative profit as a share of total profit. It rises above 100 % (typically 150–300 %) while profitable customers
 * are added and sinks back to 100 % as the loss-makers are. At most `maxPoints` points (default 500, evenly spaced,
 * always keeping the start, the peak and the end) so a chart of 100k customers stays light.
 */
export function whaleCurve(customers: Iterable<{ profit: number }>, options: { maxPoints?: number } = {}): WhaleCurve {
  const profits = Float64Array.from([...customers].map((c) => c.profit)).sort().reverse();
  const n = profits.length;
  let total = 0;
  let positive = 0;
  let unprofitable = 0;
  for (const p of profits) {
    total += p;
    if (p > 0) positive += p;
    if (p < 0) unprofitable++;
  }
  const basis = total > 0 ? 'total' : 'positive';
  const denominator = total > 0 ? total : positive > 0 ? positive : 1;
  const cumulative = new Float64Array(n + 1);
  let peakIndex = 0;
  for (let i = 0; i < n; i++) {
    cumulative[i + 1] = cumulative[i] + profits[i];
    if (cumulative[i + 1] > cumulative[peakIndex]) peakIndex = i + 1;
  }
  const point = (i: number): WhalePoint => ({ customerShare: n > 0 ? i / n : 0, profitShare: cumulative[i] / denominator });
  const maxPoints = Math.max(3, options.maxPoints ?? 500);
  const indices = new Set<number>([0, peakIndex, n]);
  const step = n / (maxPoints - 1);
  if (n + 1 <= maxPoints) for (let i = 0; i <= n; i++) indices.add(i);
  else for (let k = 1; k < maxPoints - 1; k++) indices.add(Math.round(k * step));
  const points = [...indices].sort((a, b) => a - b).map(point);
  return {
    points,
    peak: { ...point(peakIndex), customers: peakIndex },
    totalProfit: total,
    basis,
    customers: n,
    unprofitableCustomers: unprofitable
  };
}
