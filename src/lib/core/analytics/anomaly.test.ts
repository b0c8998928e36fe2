import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, binomialUpperTail, poissonUpperTail, regularizedBeta, regularizedGammaP, ticketRateAnomalies, ticketSpikes } from './anomaly';
import { lgamma } from './special';

// Reference tails by direct summation of the probability mass, in logs (slow but obviously right).
function poissonTailBySum(k: number, lambda: number): number {
  let s = 0;
  for (let i = k; i < k + 5000; i++) s += Math.exp(-lambda + i * Math.log(lambda) - lgamma(i + 1));
  return s;
}
function binomialTailBySum(k: number, n: number, p: number): number {
  let s = 0;
  for (let i = k; i <= n; i++) s += Math.exp(lgamma(n + 1) - lgamma(i + 1) - lgamma(n - i + 1) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return s;
}

describe('tail probabilities', () => {
  it('match hand-computed values', () => {
    // P(X ≥ 3 | λ = 1) = 1 − e⁻¹(1 + 1 + ½)
    expect(poissonUpperTail(3, 1)).toBeCloseTo(1 - 2.5 / Math.E, 14);
    // P(X ≥ 3 | n = 10, p = 0.1) = 1 − (0.9¹⁰ + 10·0.1·0.9⁹ + 45·0.01·0.9⁸)
    expect(binomialUpperTail(3, 10, 0.1)).toBeCloseTo(1 - (0.9 ** 10 + 0.9 ** 9 + 0.45 * 0.9 ** 8), 14);
    expect(poissonUpperTail(0, 5)).toBe(1);
    expect(poissonUpperTail(1, 0)).toBe(0);
    expect(binomialUpperTail(11, 10, 0.5)).toBe(0);
    expect(regularizedGammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 15);
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 15);
  });

  it('match direct summation across the range, including tiny tails', () => {
    for (const [k, lambda] of [[1, 0.01], [5, 2], [12, 17.5], [40, 17.5], [560, 500], [30, 100], [2000, 1800]]) {
      const want = poissonTailBySum(k, lambda);
      expect(Math.abs(poissonUpperTail(k, lambda) - want) / want).toBeLessThan(1e-9);
    }
    for (const [k, n, p] of [[40, 70, 0.25], [3, 5, 0.5], [1, 1000, 0.001], [900, 1000, 0.8], [60, 100, 0.3]]) {
      const want = binomialTailBySum(k, n, p);
      expect(Math.abs(binomialUpperTail(k, n, p) - want) / want).toBeLessThan(1e-9);
    }
  });
});

describe('benjaminiHochberg', () => {
  it('equals R p.adjust(method = "BH")', () => {
    // p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") = 0.02 0.04 0.04 0.02
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.005]).map((q) => +q.toFixed(12))).toEqual([0.02, 0.04, 0.04, 0.02]);
    expect(benjaminiHochberg([0.5, NaN, 0.9])).toEqual([0.9, NaN, 0.9]);
    expect(benjaminiHochberg([])).toEqual([]);
  });
});

const sales = (productId: string, units: number, orders = 10, month = '2025-03') =>
  Array.from({ length: orders }, (_, i) => ({ productId, orderId: `${productId}-o${i}`, quantity: units / orders, month, orderedAt: `${month}-10T00:00:00Z` }));
const ticketsFor = (productId: string, n: number, kind = 'complaint', month = '2025-03') =>
  Array.from({ length: n }, () => ({ productId, kind, createdAt: `${month}-15T00:00:00Z` }));

describe('ticketRateAnomalies', () => {
  const facts = [...sales('P1', 1000), ...sales('P2', 1000), ...sales('P3', 1000), ...sales('P4', 1000), { productId: 'P1', orderId: 'x', quantity: 5, status: 'cancelled' }];
  const tickets = [...ticketsFor('P1', 10), ...ticketsFor('P2', 12), ...ticketsFor('P3', 8), ...ticketsFor('P4', 40), ...ticketsFor('P5', 2), { productId: 'P1', createdAt: '2025-03-01', deletedAt: '2025-03-02' }, { createdAt: '2025-03-01' }];

  it('flags the product far above the pooled rate with an exact Poisson test and BH', () => {
    const r = ticketRateAnomalies(tickets, facts);
    expect(r.test).toBe('poisson-exact-one-sided, BH q<0.05');
    // 70 tickets over 4,000 units: 1.75 per 100 units; each product expects 17.5.
    expect(r.pooledRate).toBeCloseTo(1.75, 12);
    expect(r.products.map((p) => p.productId)).toEqual(['P4', 'P2', 'P1', 'P3', 'P5']);
    const p4 = r.products[0];
    expect(p4).toMatchObject({ tickets: 40, exposure: 1000, rate: 4, isAnomaly: true });
    expect(p4.expected).toBeCloseTo(17.5, 12);
    expect(p4.pValue).toBeCloseTo(poissonTailBySum(40, 17.5), 15);
    expect(p4.qValue).toBeCloseTo((p4.pValue as number) * 4, 15);
    expect(r.products.filter((p) => p.isAnomaly).map((p) => p.productId)).toEqual(['P4']);
    expect(r.products[4]).toMatchObject({ productId: 'P5', exposure: 0, rate: null, pValue: null, isAnomaly: false });
  });

  it('can test each product against all the others (conditional binomial) and per order', () => {
    const r = ticketRateAnomalies(tickets, facts, { method: 'binomial' });
    expect(r.test).toBe('binomial-exact-one-sided (conditional, vs other products), BH q<0.05');
    const p4 = r.products.find((p) => p.productId === 'P4')!;
    expect(p4.baselineRate).toBeCloseTo(1, 12); // 30 tickets over the other 3,000 units
    expect(p4.pValue).toBeCloseTo(binomialTailBySum(40, 70, 0.25), 15);
    const perOrder = ticketRateAnomalies(tickets, facts, { exposure: 'orders', kinds: ['complaint'] });
    expect(perOrder.products.find((p) => p.productId === 'P4')).toMatchObject({ exposure: 10, rate: 400, isAnomaly: true });
    expect(ticketRateAnomalies(tickets, facts, { kinds: ['return'] }).products.every((p) => p.tickets === 0)).toBe(true);
  });

  it('flags nothing when every product runs at the same rate', () => {
    const even = [...ticketsFor('P1', 10), ...ticketsFor('P2', 10), ...ticketsFor('P3', 10), ...ticketsFor('P4', 10)];
    expect(ticketRateAnomalies(even, facts).products.some((p) => p.isAnomaly)).toBe(false);
  });
});

describe('ticketSpikes', () => {
  const months = ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07'];
  const facts = months.flatMap((m) => sales('A', 100, 4, m));
  const tickets = [...months.slice(0, 6).flatMap((m) => ticketsFor('A', 1, 'complaint', m)), ...ticketsFor('A', 9, 'complaint', '2025-07')];

  it("flags a month far above the product's own trailing baseline", () => {
    const r = ticketSpikes(tickets, facts, { window: 6, minHistory: 3, salesWindow: 1 });
    expect(r.test).toBe('poisson-exact-one-sided vs own trailing 6-month baseline, BH q<0.05');
    expect(r.months.map((m) => m.month).sort()).toEqual(['2025-04', '2025-05', '2025-06', '2025-07']);
    const july = r.months[0];
    expect(july).toMatchObject({ productId: 'A', month: '2025-07', tickets: 9, history: 6, isAnomaly: true });
    // Six tickets over 600 units before July, plus the ½: (6.5 / 600) × 100 units.
    expect(july.expected).toBeCloseTo(6.5 / 6, 12);
    expect(july.pValue).toBeCloseTo(poissonTailBySum(9, 6.5 / 6), 15);
    const april = r.months.find((m) => m.month === '2025-04')!;
    expect(april.expected).toBeCloseTo(3.5 / 3, 12);
    expect(r.months.filter((m) => m.isAnomaly)).toHaveLength(1);
  });

  it('counts recent sales (this month and the two before) as a month\'s exposure by default', () => {
    const r = ticketSpikes(tickets, facts);
    // Exposure: Jan 100, Feb 200, then 300 a month. July: (6 + ½) tickets over 1,500 units before it, × 300 units.
    const july = r.months.find((m) => m.month === '2025-07')!;
    expect(july.expected).toBeCloseTo((6.5 / 1500) * 300, 12);
    expect(july.isAnomaly).toBe(true);
    expect(r.months.find((m) => m.month === '2025-04')!.expected).toBeCloseTo((3.5 / 600) * 300, 12);
  });

  it('uses ticket counts alone when there are no sales figures', () => {
    const r = ticketSpikes(tickets, null, { from: '2025-07' });
    expect(r.months).toHaveLength(1);
    expect(r.months[0]).toMatchObject({ month: '2025-07', tickets: 9, isAnomaly: true });
    expect(r.months[0].expected).toBeCloseTo(6.5 / 6, 12);
  });
});
