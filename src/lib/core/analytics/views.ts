// The analytics screens' figures: the engine's models composed over one workspace's inputs, memoised per data change.
/*
 * Every `*View` function takes the model (the workspace's slimmed inputs plus memoised datasets and fits) and the
 * screen's parameters, and returns plain data small enough to post from the worker to the screen: tables are capped,
 * curves thinned. Money stays in minor units of the workspace's main currency; orders in other currencies are left
 * out and counted (amounts are never converted).
 */
import { regularizedGammaP, ticketRateAnomalies } from './anomaly';
import { associationRules, type AssociationRule } from './association';
import { bgNbdExpectedPurchases, bgNbdProbabilityAlive, fitBgNbd, type BgNbdFit } from './bg-nbd';
import { campaignStats } from './campaign-stats';
import { retentionCohorts, type CohortGrain } from './cohorts';
import { basketsFromOrders, byId, customerKeyOf, monthIndex, monthKey, monthlyRevenue, orderLinesAsFacts, ordersAsTransactions, type OrderFact } from './datasets';
import { customerLifetimeValue, fitGammaGamma, gammaGammaExpectedSpend, type GammaGammaFit } from './gamma-gamma';
import { holtWinters } from './holt-winters';
import { chooseK, kMeans, standardize } from './kmeans';
import { fitLogisticRegression } from './logistic';
import { pivot, type Dimension, type PivotResult, type PivotSpec } from './pivot';
import { customerProfitability, defaultCostRates, whaleCurve, type CostRates, type CustomerProfit, type SegmentProfit, type WhaleCurve } from './profitability';
import { rfm, type RfmSegment } from './rfm';
import { rocAuc, rocCurve } from './roc';
import { trainTestSplit } from './split';
import { summarizeTransactions, type CustomerSummary, type Transaction } from './transactions';
import { stampKey, type AnalyticsCollection, type AnalyticsInputs, type AnalyticsOrder, type LoadedInputs } from './loaders';
import { defaultStageInfo, forecast as pipelineForecast, quarterVsLastYear, type StageInfo } from '../sales/pipeline';

const DAY_MS = 86_400_000;
/** Weeks per month: BG/NBD is fitted in weeks (Fader, Hardie & Lee 2005), CLV is asked for in months. */
const WEEKS_PER_MONTH = 4.345;

/** Segment names in the order a marketer reads them: best first. */
export const segmentOrder: readonly RfmSegment[] = [
  'champions',
  'loyal',
  'potential loyalists',
  'new customers',
  'promising',
  'need attention',
  'about to sleep',
  'at risk',
  "can't lose them",
  'hibernating',
  'lost'
];

// -- the model ------------------------------------------------------------------------------------------------------

/** Who a customer key stands for: the first order with that key says whether it is a contact, an account or an outside id. */
export type CustomerRef = { key: string; name: string; contactId: string; accountId: string; externalId: string };

/** Per-customer history from the transactions: purchase days, money and dates (minor units). */
export type CustomerStats = { key: string; orders: number; revenue: number; first: string; last: string; recencyDays: number; avgOrderValue: number };

export type ViewMeta = {
  currency: string;
  /** Minor-unit digits of the currency (2 for NPR and GBP). */
  digits: number;
  /** The last order day: "today" for every model, so an imported history from 2011 is read as of 2011. */
  asOf: string | null;
  firstOrderAt: string | null;
  orders: number;
  customers: number;
  /** Orders left out because they are in another currency. */
  otherCurrencyOrders: number;
};

export type ModelOptions = {
  /** Today's date, 'YYYY-MM-DD' (for "this quarter" of the pipeline); default the clock's UTC day. */
  today?: string;
};

type MemoEntry = { deps: string; value: unknown };

function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * The workspace as analytics sees it. `update` hands it freshly loaded inputs; every derived dataset and fit is
 * memoised with the stamps of the collections it depends on, so a change to tickets does not refit BG/NBD, and a
 * page visited again with unchanged data costs nothing.
 */
export class AnalyticsModel {
  #data: Partial<AnalyticsInputs> = {};
  #stamps: Partial<Record<AnalyticsCollection, string>> = {};
  #itemNames = new Map<string, string>();
  #memo = new Map<string, MemoEntry>();
  readonly today: string;

  constructor(options: ModelOptions = {}) {
    this.today = options.today ?? new Date().toISOString().slice(0, 10);
  }

  update(loaded: LoadedInputs): void {
    this.#data = loaded.data;
    this.#stamps = loaded.stamps;
    this.#itemNames = loaded.itemNames;
  }

  /** The loaded rows of a collection ([] when the page did not ask for it). */
  list<K extends AnalyticsCollection>(name: K): AnalyticsInputs[K] {
    return (this.#data[name] ?? []) as AnalyticsInputs[K];
  }

  itemName(key: string): string {
    return this.#itemNames.get(key) ?? key;
  }

  /** Computes once per state of `deps`; keys carrying parameters are kept to the last 40 used. */
  memo<T>(key: string, deps: readonly AnalyticsCollection[], compute: () => T): T {
    const depKey = stampKey(this.#stamps, deps);
    const hit = this.#memo.get(key);
    if (hit && hit.deps === depKey) {
      this.#memo.delete(key);
      this.#memo.set(key, hit);
      return hit.value as T;
    }
    const value = compute();
    this.#memo.delete(key);
    this.#memo.set(key, { deps: depKey, value });
    if (this.#memo.size > 40) this.#memo.delete(this.#memo.keys().next().value as string);
    return value;
  }

  /** Orders in the main currency (the one most orders use), live and with a customer or not. */
  get sales(): { currency: string; orders: AnalyticsOrder[]; other: number } {
    return this.memo('sales', ['order'], () => {
      const counts = new Map<string, number>();
      for (const o of this.list('order')) counts.set(o.currency, (counts.get(o.currency) ?? 0) + 1);
      let currency = '';
      let best = -1;
      for (const [c, n] of counts) if (c && n > best) [currency, best] = [c, n];
      const orders = this.list('order').filter((o) => !o.currency || o.currency === currency);
      return { currency: currency || 'NPR', orders, other: this.list('order').length - orders.length };
    });
  }

  get transactions(): Transaction[] {
    return this.memo('transactions', ['order'], () => ordersAsTransactions(this.sales.orders));
  }

  /** The last purchase day in the data: the models' "today". */
  get asOf(): string | null {
    return this.memo('asOf', ['order'], () => {
      let last = '';
      for (const o of this.sales.orders) if (o.status !== 'cancelled' && o.orderedAt > last) last = o.orderedAt;
      return last ? last.slice(0, 10) : null;
    });
  }

  get firstOrderAt(): string | null {
    return this.memo('firstOrderAt', ['order'], () => {
      let first = '';
      for (const o of this.sales.orders) if (o.status !== 'cancelled' && (!first || o.orderedAt < first)) first = o.orderedAt;
      return first ? first.slice(0, 10) : null;
    });
  }

  get meta(): ViewMeta {
    const { currency, orders, other } = this.sales;
    return {
      currency,
      digits: currencyDigits(currency),
      asOf: this.asOf,
      firstOrderAt: this.firstOrderAt,
      orders: orders.length,
      customers: this.customerStats.length,
      otherCurrencyOrders: other
    };
  }

  /** Contact, account or outside id behind each customer key, from the first order carrying it. */
  get refs(): Map<string, CustomerRef> {
    return this.memo('refs', ['order', 'contact', 'account'], () => {
      const contacts = byId(this.list('contact'));
      const accounts = byId(this.list('account'));
      const out = new Map<string, CustomerRef>();
      for (const o of this.sales.orders) {
        const key = customerKeyOf(o);
        if (!key || out.has(key)) continue;
        const name = (o.contactId && contacts.get(o.contactId)?.name) || (o.accountId && accounts.get(o.accountId)?.name) || (o.externalCustomerId ? `Customer ${o.externalCustomerId}` : key);
        out.set(key, { key, name, contactId: o.contactId, accountId: o.accountId || (o.contactId ? (contacts.get(o.contactId)?.accountId ?? '') : ''), externalId: o.externalCustomerId });
      }
      return out;
    });
  }

  ref(key: string): CustomerRef {
    return this.refs.get(key) ?? { key, name: key, contactId: '', accountId: '', externalId: '' };
  }

  /** Per-customer purchase history, in the order customers first appear in the transactions (sorted by key). */
  get customerStats(): CustomerStats[] {
    return this.memo('customerStats', ['order'], () => {
      const asOf = this.asOf;
      const end = asOf ? Date.parse(`${asOf}T00:00:00Z`) : 0;
      const out: CustomerStats[] = [];
      let current: CustomerStats | null = null;
      let lastDay = '';
      for (const t of this.transactions) {
        const day = String(t.date).slice(0, 10);
        if (!current || current.key !== t.customerId) {
          current = { key: t.customerId, orders: 0, revenue: 0, first: day, last: day, recencyDays: 0, avgOrderValue: 0 };
          out.push(current);
          lastDay = '';
        }
        current.revenue += t.amount;
        if (day !== lastDay) current.orders++;
        lastDay = day;
        if (day > current.last) current.last = day;
      }
      for (const c of out) {
        c.recencyDays = Math.round((end - Date.parse(`${c.last}T00:00:00Z`)) / DAY_MS);
        c.avgOrderValue = c.orders > 0 ? c.revenue / c.orders : 0;
      }
      return out;
    });
  }

  /** BG/NBD summaries in weeks, calibrated up to the last order day. */
  get summaries(): CustomerSummary[] {
    return this.memo('summaries', ['order'], () => (this.asOf ? summarizeTransactions(this.transactions, { calibrationEnd: this.asOf, unit: 'weeks' }) : []));
  }

  get rfmScores() {
    return this.memo('rfm', ['order'], () => rfm(this.summaries));
  }

  get segmentByCustomer(): Map<string, string> {
    return this.memo('segmentByCustomer', ['order'], () => new Map(this.rfmScores.map((s) => [s.customerId, s.segment])));
  }

  /** Order-line facts with the RFM segment of each customer. */
  get facts(): OrderFact[] {
    return this.memo('facts', ['order', 'product', 'contact', 'account'], () =>
      orderLinesAsFacts(this.sales.orders, {
        productsById: byId(this.list('product')),
        contactsById: byId(this.list('contact')),
        accountsById: byId(this.list('account')),
        segmentByCustomer: this.segmentByCustomer
      })
    );
  }

  /** BG/NBD and Gamma-Gamma fitted on the workspace's own orders; null with the reason when they cannot be. */
  get lifetime(): { bgNbd: BgNbdFit | null; gammaGamma: GammaGammaFit | null; problem: string | null } {
    return this.memo('lifetime', ['order'], () => {
      const s = this.summaries;
      if (s.length < 20) return { bgNbd: null, gammaGamma: null, problem: `Customer value needs at least 20 customers with orders; this workspace has ${s.length}.` };
      const repeat = s.filter((c) => c.frequency > 0 && c.monetaryValue > 0);
      let bgNbd: BgNbdFit | null = null;
      let gammaGamma: GammaGammaFit | null = null;
      let problem: string | null = null;
      try {
        bgNbd = fitBgNbd(s);
        if (![bgNbd.r, bgNbd.alpha, bgNbd.a, bgNbd.b].every((v) => Number.isFinite(v) && v > 0)) throw new Error('the fit did not give finite parameters');
      } catch (e) {
        // A small penalty keeps the parameters finite on data with little repeat buying (lifetimes' penalizer_coef).
        try {
          bgNbd = fitBgNbd(s, { penalizer: 0.001 });
        } catch {
          bgNbd = null;
          problem = `BG/NBD could not be fitted: ${(e as Error).message}`;
        }
      }
      if (repeat.length >= 10) {
        try {
          gammaGamma = fitGammaGamma(repeat);
          if (!(gammaGamma.q > 1)) gammaGamma = fitGammaGamma(repeat, { penalizer: 0.001 });
        } catch (e) {
          problem = `Gamma-Gamma could not be fitted: ${(e as Error).message}`;
        }
      } else problem = `Spend per purchase needs at least 10 repeat buyers; this workspace has ${repeat.length}.`;
      return { bgNbd, gammaGamma, problem };
    });
  }

  /** P(alive), expected purchases in 90 days and CLV (12 months, 1 % a month) per customer, index-aligned with summaries. */
  get customerValue(): { pAlive: Float64Array; expected90: Float64Array; clv: Float64Array } | null {
    return this.memo('customerValue', ['order'], () => {
      const { bgNbd, gammaGamma } = this.lifetime;
      if (!bgNbd) return null;
      const s = this.summaries;
      const pAlive = new Float64Array(s.length);
      const expected90 = new Float64Array(s.length);
      const clv = new Float64Array(s.length);
      for (let i = 0; i < s.length; i++) {
        pAlive[i] = bgNbdProbabilityAlive(bgNbd, s[i]);
        expected90[i] = bgNbdExpectedPurchases(bgNbd, 90 / 7, s[i]);
        clv[i] = gammaGamma ? customerLifetimeValue(bgNbd, gammaGamma, s[i], { months: 12, discountRate: 0.01, unitsPerMonth: WEEKS_PER_MONTH }) : NaN;
      }
      return { pAlive, expected90, clv };
    });
  }

  /** Index of each customer key in `summaries`. */
  get summaryIndex(): Map<string, number> {
    return this.memo('summaryIndex', ['order'], () => new Map(this.summaries.map((s, i) => [s.customerId, i])));
  }

  /** What counts as "a product" in baskets: product ids when most lines have them, else SKUs (imported histories). */
  get productItem(): 'productId' | 'sku' {
    return this.memo('productItem', ['order'], () => {
      let withId = 0;
      let withSku = 0;
      for (const o of this.sales.orders) for (const l of o.lines) (l.productId ? withId++ : l.sku ? withSku++ : 0);
      return withId >= withSku ? 'productId' : 'sku';
    });
  }

  baskets(item: 'category' | 'product'): string[][] {
    return this.memo(`baskets:${item}`, ['order', 'product'], () =>
      basketsFromOrders(this.sales.orders, { item: item === 'category' ? 'category' : this.productItem, productsById: byId(this.list('product')) })
    );
  }
}

// -- helpers ----------------------------------------------------------------------------------------------------------

const round = (v: number, digits = 4): number => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v);

/** Keeps at most `max` points of a curve, evenly spaced, always the first and the last. */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const out: T[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]);
  return out;
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Two-sided p-value of a z statistic: erfc(|z|/√2) = 1 − P(½, z²/2) (regularised lower incomplete gamma). */
export function twoSidedP(z: number): number {
  if (!Number.isFinite(z)) return NaN;
  return Math.max(0, 1 - regularizedGammaP(0.5, (z * z) / 2));
}

// -- overview ---------------------------------------------------------------------------------------------------------

export type OverviewView = {
  meta: ViewMeta;
  /** Net revenue of the 12 months up to the last order day, and of the 12 before. */
  revenue12: number;
  revenuePrev12: number;
  activeCustomers12: number;
  counts: { products: number; contacts: number; tickets: number; deals: number };
};

export function overviewView(model: AnalyticsModel): OverviewView {
  const asOf = model.asOf;
  let revenue12 = 0;
  let revenuePrev12 = 0;
  const active = new Set<string>();
  if (asOf) {
    const from = addDays(asOf, -365);
    const fromPrev = addDays(asOf, -730);
    for (const t of model.transactions) {
      const d = String(t.date).slice(0, 10);
      if (d > from) {
        revenue12 += t.amount;
        active.add(t.customerId);
      } else if (d > fromPrev) revenuePrev12 += t.amount;
    }
  }
  return {
    meta: model.meta,
    revenue12,
    revenuePrev12,
    activeCustomers12: active.size,
    counts: { products: model.list('product').length, contacts: model.list('contact').length, tickets: model.list('ticket').length, deals: model.list('opportunity').length }
  };
}

// -- segmentation ---------------------------------------------------------------------------------------------------

export type SegmentRow = {
  segment: RfmSegment;
  customers: number;
  share: number;
  /** Net revenue and gross margin of the segment's orders (all time), minor units. */
  revenue: number;
  margin: number;
  avgRecencyDays: number;
  avgOrders: number;
  avgOrderValue: number;
  /** Customers who are contacts: what a saved list of the segment would hold. */
  contacts: number;
};

export type ClusterRow = {
  /** Number on screen: clusters ranked by revenue, 1 = the most. */
  cluster: number;
  /** The k-means cluster index behind it (what a saved list asks for). */
  index: number;
  label: string;
  size: number;
  recencyDays: number;
  orders: number;
  avgOrderValue: number;
  revenue: number;
  contacts: number;
  topSegment: string;
};

export type KCurvePoint = { k: number; withinSS: number; silhouette: number | null; secondDifference: number | null };

export type Clustering = {
  features: string[];
  criterion: 'elbow' | 'silhouette';
  /** k each criterion picks, and the k used (the person's choice when they override it). */
  elbowK: number;
  silhouetteK: number;
  k: number;
  curve: KCurvePoint[];
  clusters: ClusterRow[];
};

export type SegmentationView = {
  meta: ViewMeta;
  segments: SegmentRow[];
  /** Customers per cell of the R × FM grid: grid[r − 1][fm − 1]. */
  grid: number[][];
  clustering: Clustering | null;
  /** Why clustering is missing, when it is. */
  clusteringProblem: string | null;
};

export type SegmentationParams = { criterion: 'elbow' | 'silhouette'; k: number | null };

type KCurves = { curve: KCurvePoint[]; elbowK: number; silhouetteK: number; points: number[][] };

function kCurves(model: AnalyticsModel): KCurves | null {
  return model.memo('kcurves', ['order'], () => {
    const stats = model.customerStats;
    if (stats.length < 12) return null;
    const scale = 10 ** model.meta.digits;
    // log1p tames the long tails of order counts and spend, which would otherwise decide every cluster on their own.
    const raw = stats.map((c) => [c.recencyDays, Math.log1p(c.orders), Math.log1p(c.avgOrderValue / scale)]);
    const { points } = standardize(raw);
    const maxK = Math.min(8, stats.length - 1);
    const nStart = stats.length > 20_000 ? 1 : 3;
    const elbow = chooseK(
      points,
      Array.from({ length: maxK }, (_, i) => i + 1),
      { criterion: 'elbow', seed: 1, nStart }
    );
    const silhouette = chooseK(
      points,
      Array.from({ length: maxK - 1 }, (_, i) => i + 2),
      { criterion: 'silhouette', seed: 1, nStart, sampleSize: 1000 }
    );
    const curve: KCurvePoint[] = elbow.results.map((r) => ({
      k: r.k,
      withinSS: r.withinSS,
      secondDifference: r.secondDifference ?? null,
      silhouette: silhouette.results.find((s) => s.k === r.k)?.silhouette ?? null
    }));
    return { curve, elbowK: elbow.k, silhouetteK: silhouette.k, points };
  });
}

function clusterLabel(z: number[]): string {
  const parts: string[] = [];
  parts.push(z[0] < -0.5 ? 'recent' : z[0] > 0.5 ? 'lapsed' : 'mid-recency');
  parts.push(z[1] > 0.5 ? 'frequent' : z[1] < -0.5 ? 'one-off' : 'occasional');
  parts.push(z[2] > 0.5 ? 'high spend' : z[2] < -0.5 ? 'low spend' : 'mid spend');
  const s = parts.join(', ');
  return s[0].toUpperCase() + s.slice(1);
}

function clusterAssignments(model: AnalyticsModel, params: SegmentationParams): { k: number; assignments: Int32Array; centroids: number[][]; curves: KCurves } | null {
  const curves = kCurves(model);
  if (!curves) return null;
  const chosen = params.criterion === 'silhouette' ? curves.silhouetteK : curves.elbowK;
  const maxK = curves.curve.length;
  const k = params.k && params.k >= 1 && params.k <= maxK ? params.k : chosen;
  const fit = model.memo(`kmeans:${k}`, ['order'], () => kMeans(curves.points, k, { seed: 1, nStart: model.customerStats.length > 20_000 ? 1 : 3 }));
  return { k, assignments: fit.assignments, centroids: fit.centroids, curves };
}

/** Revenue and margin per customer key (all time, main currency), from the order-line facts. */
function moneyByCustomer(model: AnalyticsModel): Map<string, { revenue: number; margin: number }> {
  return model.memo('moneyByCustomer', ['order', 'product', 'contact', 'account'], () => {
    const out = new Map<string, { revenue: number; margin: number }>();
    for (const f of model.facts) {
      if (!f.customerId) continue;
      const m = out.get(f.customerId) ?? { revenue: 0, margin: 0 };
      m.revenue += f.revenue;
      m.margin += f.margin;
      out.set(f.customerId, m);
    }
    return out;
  });
}

export function segmentationView(model: AnalyticsModel, params: SegmentationParams, onPhase: (phase: string) => void = () => {}): SegmentationView {
  onPhase('Scoring recency, frequency and spend');
  const stats = model.customerStats;
  const statsByKey = new Map(stats.map((s) => [s.key, s]));
  const money = moneyByCustomer(model);
  const grid = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
  const bySegment = new Map<RfmSegment, SegmentRow>();
  for (const s of model.rfmScores) {
    grid[s.recencyScore - 1][s.fmScore - 1]++;
    let row = bySegment.get(s.segment);
    if (!row) bySegment.set(s.segment, (row = { segment: s.segment, customers: 0, share: 0, revenue: 0, margin: 0, avgRecencyDays: 0, avgOrders: 0, avgOrderValue: 0, contacts: 0 }));
    const c = statsByKey.get(s.customerId);
    const m = money.get(s.customerId);
    row.customers++;
    row.revenue += m?.revenue ?? 0;
    row.margin += m?.margin ?? 0;
    row.avgRecencyDays += c?.recencyDays ?? 0;
    row.avgOrders += c?.orders ?? 0;
    row.avgOrderValue += c?.avgOrderValue ?? 0;
    if (model.ref(s.customerId).contactId) row.contacts++;
  }
  const total = model.rfmScores.length;
  const segments = segmentOrder
    .map((name) => bySegment.get(name))
    .filter((r): r is SegmentRow => !!r)
    .map((r) => ({
      ...r,
      share: r.customers / total,
      avgRecencyDays: r.avgRecencyDays / r.customers,
      avgOrders: r.avgOrders / r.customers,
      avgOrderValue: r.avgOrderValue / r.customers
    }));

  onPhase('Clustering customers (k-means)');
  let clustering: Clustering | null = null;
  let clusteringProblem: string | null = null;
  const fit = clusterAssignments(model, params);
  if (!fit) clusteringProblem = `Clustering needs at least 12 customers with orders; this workspace has ${stats.length}.`;
  else {
    const k = fit.k;
    const rows: ClusterRow[] = Array.from({ length: k }, (_, i) => ({ cluster: i + 1, index: i, label: clusterLabel(fit.centroids[i]), size: 0, recencyDays: 0, orders: 0, avgOrderValue: 0, revenue: 0, contacts: 0, topSegment: '' }));
    const segCounts = Array.from({ length: k }, () => new Map<string, number>());
    const segmentOf = model.segmentByCustomer;
    stats.forEach((c, i) => {
      const r = rows[fit.assignments[i]];
      r.size++;
      r.recencyDays += c.recencyDays;
      r.orders += c.orders;
      r.avgOrderValue += c.avgOrderValue;
      r.revenue += money.get(c.key)?.revenue ?? 0;
      if (model.ref(c.key).contactId) r.contacts++;
      const seg = segmentOf.get(c.key) ?? '';
      const counts = segCounts[fit.assignments[i]];
      counts.set(seg, (counts.get(seg) ?? 0) + 1);
    });
    for (const r of rows) {
      if (r.size > 0) {
        r.recencyDays /= r.size;
        r.orders /= r.size;
        r.avgOrderValue /= r.size;
      }
      r.topSegment = [...segCounts[r.index]].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
    }
    clustering = {
      features: ['days since last purchase', 'purchase days (log)', 'average order value (log)'],
      criterion: params.criterion,
      elbowK: fit.curves.elbowK,
      silhouetteK: fit.curves.silhouetteK,
      k,
      curve: fit.curves.curve,
      clusters: rows.sort((a, b) => b.revenue - a.revenue).map((r, rank) => ({ ...r, cluster: rank + 1 }))
    };
  }
  return { meta: model.meta, segments, grid, clustering, clusteringProblem };
}

export type MembersParams = { by: 'rfm'; segment: string } | { by: 'cluster'; index: number; criterion: 'elbow' | 'silhouette'; k: number | null };
export type Members = { contactIds: string[]; customers: number; withoutContact: number };

/** The contacts among the customers of an RFM segment or a cluster: the members of a saved list. */
export function segmentMembers(model: AnalyticsModel, params: MembersParams): Members {
  let keys: string[] = [];
  if (params.by === 'rfm') keys = model.rfmScores.filter((s) => s.segment === params.segment).map((s) => s.customerId);
  else {
    const fit = clusterAssignments(model, { criterion: params.criterion, k: params.k });
    if (fit) keys = model.customerStats.filter((_, i) => fit.assignments[i] === params.index).map((c) => c.key);
  }
  const contactIds = new Set<string>();
  let withoutContact = 0;
  for (const key of keys) {
    const id = model.ref(key).contactId;
    if (id) contactIds.add(id);
    else withoutContact++;
  }
  return { contactIds: [...contactIds], customers: keys.length, withoutContact };
}

// -- profitability ----------------------------------------------------------------------------------------------------

/** The segment of customers with orders but nothing kept (all returned or cancelled): they have no RFM score. */
export const NO_NET_PURCHASES = 'no purchases kept';

export type ProfitCustomerRow = CustomerProfit & { name: string };
export type ProfitabilityView = {
  meta: ViewMeta;
  rates: CostRates;
  channels: string[];
  ticketKinds: string[];
  total: SegmentProfit;
  segments: SegmentProfit[];
  top: ProfitCustomerRow[];
  bottom: ProfitCustomerRow[];
  whale: WhaleCurve;
  /** False when no line or product has a unit cost: margins are then revenue. */
  hasCosts: boolean;
};

export type ProfitabilityParams = { rates?: { channels?: Record<string, number>; tickets?: Record<string, number> } };

export function profitabilityView(model: AnalyticsModel, params: ProfitabilityParams): ProfitabilityView {
  const interactions = model.list('interaction');
  const tickets = model.list('ticket');
  // Customers whose every order was returned or cancelled have no RFM score: named so, not by their account's tier.
  const segments = model.segmentByCustomer;
  const segmentOf = { get: (id: string) => segments.get(id) ?? NO_NET_PURCHASES };
  const p = customerProfitability({ facts: model.facts, interactions, tickets }, { rates: params.rates, segmentByCustomer: segmentOf });
  const named = (c: CustomerProfit): ProfitCustomerRow => ({ ...c, name: model.ref(c.customerId).name });
  const channels = new Set<string>(Object.keys(defaultCostRates.channels));
  for (const i of interactions) if (i.channel) channels.add(i.channel);
  const kinds = new Set<string>(Object.keys(defaultCostRates.tickets));
  for (const t of tickets) if (t.kind) kinds.add(t.kind);
  const order = new Map(segmentOrder.map((s, i) => [s as string, i]));
  return {
    meta: model.meta,
    rates: p.rates,
    channels: [...channels],
    ticketKinds: [...kinds],
    total: p.total,
    segments: [...p.segments].sort((a, b) => (order.get(a.segment) ?? 99) - (order.get(b.segment) ?? 99)),
    top: p.customers.slice(0, 10).map(named),
    bottom: p.customers.slice(-10).reverse().map(named),
    whale: whaleCurve(p.customers, { maxPoints: 200 }),
    hasCosts: model.facts.some((f) => f.cost !== 0)
  };
}

// -- customer value (BG/NBD + Gamma-Gamma) --------------------------------------------------------------------------

export type ValueRow = CustomerRef & { orders: number; revenue: number; lastOrder: string; pAlive: number; expected90: number; clv: number | null; segment: string };
export type ValueView = {
  meta: ViewMeta;
  bgNbd: (BgNbdFit & { customers: number }) | null;
  gammaGamma: (GammaGammaFit & { meanSpend: number }) | null;
  problem: string | null;
  /** Sum of CLV over customers (12 months, discounted 1 % a month). */
  totalClv: number | null;
  expectedPurchases90: number;
  /** Customers per tenth of P(alive): bins[i] counts P(alive) in [i/10, (i+1)/10). */
  aliveBins: number[];
  top: ValueRow[];
  atRisk: ValueRow[];
  riskBelow: number;
};

export type ValueParams = { riskBelow?: number; limit?: number };

export function valueView(model: AnalyticsModel, params: ValueParams = {}, onPhase: (phase: string) => void = () => {}): ValueView {
  onPhase('Fitting BG/NBD and Gamma-Gamma');
  const { bgNbd, gammaGamma, problem } = model.lifetime;
  const riskBelow = params.riskBelow ?? 0.5;
  const limit = params.limit ?? 25;
  const meta = model.meta;
  if (!bgNbd) return { meta, bgNbd: null, gammaGamma: null, problem, totalClv: null, expectedPurchases90: 0, aliveBins: [], top: [], atRisk: [], riskBelow };
  onPhase('Working out each customer’s value');
  const value = model.customerValue!;
  const summaries = model.summaries;
  const stats = new Map(model.customerStats.map((s) => [s.key, s]));
  const segments = model.segmentByCustomer;
  const rowOf = (i: number): ValueRow => {
    const key = summaries[i].customerId;
    const st = stats.get(key);
    return {
      ...model.ref(key),
      orders: st?.orders ?? 0,
      revenue: st?.revenue ?? 0,
      lastOrder: st?.last ?? '',
      pAlive: value.pAlive[i],
      expected90: value.expected90[i],
      clv: Number.isFinite(value.clv[i]) ? value.clv[i] : null,
      segment: segments.get(key) ?? ''
    };
  };
  const bins = new Array<number>(10).fill(0);
  let totalClv = 0;
  let expected = 0;
  for (let i = 0; i < summaries.length; i++) {
    bins[Math.min(9, Math.floor(value.pAlive[i] * 10))]++;
    if (Number.isFinite(value.clv[i])) totalClv += value.clv[i];
    expected += value.expected90[i];
  }
  const idx = summaries.map((_, i) => i);
  const byClv = (a: number, b: number) => (value.clv[b] || 0) - (value.clv[a] || 0) || (stats.get(summaries[b].customerId)?.revenue ?? 0) - (stats.get(summaries[a].customerId)?.revenue ?? 0);
  const top = [...idx].sort(byClv).slice(0, limit).map(rowOf);
  // At risk: likely gone (P(alive) below the threshold) but repeat buyers, the most valuable first.
  const atRisk = idx
    .filter((i) => value.pAlive[i] < riskBelow && summaries[i].frequency > 0)
    .sort(byClv)
    .slice(0, limit)
    .map(rowOf);
  return {
    meta,
    bgNbd: { ...bgNbd, customers: summaries.length },
    gammaGamma: gammaGamma ? { ...gammaGamma, meanSpend: gammaGamma.q > 1 ? (gammaGamma.p * gammaGamma.v) / (gammaGamma.q - 1) : NaN } : null,
    problem,
    totalClv: gammaGamma ? totalClv : null,
    expectedPurchases90: expected,
    aliveBins: bins,
    top,
    atRisk,
    riskBelow
  };
}

// -- churn model (logistic regression) ----------------------------------------------------------------------------

export type ColumnInfo = { name: string; kind: 'numeric' | 'categorical'; levels: string[]; distinct: number; missing: number; isIdentifier: boolean };

/** Distinct values counted per column before it is taken for an identifier anyway. */
const DISTINCT_CAP = 50_000;

/** What each column holds: numeric when every non-blank value is a number, else categorical (levels listed up to 30). */
export function describeColumns(rows: readonly Record<string, unknown>[], names?: readonly string[]): ColumnInfo[] {
  const cols = names ?? (rows.length > 0 ? Object.keys(rows[0]) : []);
  return cols.map((name) => {
    const seen = new Map<string, number>();
    let missing = 0;
    let numeric = true;
    for (const r of rows) {
      const v = r[name];
      const s = v === null || v === undefined ? '' : String(v).trim();
      if (s === '') {
        missing++;
        continue;
      }
      if (numeric && !(typeof v === 'number' || typeof v === 'boolean' || Number.isFinite(Number(s)))) numeric = false;
      if (seen.size < DISTINCT_CAP || seen.has(s)) seen.set(s, (seen.get(s) ?? 0) + 1);
    }
    const levels = [...seen].sort((a, b) => b[1] - a[1]).map(([l]) => l);
    const distinct = seen.size;
    return {
      name,
      kind: numeric ? 'numeric' : 'categorical',
      levels: levels.slice(0, 30),
      distinct,
      missing,
      // A text column with a different value in (almost) every row names the row: a useless and dangerous feature.
      isIdentifier: !numeric && (distinct >= DISTINCT_CAP || distinct > 0.9 * (rows.length - missing)) && rows.length > 20
    };
  });
}

export type ChurnParams = {
  target: string;
  /** The target value counted as churn (default inferred: 'Yes', then true, then 1). */
  positive?: string;
  features: string[];
  /** Share of rows held out for the ROC curve and AUC (default 0.3). */
  testFraction?: number;
  seed?: number;
};

export type CoefficientRow = { term: string; coefficient: number; stdError: number; oddsRatio: number; z: number; pValue: number };
export type ChurnFit = {
  terms: CoefficientRow[];
  aliased: string[];
  auc: number;
  aucTrain: number;
  roc: { fpr: number; tpr: number; threshold: number }[];
  nTrain: number;
  nTest: number;
  /** Test rows that could not be scored (a level never seen in training, a missing value). */
  unscored: number;
  dropped: number;
  positive: string;
  positiveRate: number;
  deviance: number;
  nullDeviance: number;
  aic: number;
  converged: boolean;
  iterations: number;
};

/** Fits the churn model on a random training part and reads AUC and the ROC curve off the held-out rows. */
export function churnModel(rows: readonly Record<string, unknown>[], params: ChurnParams): ChurnFit {
  if (params.features.length === 0) throw new Error('Choose at least one feature.');
  if (params.features.includes(params.target)) throw new Error(`"${params.target}" is the target; it cannot also be a feature.`);
  const usable = rows.filter((r) => {
    const v = r[params.target];
    return v !== null && v !== undefined && String(v).trim() !== '';
  });
  const levels = new Set(usable.map((r) => String(r[params.target])));
  if (levels.size !== 2) throw new Error(`The target "${params.target}" must have exactly two values; it has ${levels.size}.`);
  const positive = params.positive && levels.has(params.positive) ? params.positive : ['Yes', 'true', '1', 'yes', 'TRUE'].find((l) => levels.has(l)) ?? [...levels].sort()[1];
  const asText = usable.map((r) => ({ ...r, [params.target]: String(r[params.target]) }));
  const { train, test } = trainTestSplit(asText, { testFraction: params.testFraction ?? 0.3, seed: params.seed ?? 1 });
  if (train.length < params.features.length + 10) throw new Error(`Too few rows to fit ${params.features.length} features: ${train.length} in training.`);
  const model = fitLogisticRegression(train, { target: params.target, features: params.features, positive });
  const isPositive = (r: Record<string, unknown>) => r[params.target] === positive;
  const score = (list: readonly Record<string, unknown>[]) => {
    const scores: number[] = [];
    const labels: boolean[] = [];
    for (const r of list) {
      const p = model.predict(r);
      if (!Number.isFinite(p)) continue;
      scores.push(p);
      labels.push(isPositive(r));
    }
    return { scores, labels };
  };
  const t = score(test);
  const tr = score(train);
  const hasBoth = (l: boolean[]) => l.includes(true) && l.includes(false);
  const terms = model.terms.map((term) => {
    const coefficient = model.coefficients[term];
    const stdError = model.standardErrors[term];
    const z = coefficient / stdError;
    return { term, coefficient, stdError, oddsRatio: Math.exp(coefficient), z, pValue: twoSidedP(z) };
  });
  return {
    terms,
    aliased: model.aliased,
    auc: hasBoth(t.labels) ? rocAuc(t.scores, t.labels) : NaN,
    aucTrain: hasBoth(tr.labels) ? rocAuc(tr.scores, tr.labels) : NaN,
    roc: hasBoth(t.labels) ? thin(rocCurve(t.scores, t.labels), 300).map((p) => ({ fpr: round(p.fpr), tpr: round(p.tpr), threshold: Number.isFinite(p.threshold) ? round(p.threshold) : 1 })) : [],
    nTrain: model.n,
    nTest: t.scores.length,
    unscored: test.length - t.scores.length,
    dropped: model.droppedRows,
    positive,
    positiveRate: usable.filter(isPositive).length / usable.length,
    deviance: model.deviance,
    nullDeviance: model.nullDeviance,
    aic: model.aic,
    converged: model.converged,
    iterations: model.iterations
  };
}

/** How the workspace's own churn table is built, said on screen next to the model. */
export type ChurnTableInfo = { cutoff: string; asOf: string; windowDays: number; customers: number; churned: number };

/**
 * One row per customer who bought on or before the cut-off (180 days before the last order day): behaviour up to the
 * cut-off as features, and whether they bought again after it as the target ('Yes' = churned: no order since). Money
 * in major units so coefficients read per rupee (or pound).
 */
export function workspaceChurnTable(model: AnalyticsModel, windowDays = 180): { rows: Record<string, unknown>[]; info: ChurnTableInfo | null } {
  return model.memo(`churnTable:${windowDays}`, ['order', 'contact', 'account', 'interaction', 'ticket'], () => {
    const asOf = model.asOf;
    if (!asOf) return { rows: [], info: null };
    const cutoff = addDays(asOf, -windowDays);
    const cutoffMs = Date.parse(`${cutoff}T00:00:00Z`);
    const scale = 10 ** model.meta.digits;
    type Acc = { days: Set<string>; revenue: number; first: string; last: string; after: boolean; channels: Map<string, number> };
    const acc = new Map<string, Acc>();
    for (const o of model.sales.orders) {
      if (o.status === 'cancelled') continue;
      const key = customerKeyOf(o);
      if (!key) continue;
      const day = o.orderedAt.slice(0, 10);
      let a = acc.get(key);
      if (!a) acc.set(key, (a = { days: new Set(), revenue: 0, first: day, last: '', after: false, channels: new Map() }));
      if (day > cutoff) {
        a.after = true;
        continue;
      }
      a.days.add(day);
      for (const l of o.lines) a.revenue += o.status === 'returned' && l.quantity > 0 ? 0 : Math.round(l.quantity * l.unitPrice * (1 - l.discountPct / 100));
      if (day < a.first) a.first = day;
      if (day > a.last) a.last = day;
      if (o.channel) a.channels.set(o.channel, (a.channels.get(o.channel) ?? 0) + 1);
    }
    const touches = new Map<string, { n: number; social: number; inbound: number }>();
    for (const i of model.list('interaction')) {
      const key = customerKeyOf(i);
      if (!key || !acc.has(key) || i.at.slice(0, 10) > cutoff || i.campaignId) continue;
      const t = touches.get(key) ?? { n: 0, social: 0, inbound: 0 };
      t.n++;
      if (i.channel === 'social') t.social++;
      if (i.direction === 'inbound') t.inbound++;
      touches.set(key, t);
    }
    const tickets = new Map<string, { n: number; complaints: number }>();
    for (const tk of model.list('ticket')) {
      const key = customerKeyOf(tk);
      if (!key || !acc.has(key) || tk.createdAt.slice(0, 10) > cutoff) continue;
      const t = tickets.get(key) ?? { n: 0, complaints: 0 };
      t.n++;
      if (tk.kind === 'complaint' || tk.kind === 'return') t.complaints++;
      tickets.set(key, t);
    }
    const contacts = byId(model.list('contact'));
    const accounts = byId(model.list('account'));
    const rows: Record<string, unknown>[] = [];
    let churned = 0;
    for (const [key, a] of acc) {
      if (a.days.size === 0) continue;
      const ref = model.ref(key);
      const contact = ref.contactId ? contacts.get(ref.contactId) : undefined;
      const account = ref.accountId ? accounts.get(ref.accountId) : undefined;
      const t = touches.get(key);
      const tk = tickets.get(key);
      const channel = [...a.channels].sort((x, y) => y[1] - x[1])[0]?.[0] ?? '';
      const row: Record<string, unknown> = {
        customer: ref.name,
        days_since_last_order: Math.round((cutoffMs - Date.parse(`${a.last}T00:00:00Z`)) / DAY_MS),
        purchase_days: a.days.size,
        avg_order_value: Math.round(a.revenue / a.days.size / scale),
        tenure_days: Math.round((cutoffMs - Date.parse(`${a.first}T00:00:00Z`)) / DAY_MS),
        interactions: t?.n ?? 0,
        social_messages: t?.social ?? 0,
        inbound_contacts: t?.inbound ?? 0,
        tickets: tk?.n ?? 0,
        complaints_and_returns: tk?.complaints ?? 0,
        region: contact?.address.region || account?.region || '',
        account_tier: account?.tier ?? '',
        order_channel: channel,
        churned: a.after ? 'No' : 'Yes'
      };
      if (!a.after) churned++;
      rows.push(row);
    }
    return { rows, info: { cutoff, asOf, windowDays, customers: rows.length, churned } };
  });
}

export const workspaceChurnDefaults = { target: 'churned', positive: 'Yes', features: ['days_since_last_order', 'purchase_days', 'avg_order_value', 'tenure_days', 'interactions', 'complaints_and_returns'] };
export const telcoChurnDefaults = { target: 'Churn', positive: 'Yes', features: ['tenure', 'Contract', 'MonthlyCharges', 'InternetService', 'PaymentMethod', 'PaperlessBilling', 'SeniorCitizen', 'TechSupport', 'OnlineSecurity'] };

export type ChurnView = { columns: ColumnInfo[]; rows: number; info: ChurnTableInfo | null; fit: ChurnFit | null; problem: string | null };

export function churnView(rows: readonly Record<string, unknown>[], params: ChurnParams | null, info: ChurnTableInfo | null = null): ChurnView {
  const columns = describeColumns(rows);
  if (!params) return { columns, rows: rows.length, info, fit: null, problem: null };
  try {
    return { columns, rows: rows.length, info, fit: churnModel(rows, params), problem: null };
  } catch (e) {
    return { columns, rows: rows.length, info, fit: null, problem: (e as Error).message };
  }
}

// -- next best offer ------------------------------------------------------------------------------------------------

export type RuleRow = { antecedent: string[]; consequent: string; antecedentKeys: string[]; consequentKey: string; support: number; confidence: number; lift: number; count: number };
/** `item: 'auto'` mines categories when the orders have at least two, else products (an imported history often has no categories). */
export type NboParams = { item: 'category' | 'product' | 'auto'; minSupport: number; minConfidence: number; minLift?: number; search?: string; limit?: number };
export type NboView = { meta: ViewMeta; item: 'category' | 'product'; baskets: number; items: number; totalRules: number; shown: number; rules: RuleRow[]; params: NboParams; minSupport: number };

/** Fewest baskets behind a rule: below this a "pattern" is an anecdote, and on a few hundred baskets a low support lets the itemsets explode. */
export const MIN_RULE_BASKETS = 5;

/** The support actually used: the one asked for, raised to {@link MIN_RULE_BASKETS} baskets on small data. */
export const effectiveSupport = (minSupport: number, baskets: number): number => (baskets > 0 ? Math.max(minSupport, MIN_RULE_BASKETS / baskets) : minSupport);

function mineRules(model: AnalyticsModel, item: 'category' | 'product', minSupport: number, minConfidence: number): AssociationRule[] {
  return model.memo(`rules:${item}:${minSupport}:${minConfidence}`, ['order', 'product'], () => {
    const baskets = model.baskets(item);
    if (baskets.length === 0) return [];
    // Products are many: pairs are what a next best offer needs, and triples of products multiply the work for little.
    return associationRules(baskets, { minSupport: effectiveSupport(minSupport, baskets.length), minConfidence, maxLength: item === 'product' ? 2 : 3 });
  });
}

/** Distinct items in the baskets of a kind. */
function itemCount(model: AnalyticsModel, item: 'category' | 'product'): number {
  return model.memo(`itemCount:${item}`, ['order', 'product'], () => {
    const items = new Set<string>();
    for (const b of model.baskets(item)) for (const i of b) items.add(i);
    return items.size;
  });
}

export function nextBestOfferView(model: AnalyticsModel, params: NboParams): NboView {
  const item = params.item === 'auto' ? (itemCount(model, 'category') >= 2 ? 'category' : 'product') : params.item;
  const baskets = model.baskets(item);
  const label = (k: string) => (item === 'category' ? k : model.itemName(k));
  const all = mineRules(model, item, params.minSupport, params.minConfidence);
  const search = (params.search ?? '').trim().toLowerCase();
  const minLift = params.minLift ?? 0;
  const rows: RuleRow[] = [];
  let matching = 0;
  for (const r of all) {
    if (r.lift < minLift) continue;
    const antecedent = r.antecedent.map(label);
    const consequent = label(r.consequent);
    if (search && ![...antecedent, consequent, ...r.antecedent, r.consequent].some((s) => s.toLowerCase().includes(search))) continue;
    matching++;
    if (rows.length < (params.limit ?? 200)) rows.push({ antecedent, consequent, antecedentKeys: r.antecedent, consequentKey: r.consequent, support: r.support, confidence: r.confidence, lift: r.lift, count: r.count });
  }
  return { meta: model.meta, item, baskets: baskets.length, items: itemCount(model, item), totalRules: matching, shown: rows.length, rules: rows, params, minSupport: effectiveSupport(params.minSupport, baskets.length) };
}

// -- one customer's insights ----------------------------------------------------------------------------------------

export type InsightsRef = { contactId?: string; accountId?: string; externalCustomerId?: string };
export type Recommendation = { item: string; kind: 'category' | 'product'; because: string[]; confidence: number; lift: number };
export type InsightsView = {
  meta: ViewMeta;
  /** Customer keys found for the record (an account has one per buying contact). */
  customers: number;
  orders: number;
  revenue: number;
  lastOrder: string | null;
  segment: string | null;
  /** For an account: the chance that at least one of its buyers is still active, 1 − Π(1 − P(alive)). */
  pAlive: number | null;
  expected90: number | null;
  clv: number | null;
  recommendations: Recommendation[];
  problem: string | null;
};

/** Rules with a low support floor for recommendations: a person looks at one customer, so rarer patterns matter. */
function recommendationRules(model: AnalyticsModel, item: 'category' | 'product'): AssociationRule[] {
  const baskets = model.baskets(item).length;
  // Never below 0.2 % (and never below MIN_RULE_BASKETS baskets, see mineRules).
  return mineRules(model, item, baskets > 0 ? Math.max(0.002, Math.round((MIN_RULE_BASKETS / baskets) * 1e6) / 1e6) : 0.002, 0.1).filter((r) => r.lift > 1.2);
}

export function customerInsightsView(model: AnalyticsModel, ref: InsightsRef): InsightsView {
  const keys = new Set<string>();
  const bought = { category: new Set<string>(), product: new Set<string>() };
  let orders = 0;
  let lastOrder: string | null = null;
  const productItem = model.productItem;
  for (const o of model.sales.orders) {
    const matches = (ref.contactId && o.contactId === ref.contactId) || (ref.accountId && o.accountId === ref.accountId) || (ref.externalCustomerId && o.externalCustomerId === ref.externalCustomerId);
    if (!matches || o.status === 'cancelled') continue;
    const key = customerKeyOf(o);
    if (key) keys.add(key);
    orders++;
    if (!lastOrder || o.orderedAt > lastOrder) lastOrder = o.orderedAt;
    if (o.status === 'returned') continue;
    for (const l of o.lines) {
      if (!(l.quantity > 0)) continue;
      if (l.category) bought.category.add(l.category);
      const p = productItem === 'productId' ? l.productId : l.sku;
      if (p) bought.product.add(p);
    }
  }
  const meta = model.meta;
  const empty: InsightsView = { meta, customers: 0, orders: 0, revenue: 0, lastOrder: null, segment: null, pAlive: null, expected90: null, clv: null, recommendations: [], problem: null };
  if (keys.size === 0) return { ...empty, problem: 'No orders yet: nothing to base a value or an offer on.' };
  const stats = new Map(model.customerStats.map((s) => [s.key, s]));
  let revenue = 0;
  for (const k of keys) revenue += stats.get(k)?.revenue ?? 0;
  const value = model.customerValue;
  const index = model.summaryIndex;
  let notAlive = 1;
  let expected90 = 0;
  let clv = 0;
  let hasClv = value !== null;
  for (const k of keys) {
    const i = index.get(k);
    if (i === undefined || !value) continue;
    notAlive *= 1 - value.pAlive[i];
    expected90 += value.expected90[i];
    if (Number.isFinite(value.clv[i])) clv += value.clv[i];
    else hasClv = false;
  }
  const recommendations: Recommendation[] = [];
  for (const item of ['product', 'category'] as const) {
    const have = bought[item];
    const best = new Map<string, Recommendation>();
    for (const r of recommendationRules(model, item)) {
      if (have.has(r.consequent) || !r.antecedent.every((a) => have.has(a))) continue;
      const prev = best.get(r.consequent);
      if (!prev || r.confidence > prev.confidence) {
        const label = (k: string) => (item === 'category' ? k : model.itemName(k));
        best.set(r.consequent, { item: label(r.consequent), kind: item, because: r.antecedent.map(label), confidence: r.confidence, lift: r.lift });
      }
    }
    recommendations.push(...[...best.values()].sort((a, b) => b.confidence - a.confidence || b.lift - a.lift).slice(0, 3));
  }
  const firstKey = [...keys][0];
  return {
    meta,
    customers: keys.size,
    orders,
    revenue,
    lastOrder: lastOrder?.slice(0, 10) ?? null,
    segment: keys.size === 1 ? (model.segmentByCustomer.get(firstKey) ?? null) : null,
    pAlive: value ? 1 - notAlive : null,
    expected90: value ? expected90 : null,
    clv: hasClv ? clv : null,
    recommendations,
    problem: value ? null : model.lifetime.problem
  };
}

// -- forecasting ------------------------------------------------------------------------------------------------------

export type ForecastParams = { seasonal: 'multiplicative' | 'additive'; horizon?: number; level?: number; period?: number | null };
export type ForecastView = {
  meta: ViewMeta;
  months: string[];
  values: number[];
  /** Months whose value was scaled up from a part of the month (the first month of the data). */
  scaled: { month: string; days: number }[];
  dropped: string | null;
  period: number | null;
  periodNote: string;
  model: { alpha: number; beta: number; gamma: number; sse: number; seasonal: string; converged: boolean } | null;
  fitted: (number | null)[];
  forecast: { months: string[]; mean: number[]; lower: number[]; upper: number[]; level: number } | null;
  problem: string | null;
  pipeline: {
    currency: string;
    byQuarter: { period: string; won: number; weightedOpen: number; bestCase: number; count: number }[];
    quarter: ReturnType<typeof quarterVsLastYear>;
    openDeals: number;
    otherCurrencies: number;
  } | null;
};

const daysInMonth = (month: string): number => {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
};

export function forecastView(model: AnalyticsModel, params: ForecastParams): ForecastView {
  const meta = model.meta;
  const series = monthlyRevenue(model.sales.orders);
  let months = series.months;
  let values = series.values;
  const scaled: { month: string; days: number }[] = [];
  let dropped: string | null = null;
  const first = model.firstOrderAt;
  const asOf = meta.asOf;
  if (asOf && months.length > 0 && months.at(-1) === asOf.slice(0, 7) && Number(asOf.slice(8, 10)) < daysInMonth(months.at(-1)!)) {
    // The last month is not over: its total would read as a collapse.
    dropped = months.at(-1)!;
    months = months.slice(0, -1);
    values = values.slice(0, -1);
  }
  if (first && months.length > 0 && months[0] === first.slice(0, 7) && first.slice(8, 10) !== '01') {
    const days = daysInMonth(months[0]) - Number(first.slice(8, 10)) + 1;
    values = [values[0] * (daysInMonth(months[0]) / days), ...values.slice(1)];
    scaled.push({ month: months[0], days });
  }
  const n = values.length;
  const period = params.period && params.period >= 2 ? params.period : n >= 24 ? 12 : ([6, 4, 3].find((p) => n >= 2 * p) ?? null);
  const periodNote =
    period === 12
      ? 'Season: 12 months (a yearly cycle).'
      : period
        ? `Season: ${period} months — the history covers ${n} complete months, and a yearly season needs 24.`
        : `The history covers ${n} complete months: too short for a seasonal model (at least 6).`;
  let model2: ForecastView['model'] = null;
  let fitted: (number | null)[] = values.map(() => null);
  let fc: ForecastView['forecast'] = null;
  let problem: string | null = null;
  if (period && n >= 2 * period) {
    try {
      const horizon = params.horizon ?? 12;
      const level = params.level ?? 0.95;
      const hw = holtWinters(values, { period, seasonal: params.seasonal });
      const f = hw.forecast(horizon, { level });
      const last = monthIndex(months[n - 1]);
      model2 = { alpha: hw.alpha, beta: hw.beta, gamma: hw.gamma, sse: hw.sse, seasonal: hw.seasonal, converged: hw.converged };
      fitted = hw.fitted.map((v) => (Number.isFinite(v) ? v : null));
      fc = { months: Array.from({ length: horizon }, (_, h) => monthKey(last + h + 1)), mean: f.mean, lower: f.lower.map((v) => Math.max(0, v)), upper: f.upper, level };
    } catch (e) {
      problem = (e as Error).message;
      if (params.seasonal === 'multiplicative' && /non-zero/.test(problem)) problem = 'Some months have no revenue: the multiplicative model needs every month above zero. Choose additive.';
    }
  } else problem = periodNote;

  let pipeline: ForecastView['pipeline'] = null;
  const deals = model.list('opportunity');
  if (deals.length > 0) {
    const stageRecords = model.list('stage');
    const stages: StageInfo[] = stageRecords.length > 0 ? stageRecords : defaultStageInfo;
    const counts = new Map<string, number>();
    for (const d of deals) counts.set(d.amount.currency, (counts.get(d.amount.currency) ?? 0) + 1);
    const currency = [...counts].sort((a, b) => b[1] - a[1])[0][0];
    const mine = deals.filter((d) => d.amount.currency === currency);
    const rows = pipelineForecast(mine, stages, 'quarter');
    const open = new Set(stages.filter((s) => s.outcome === 'open').map((s) => s.id));
    pipeline = {
      currency,
      byQuarter: rows,
      quarter: quarterVsLastYear(mine, stages, model.today),
      openDeals: mine.filter((d) => open.has(d.stage)).length,
      otherCurrencies: deals.length - mine.length
    };
  }
  return { meta, months, values, scaled, dropped, period, periodNote, model: model2, fitted, forecast: fc, problem, pipeline };
}

// -- pivot ------------------------------------------------------------------------------------------------------------

export const pivotDimensions = ['year', 'quarter', 'month', 'day', 'region', 'segment', 'category', 'owner', 'channel'] as const;
export type PivotDimension = (typeof pivotDimensions)[number];
export const pivotMeasures = ['revenue', 'margin', 'count', 'average deal'] as const;
export type PivotMeasure = (typeof pivotMeasures)[number];

/** A pivot as the screen holds it: dimensions by name, a measure, an aggregation, and a slice. */
export type PivotRequest = {
  rows: PivotDimension[];
  columns: PivotDimension[];
  measure: PivotMeasure;
  /** For revenue and margin; count and average deal fix their own. */
  agg: 'sum' | 'avg' | 'count';
  filters: Partial<Record<PivotDimension, string[]>>;
};

const timeDims: readonly PivotDimension[] = ['year', 'quarter', 'month', 'day'];
export const isTimeDimension = (d: PivotDimension): boolean => timeDims.includes(d);

/** The engine's dimension for a screen dimension: time dimensions cut the order day at a grain. */
export function engineDimension(d: PivotDimension): Dimension {
  return isTimeDimension(d) ? { kind: 'time', field: 'day', grain: d as 'year' | 'quarter' | 'month' | 'day', label: d } : { kind: 'field', field: d, label: d };
}

/** One fact per order (or per order and category, when category is in play): what the pivot adds up. */
type PivotFact = { day: string; region: string; segment: string; category: string; owner: string; channel: string; revenue: number; margin: number; orders: number };

function pivotFacts(model: AnalyticsModel, byCategory: boolean): PivotFact[] {
  return model.memo(`pivotFacts:${byCategory}`, ['order', 'product', 'contact', 'account', 'user'], () => {
    const users = new Map(model.list('user').map((u) => [u.id, u.name]));
    const out = new Map<string, PivotFact>();
    for (const f of model.facts) {
      const key = byCategory ? `${f.orderId}\u001f${f.category}` : f.orderId;
      let p = out.get(key);
      if (!p) {
        p = {
          day: f.day,
          region: f.region,
          segment: f.segment,
          category: byCategory ? f.category : '',
          owner: users.get(f.owner) ?? f.owner,
          channel: f.channel,
          revenue: 0,
          margin: 0,
          // A returned order sold nothing: it adds its (zero or negative) revenue but does not count as an order.
          orders: f.status === 'returned' ? 0 : 1
        };
        out.set(key, p);
      }
      p.revenue += f.revenue;
      p.margin += f.margin;
    }
    return [...out.values()];
  });
}

export type PivotView = {
  meta: ViewMeta;
  result: PivotResult;
  request: PivotRequest;
  /** Values each dimension takes in the data (for the slice filters), up to 200 per dimension. */
  values: Partial<Record<PivotDimension, string[]>>;
  /** Rows or columns cut short at 200 / 40 (drill down or slice to see the rest). */
  truncated: { rows: number; columns: number } | null;
};

function cellRatio(a: PivotResult, b: PivotResult): PivotResult {
  const div = (x: number | null, y: number | null) => (x === null || y === null || y === 0 ? null : x / y);
  return {
    ...a,
    measureLabel: 'average deal (revenue per order)',
    cells: a.cells.map((row, r) => row.map((v, c) => div(v, b.cells[r][c]))),
    rowTotals: a.rowTotals.map((v, r) => div(v, b.rowTotals[r])),
    colTotals: a.colTotals.map((v, c) => div(v, b.colTotals[c])),
    grandTotal: div(a.grandTotal, b.grandTotal)
  };
}

export function pivotView(model: AnalyticsModel, request: PivotRequest): PivotView {
  const dims = [...request.rows, ...request.columns, ...(Object.keys(request.filters) as PivotDimension[])];
  const facts = pivotFacts(model, dims.includes('category'));
  const filters: Record<string, string[]> = {};
  for (const [d, values] of Object.entries(request.filters) as [PivotDimension, string[]][]) if (values && values.length > 0) filters[engineIdOf(d)] = values;
  const base: Omit<PivotSpec, 'measure'> = { rows: request.rows.map(engineDimension), columns: request.columns.map(engineDimension), filters };
  let result: PivotResult;
  if (request.measure === 'count') result = { ...pivot(facts, { ...base, measure: { field: 'orders', agg: 'sum', label: 'orders' } }) };
  else if (request.measure === 'average deal') {
    const revenue = pivot(facts, { ...base, measure: { field: 'revenue', agg: 'sum' } });
    const orders = pivot(facts, { ...base, measure: { field: 'orders', agg: 'sum' } });
    result = cellRatio(revenue, orders);
  } else {
    const agg = request.agg;
    result = pivot(facts, { ...base, measure: { field: request.measure, agg, label: agg === 'count' ? 'orders' : `${agg} of ${request.measure}` } });
  }
  const values = pivotValues(model);
  const maxRows = 200;
  const maxCols = 40;
  let truncated: PivotView['truncated'] = null;
  if (result.rowKeys.length > maxRows || result.colKeys.length > maxCols) {
    truncated = { rows: result.rowKeys.length, columns: result.colKeys.length };
    result = {
      ...result,
      rowKeys: result.rowKeys.slice(0, maxRows),
      colKeys: result.colKeys.slice(0, maxCols),
      cells: result.cells.slice(0, maxRows).map((row) => row.slice(0, maxCols)),
      rowTotals: result.rowTotals.slice(0, maxRows),
      colTotals: result.colTotals.slice(0, maxCols)
    };
  }
  return { meta: model.meta, result, request, values, truncated };
}

const engineIdOf = (d: PivotDimension): string => (isTimeDimension(d) ? `day:${d}` : d);
/** The values each dimension takes, for the slice filters (days are left out: drill down to reach them). */
function pivotValues(model: AnalyticsModel): Partial<Record<PivotDimension, string[]>> {
  return model.memo('pivotValues', ['order', 'product', 'contact', 'account', 'user'], () => {
    const out: Partial<Record<PivotDimension, string[]>> = {};
    for (const d of pivotDimensions) {
      if (d === 'day') continue;
      const r = pivot(pivotFacts(model, d === 'category'), { rows: [engineDimension(d)], columns: [], measure: { agg: 'count' } });
      out[d] = r.rowKeys.slice(0, 200).map(([k]) => k);
    }
    return out;
  });
}

// -- cohorts ----------------------------------------------------------------------------------------------------------

export type CohortsView = { meta: ViewMeta; grain: CohortGrain; rows: { cohort: string; size: number }[]; shares: (number | null)[][]; counts: (number | null)[][]; average: (number | null)[]; periods: number; hidden: number };

export function cohortsView(model: AnalyticsModel, params: { grain: CohortGrain; maxCohorts?: number }): CohortsView {
  const r = retentionCohorts(model.transactions, { grain: params.grain });
  const max = params.maxCohorts ?? 36;
  const from = Math.max(0, r.rows.length - max);
  const periods = Math.min(r.periods, max);
  const cut = <T>(xs: T[][]) => xs.slice(from).map((row) => row.slice(0, periods));
  return {
    meta: model.meta,
    grain: r.grain,
    rows: r.rows.slice(from).map((c) => ({ cohort: c.cohort, size: c.size })),
    shares: cut(r.shares),
    counts: cut(r.counts),
    average: r.average.slice(0, periods),
    periods,
    hidden: from
  };
}

// -- service and campaigns ----------------------------------------------------------------------------------------------

export type ProductRateRow = { productId: string; name: string; sku: string; tickets: number; exposure: number; rate: number | null; baselineRate: number; expected: number; pValue: number | null; qValue: number | null; isAnomaly: boolean };
export type MessageRow = {
  campaign: string;
  message: string;
  sent: number;
  opened: number;
  clicked: number;
  responded: number;
  openRate: number | null;
  clickRate: number | null;
  responseRate: number | null;
  openInterval: [number, number] | null;
  clickInterval: [number, number] | null;
  responseInterval: [number, number] | null;
};
export type ServiceView = {
  meta: ViewMeta;
  test: string;
  per: number;
  pooledRate: number;
  kinds: string[];
  products: ProductRateRow[];
  anomalies: number;
  tickets: number;
  messages: MessageRow[];
  campaigns: number;
};

export function serviceView(model: AnalyticsModel, params: { kinds?: string[] } = {}): ServiceView {
  const products = byId(model.list('product'));
  const tickets = model.list('ticket');
  const kinds = [...new Set(tickets.map((t) => t.kind).filter(Boolean))].sort();
  const r = ticketRateAnomalies(tickets, model.facts, { per: 100, kinds: params.kinds && params.kinds.length > 0 ? params.kinds : undefined });
  const rows: ProductRateRow[] = r.products.slice(0, 60).map((p) => {
    const product = products.get(p.productId);
    return { ...p, name: product?.name ?? model.itemName(p.productId), sku: product?.sku ?? '' };
  });
  const stats = campaignStats(model.list('campaign'), model.list('interaction'));
  const interval = (x: { lower: number | null; upper: number | null }): [number, number] | null => (x.lower === null || x.upper === null ? null : [x.lower, x.upper]);
  const messages: MessageRow[] = [];
  for (const c of stats) {
    for (const m of c.messages) {
      messages.push({
        campaign: c.name || 'Campaign not found',
        message: m.name || (m.messageId ? m.messageId : 'Not matched to a message'),
        sent: m.sent,
        opened: m.opened,
        clicked: m.clicked,
        responded: m.responded,
        openRate: m.openRate.value,
        clickRate: m.clickThroughRate.value,
        responseRate: m.responseRate.value,
        openInterval: interval(m.openRate),
        clickInterval: interval(m.clickThroughRate),
        responseInterval: interval(m.responseRate)
      });
    }
  }
  return {
    meta: model.meta,
    test: r.test,
    per: r.per,
    pooledRate: r.pooledRate,
    kinds,
    products: rows,
    anomalies: r.products.filter((p) => p.isAnomaly).length,
    tickets: tickets.length,
    messages,
    campaigns: stats.length
  };
}
