import { describe, expect, it } from 'vitest';
import { customerProfitability, defaultCostRates, whaleCurve } from './profitability';

const facts = [
  { customerId: 'c1', revenue: 1000, cost: 600, segment: 'key' },
  { customerId: 'c1', revenue: 500, cost: 300, segment: 'key' },
  { customerId: 'c2', revenue: 200, cost: 100, segment: 'small' },
  { customerId: 'c3', revenue: 300, cost: 100, segment: 'small' },
  { customerId: '', revenue: 999, cost: 0 }
];
const interactions = [
  { contactId: 'c1', channel: 'phone' },
  { contactId: 'c1', channel: 'phone' },
  { contactId: 'c2', channel: 'email' },
  { contactId: 'c2', channel: 'meeting' },
  { contactId: 'c3', channel: 'sms' },
  { contactId: 'c3', channel: 'email', campaignId: 'k1' },
  { contactId: 'c3', channel: 'meeting', deletedAt: '2025-01-01T00:00:00Z' },
  { accountId: 'a9', channel: 'phone' }
];
const tickets = [
  { contactId: 'c1', kind: 'complaint' },
  { contactId: 'c2', kind: 'question' }
];
const rates = { channels: { phone: 50, email: 5, meeting: 200, sms: 10 }, tickets: { complaint: 300, question: 20 } };

describe('customerProfitability', () => {
  it('takes cost of goods and cost to serve off revenue per customer (hand-computed)', () => {
    const p = customerProfitability({ facts, interactions, tickets }, { rates });
    expect(p.customers.map((c) => [c.customerId, c.revenue, c.cogs, c.grossMargin, c.interactions, c.tickets, c.costToServe, c.profit])).toEqual([
      ['c1', 1500, 900, 600, 2, 1, 100 + 300, 200],
      ['c3', 300, 100, 200, 2, 0, 10 + 5, 185],
      ['c2', 200, 100, 100, 2, 1, 5 + 200 + 20, -125]
    ]);
    expect(p.customers[0].profitMargin).toBeCloseTo(200 / 1500, 12);
    expect(p.customers[0].segment).toBe('key');
  });

  it('totals per segment and overall', () => {
    const p = customerProfitability({ facts, interactions, tickets }, { rates });
    expect(p.segments.map((s) => [s.segment, s.customers, s.revenue, s.costToServe, s.profit, s.unprofitable])).toEqual([
      ['key', 1, 1500, 400, 200, 0],
      ['small', 2, 500, 240, 60, 1]
    ]);
    expect(p.segments[1].profitMargin).toBeCloseTo(0.12, 12);
    expect(p.total).toMatchObject({ customers: 3, revenue: 2000, cogs: 1100, grossMargin: 900, costToServe: 640, profit: 260, unprofitable: 1 });
  });

  it('can leave campaign touches out, list non-buyers, and take segments from a lookup', () => {
    const p = customerProfitability(
      { facts, interactions, tickets },
      { rates, includeCampaignInteractions: false, includeNonBuyers: true, segmentByCustomer: new Map([['c3', 'champions']]) }
    );
    const byId = new Map(p.customers.map((c) => [c.customerId, c]));
    expect(byId.get('c3')).toMatchObject({ costToServe: 10, profit: 190, segment: 'champions' });
    expect(byId.get('a9')).toMatchObject({ revenue: 0, costToServe: 50, profit: -50, profitMargin: null });
  });

  it('uses default rates for anything not overridden, and the fall-back rates for unknown channels and kinds', () => {
    const p = customerProfitability(
      {
        facts: [{ customerId: 'x', revenue: 100_000, cost: 0 }],
        interactions: [{ contactId: 'x', channel: 'phone' }, { contactId: 'x', channel: 'fax' }],
        tickets: [{ contactId: 'x', kind: 'return' }, { contactId: 'x', kind: 'praise' }]
      },
      { rates: { channels: { sms: 1 }, otherTicket: 7 } }
    );
    expect(p.customers[0].costToServe).toBe(defaultCostRates.channels.phone + defaultCostRates.otherInteraction + defaultCostRates.tickets.return + 7);
    expect(p.rates.channels.sms).toBe(1);
  });
});

describe('whaleCurve', () => {
  it('rises above 100 % and comes back to it', () => {
    const w = whaleCurve([{ profit: -125 }, { profit: 200 }, { profit: 185 }]);
    expect(w.basis).toBe('total');
    expect(w.totalProfit).toBe(260);
    expect(w.points.map((p) => [p.customerShare, p.profitShare])).toEqual([
      [0, 0],
      [1 / 3, 200 / 260],
      [2 / 3, 385 / 260],
      [1, 1]
    ]);
    expect(w.peak).toEqual({ customerShare: 2 / 3, profitShare: 385 / 260, customers: 2 });
    expect(w.unprofitableCustomers).toBe(1);
  });

  it('measures against positive profit when the total is a loss', () => {
    const w = whaleCurve([{ profit: 10 }, { profit: -30 }]);
    expect(w.basis).toBe('positive');
    expect(w.points.map((p) => p.profitShare)).toEqual([0, 1, -2]);
  });

  it('thins long curves but keeps the start, the peak and the end', () => {
    const customers = Array.from({ length: 1000 }, (_, i) => ({ profit: 500 - i }));
    const w = whaleCurve(customers, { maxPoints: 50 });
    expect(w.points.length).toBeLessThanOrEqual(51);
    expect(w.points[0]).toEqual({ customerShare: 0, profitShare: 0 });
    expect(w.points.at(-1)).toEqual({ customerShare: 1, profitShare: 1 });
    // Profits 500 … −499: the cumulative sum peaks once the 500 customers with profit > 0 are in.
    expect(w.peak.customers).toBe(500);
    expect(w.points).toContainEqual({ customerShare: w.peak.customerShare, profitShare: w.peak.profitShare });
    expect(whaleCurve([]).points).toEqual([{ customerShare: 0, profitShare: 0 }]);
  });
});
