// The analytics screens' figures on the small demo workspace (generated in memory) and on the Telco churn file.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../demo/generate';
import { analyticsCollections, pickerOf, sortStages, type AnalyticsInputs, type LoadedInputs } from './loaders';
import {
  AnalyticsModel,
  churnView,
  cohortsView,
  customerInsightsView,
  describeColumns,
  forecastView,
  nextBestOfferView,
  overviewView,
  pivotView,
  profitabilityView,
  segmentationView,
  segmentMembers,
  serviceView,
  telcoChurnDefaults,
  thin,
  twoSidedP,
  valueView,
  workspaceChurnDefaults,
  workspaceChurnTable
} from './views';

let model: AnalyticsModel;
let loaded: LoadedInputs;

beforeAll(() => {
  const data: Partial<Record<keyof AnalyticsInputs, unknown[]>> = {};
  const names = new Map<string, string>();
  const wanted = new Set<string>(analyticsCollections);
  const batches = [...generateDemo('small', 1).batches()].filter((b) => wanted.has(b.collection));
  // Products first, as the loader reads them, so their names win over order-line descriptions.
  batches.sort((a, b) => (a.collection === 'product' ? -1 : b.collection === 'product' ? 1 : 0));
  for (const b of batches) {
    const pick = pickerOf(b.collection as keyof AnalyticsInputs, names);
    const list = (data[b.collection as keyof AnalyticsInputs] ??= []);
    for (const r of b.records) list.push(pick(r as Record<string, unknown>));
  }
  if (data.stage) data.stage = sortStages(data.stage as AnalyticsInputs['stage']);
  const stamps = Object.fromEntries(analyticsCollections.map((c) => [c, '1']));
  loaded = { data: data as Partial<AnalyticsInputs>, stamps, itemNames: names };
  model = new AnalyticsModel({ today: '2026-11-23' });
  model.update(loaded);
});

describe('analytics screens on the small demo', () => {
  it('overview: one currency, the last order day as "today", revenue of the last 12 months', () => {
    const v = overviewView(model);
    expect(v.meta).toMatchObject({ currency: 'NPR', digits: 2, otherCurrencyOrders: 0 });
    expect(v.meta.asOf! >= '2026-11-01' && v.meta.asOf! <= '2026-11-15').toBe(true);
    expect(v.meta.customers).toBeGreaterThan(300);
    expect(v.revenue12).toBeGreaterThan(v.revenuePrev12 * 0.9);
    expect(v.activeCustomers12).toBeGreaterThan(0);
  });

  it('segmentation: every customer in one named segment, and k chosen by the criterion shown', () => {
    const v = segmentationView(model, { criterion: 'elbow', k: null });
    expect(v.segments.reduce((s, r) => s + r.customers, 0)).toBe(v.meta.customers);
    expect(v.grid.flat().reduce((a, b) => a + b, 0)).toBe(v.meta.customers);
    expect(v.segments.map((s) => s.segment)).toContain('champions');
    const champions = v.segments.find((s) => s.segment === 'champions')!;
    const lost = v.segments.find((s) => s.segment === 'lost')!;
    expect(champions.avgRecencyDays).toBeLessThan(lost.avgRecencyDays);
    expect(champions.avgOrders).toBeGreaterThan(lost.avgOrders);

    const c = v.clustering!;
    expect(c.k).toBe(c.elbowK);
    expect(c.curve.map((p) => p.k)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // withinSS never rises with k (same seed, more centres).
    for (let i = 1; i < c.curve.length; i++) expect(c.curve[i].withinSS).toBeLessThanOrEqual(c.curve[i - 1].withinSS * 1.0001);
    expect(c.clusters.reduce((s, r) => s + r.size, 0)).toBe(v.meta.customers);
    expect(c.clusters.map((r) => r.cluster)).toEqual(c.clusters.map((_, i) => i + 1));

    const bySilhouette = segmentationView(model, { criterion: 'silhouette', k: null }).clustering!;
    expect(bySilhouette.k).toBe(bySilhouette.silhouetteK);
    const best = Math.max(...bySilhouette.curve.filter((p) => p.silhouette !== null).map((p) => p.silhouette!));
    expect(bySilhouette.curve.find((p) => p.k === bySilhouette.k)!.silhouette).toBe(best);
    expect(segmentationView(model, { criterion: 'elbow', k: 4 }).clustering!.k).toBe(4);
  });

  it('a saved list holds the contacts of a segment or cluster', () => {
    const v = segmentationView(model, { criterion: 'elbow', k: 3 });
    const champions = v.segments.find((s) => s.segment === 'champions')!;
    const members = segmentMembers(model, { by: 'rfm', segment: 'champions' });
    expect(members.contactIds).toHaveLength(champions.contacts);
    expect(members.customers).toBe(champions.customers);
    const first = v.clustering!.clusters[0];
    const cluster = segmentMembers(model, { by: 'cluster', index: first.index, criterion: 'elbow', k: 3 });
    expect(cluster.customers).toBe(first.size);
  });

  it('profitability: profits add up, the whale curve peaks above 100 % and ends at 100 %', () => {
    const v = profitabilityView(model, {});
    expect(v.segments.reduce((s, r) => s + r.profit, 0)).toBe(v.total.profit);
    expect(v.total.costToServe).toBeGreaterThan(0);
    expect(v.hasCosts).toBe(true);
    expect(v.whale.peak.profitShare).toBeGreaterThanOrEqual(1);
    expect(v.whale.points.at(-1)!.profitShare).toBeCloseTo(1, 9);
    expect(v.top[0].profit).toBeGreaterThanOrEqual(v.bottom[0].profit);
    expect(v.top[0].name).not.toBe(v.top[0].customerId);
    // Dearer phone calls make serving cost more.
    const dearer = profitabilityView(model, { rates: { channels: { phone: 50_000 } } });
    expect(dearer.total.costToServe).toBeGreaterThan(v.total.costToServe);
    expect(dearer.rates.channels.phone).toBe(50_000);
  });

  it('customer value: BG/NBD and Gamma-Gamma fitted, at-risk customers are likely gone but valuable', () => {
    const v = valueView(model, {});
    expect(v.problem).toBeNull();
    for (const p of [v.bgNbd!.r, v.bgNbd!.alpha, v.bgNbd!.a, v.bgNbd!.b, v.gammaGamma!.p, v.gammaGamma!.q, v.gammaGamma!.v]) expect(p).toBeGreaterThan(0);
    expect(v.totalClv!).toBeGreaterThan(0);
    expect(v.aliveBins.reduce((a, b) => a + b, 0)).toBe(v.meta.customers);
    expect(v.top.length).toBeGreaterThan(0);
    for (let i = 1; i < v.top.length; i++) expect(v.top[i].clv!).toBeLessThanOrEqual(v.top[i - 1].clv!);
    expect(v.atRisk.length).toBeGreaterThan(0);
    for (const r of v.atRisk) {
      expect(r.pAlive).toBeLessThan(0.5);
      expect(r.orders).toBeGreaterThan(1);
      expect(r.contactId).not.toBe('');
    }
  });

  it('churn on the workspace: features before the cut-off predict who bought again after it', () => {
    const { rows, info } = workspaceChurnTable(model);
    expect(info!.customers).toBe(rows.length);
    expect(info!.churned).toBeGreaterThan(0);
    expect(info!.churned).toBeLessThan(rows.length);
    const v = churnView(rows, { ...workspaceChurnDefaults, testFraction: 0.3, seed: 1 }, info);
    expect(v.problem).toBeNull();
    expect(v.columns.find((c) => c.name === 'customer')!.isIdentifier).toBe(true);
    expect(v.fit!.auc).toBeGreaterThan(0.6);
    expect(v.fit!.terms[0].term).toBe('(Intercept)');
    expect(v.fit!.roc[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(v.fit!.roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    expect(churnView(rows, { ...workspaceChurnDefaults, features: [] }).problem).toMatch(/at least one feature/);
  });

  it('next best offer: a high-end phone brings a case and earbuds, far above chance', () => {
    const v = nextBestOfferView(model, { item: 'category', minSupport: 0.01, minConfidence: 0.1 });
    const toCase = v.rules.find((r) => r.antecedent.length === 1 && r.antecedent[0] === 'High-end phones' && r.consequent === 'Phone cases');
    expect(toCase!.lift).toBeGreaterThan(2);
    const byProduct = nextBestOfferView(model, { item: 'product', minSupport: 0.002, minConfidence: 0.1, search: 'case' });
    expect(byProduct.rules.length).toBeGreaterThan(0);
    // Products are named, not shown by id.
    expect(byProduct.rules[0].consequent).not.toMatch(/^[0-9a-f-]{36}$/);
    expect(nextBestOfferView(model, { item: 'category', minSupport: 0.01, minConfidence: 0.1, minLift: 1e9 }).rules).toEqual([]);
    // The demo has categories, so "auto" mines them.
    expect(nextBestOfferView(model, { item: 'auto', minSupport: 0.01, minConfidence: 0.1 }).item).toBe('category');
  });

  it('customer insights: value, P(alive) and an offer for a phone buyer without a case', () => {
    const orders = loaded.data.order!;
    const byContact = new Map<string, Set<string>>();
    for (const o of orders) for (const l of o.lines) {
      const s = byContact.get(o.contactId) ?? new Set<string>();
      s.add(l.category);
      byContact.set(o.contactId, s);
    }
    const [contactId] = [...byContact].find(([, cats]) => cats.has('High-end phones') && !cats.has('Phone cases'))!;
    const v = customerInsightsView(model, { contactId });
    expect(v.orders).toBeGreaterThan(0);
    expect(v.pAlive!).toBeGreaterThan(0);
    expect(v.pAlive!).toBeLessThanOrEqual(1);
    expect(v.clv!).toBeGreaterThanOrEqual(0);
    expect(v.recommendations.some((r) => r.kind === 'category' && r.item === 'Phone cases')).toBe(true);
    const account = customerInsightsView(model, { accountId: orders.find((o) => o.accountId)!.accountId });
    expect(account.customers).toBeGreaterThan(0);
    expect(customerInsightsView(model, { contactId: 'nobody' }).problem).toMatch(/No orders/);
  });

  it('forecasting: complete months, a yearly season, a band around the forecast, and the pipeline', () => {
    const v = forecastView(model, { seasonal: 'multiplicative' });
    expect(v.problem).toBeNull();
    expect(v.period).toBe(12);
    expect(v.dropped).toBe('2026-11');
    expect(v.months.length).toBeGreaterThanOrEqual(24);
    const f = v.forecast!;
    expect(f.months[0]).toBe('2026-11');
    for (let h = 0; h < f.mean.length; h++) {
      expect(f.lower[h]).toBeLessThanOrEqual(f.mean[h]);
      expect(f.upper[h]).toBeGreaterThanOrEqual(f.mean[h]);
    }
    // The festival season peaks again in October 2027.
    const peak = f.months[f.mean.indexOf(Math.max(...f.mean))];
    expect(['2027-09', '2027-10', '2026-11']).toContain(peak);
    expect(forecastView(model, { seasonal: 'additive' }).model!.seasonal).toBe('additive');
    expect(v.pipeline!.quarter.thisQuarter.period).toBe('2026-Q4');
    expect(v.pipeline!.byQuarter.length).toBeGreaterThan(0);
  });

  it('pivot: totals agree with the revenue, average deal is revenue per order, category splits orders', () => {
    const byYear = pivotView(model, { rows: ['year'], columns: ['region'], measure: 'revenue', agg: 'sum', filters: {} });
    const revenue = model.facts.reduce((s, f) => s + f.revenue, 0);
    expect(byYear.result.grandTotal).toBe(revenue);
    expect(byYear.values.region!.length).toBeGreaterThan(2);
    const count = pivotView(model, { rows: ['year'], columns: [], measure: 'count', agg: 'sum', filters: {} });
    const avg = pivotView(model, { rows: ['year'], columns: [], measure: 'average deal', agg: 'sum', filters: {} });
    expect(avg.result.grandTotal).toBeCloseTo(revenue / count.result.grandTotal!, 6);
    const sliced = pivotView(model, { rows: ['quarter'], columns: [], measure: 'revenue', agg: 'sum', filters: { year: ['2025'] } });
    expect(sliced.result.rowKeys.map(([k]) => k)).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    const byCategory = pivotView(model, { rows: ['category'], columns: [], measure: 'count', agg: 'sum', filters: {} });
    expect(byCategory.result.rowKeys.map(([k]) => k)).toContain('High-end phones');
    expect(byCategory.result.grandTotal!).toBeGreaterThan(count.result.grandTotal!);
  });

  it('cohorts start at 100 % and service flags the faulty phone with the test named', () => {
    const c = cohortsView(model, { grain: 'month' });
    expect(c.rows.length).toBeGreaterThan(20);
    expect(c.shares.every((r) => r[0] === 1)).toBe(true);
    const s = serviceView(model);
    expect(s.test).toMatch(/poisson/);
    expect(s.products.filter((p) => p.isAnomaly).map((p) => p.sku)).toEqual(['PH-VP20']);
    expect(s.messages.length).toBeGreaterThan(0);
    for (const m of s.messages) expect(m.opened).toBeLessThanOrEqual(m.sent);
  });
});

describe('churn on the Telco file', () => {
  it('fits the usual features with a held-out AUC near 0.84', () => {
    const text = readFileSync(resolve(process.cwd(), '../shared/data/Telco-Customer-Churn.csv'), 'utf8');
    const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
    const cols = describeColumns(rows);
    expect(cols.find((c) => c.name === 'customerID')!.isIdentifier).toBe(true);
    expect(cols.find((c) => c.name === 'tenure')!.kind).toBe('numeric');
    expect(cols.find((c) => c.name === 'Contract')!.levels.sort()).toEqual(['Month-to-month', 'One year', 'Two year']);
    const v = churnView(rows, { ...telcoChurnDefaults, testFraction: 0.3, seed: 7 });
    expect(v.problem).toBeNull();
    expect(v.fit!.auc).toBeGreaterThan(0.8);
    expect(v.fit!.positive).toBe('Yes');
    const twoYear = v.fit!.terms.find((t) => t.term === 'Contract=Two year')!;
    expect(twoYear.oddsRatio).toBeLessThan(1);
    expect(twoYear.pValue).toBeLessThan(0.001);
    expect(v.fit!.nTrain + v.fit!.nTest + v.fit!.unscored).toBeLessThanOrEqual(rows.length);
  });
});

describe('helpers', () => {
  it('thins curves keeping both ends, and gives two-sided normal p-values', () => {
    expect(thin([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4)).toEqual([1, 4, 7, 10]);
    expect(twoSidedP(1.959963985)).toBeCloseTo(0.05, 6);
    expect(twoSidedP(0)).toBeCloseTo(1, 9);
  });
});
