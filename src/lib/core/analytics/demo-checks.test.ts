// The analytics end to end on the small demo workspace (generated in memory): what a person exploring the demo sees.
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../demo/generate';
import type { Account } from '../model/account';
import type { Campaign } from '../model/campaign';
import type { Contact } from '../model/contact';
import type { Interaction } from '../model/interaction';
import type { Order } from '../model/order';
import type { Product } from '../model/product';
import type { Ticket } from '../model/ticket';
import { ticketRateAnomalies, ticketSpikes } from './anomaly';
import { campaignStats } from './campaign-stats';
import { retentionCohorts } from './cohorts';
import { byId, monthlyRevenue, orderLinesAsFacts, ordersAsTransactions, type OrderFact } from './datasets';
import { pivot } from './pivot';
import { customerProfitability, whaleCurve } from './profitability';

type Demo = { order: Order[]; product: Product[]; account: Account[]; contact: Contact[]; ticket: Ticket[]; interaction: Interaction[]; campaign: Campaign[] };
let demo: Demo;
let facts: OrderFact[];

beforeAll(() => {
  const all: Record<string, unknown[]> = {};
  for (const b of generateDemo('small', 1).batches()) (all[b.collection] ??= []).push(...b.records);
  demo = all as unknown as Demo;
  facts = orderLinesAsFacts(demo.order, { productsById: byId(demo.product), accountsById: byId(demo.account), contactsById: byId(demo.contact) });
});

describe('analytics on the small demo', () => {
  it('finds the demo’s defective phone, and only it, by its ticket rate', () => {
    const r = ticketRateAnomalies(demo.ticket, facts);
    const flagged = r.products.filter((p) => p.isAnomaly).map((p) => demo.product.find((x) => x.id === p.productId)?.sku);
    expect(flagged).toEqual(['PH-VP20']);
    expect(r.products[0].qValue).toBeLessThan(1e-6);
    const spikes = ticketSpikes(demo.ticket, facts);
    expect(spikes.months.length).toBeGreaterThan(100);
    for (const m of spikes.months.filter((x) => x.isAnomaly)) expect(m.tickets).toBeGreaterThan(m.expected);
  });

  it('gives funnel counts that narrow stage by stage, with intervals around the rates', () => {
    const stats = campaignStats(demo.campaign, demo.interaction);
    expect(stats).toHaveLength(demo.campaign.length);
    for (const c of stats) {
      expect(c.opened).toBeLessThanOrEqual(c.sent);
      expect(c.clicked).toBeLessThanOrEqual(c.opened);
      for (const rate of [c.openRate, c.clickThroughRate, c.clickToOpenRate, c.responseRate]) {
        if (rate.value === null) continue;
        expect(rate.lower!).toBeLessThanOrEqual(rate.value);
        expect(rate.upper!).toBeGreaterThanOrEqual(rate.value);
      }
      expect(c.messages.every((m) => m.messageId !== '')).toBe(true);
    }
    const twoMessages = stats.find((c) => c.messages.length === 2 && c.sent > 0)!;
    expect(twoMessages.messages.every((m) => m.sent > 0)).toBe(true);
    expect(stats.some((c) => c.sent === 0 && c.openRate.value === null)).toBe(true);
  });

  it('agrees with itself: pivot by month = the monthly series; profits add up; cohorts start at 100 %', () => {
    const byMonth = pivot(facts, { rows: ['month'], columns: [], measure: { field: 'revenue', agg: 'sum' } });
    const series = monthlyRevenue(demo.order);
    expect(byMonth.rowKeys.map(([m]) => m)).toEqual(series.months);
    expect(byMonth.rowTotals).toEqual(series.values);

    const p = customerProfitability({ facts, interactions: demo.interaction, tickets: demo.ticket });
    expect(p.customers.reduce((s, c) => s + c.profit, 0)).toBe(p.total.profit);
    expect(p.total.revenue).toBe(facts.filter((f) => f.customerId).reduce((s, f) => s + f.revenue, 0));
    const w = whaleCurve(p.customers);
    expect(w.points.at(-1)!.profitShare).toBeCloseTo(1, 12);
    expect(w.peak.profitShare).toBeGreaterThanOrEqual(1);

    const cohorts = retentionCohorts(ordersAsTransactions(demo.order));
    expect(cohorts.rows.length).toBeGreaterThan(20);
    expect(cohorts.rows.every((r) => r.shares[0] === 1)).toBe(true);
    expect(cohorts.average[1]!).toBeGreaterThan(0);
  });
});
