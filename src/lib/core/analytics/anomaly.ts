// Ticket-rate anomalies: products (or product-months) with significantly more tickets than their exposure predicts.
import { lgamma } from './special';

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITER = 10_000;

/**
 * Regularised lower incomplete gamma P(a, x) = γ(a, x)/Γ(a), a > 0, x ≥ 0: its power series for x < a + 1 and the
 * continued fraction of Q = 1 − P (modified Lentz) otherwise — Press et al., "Numerical Recipes" 3rd ed., §6.2.
 * The series keeps full relative precision for the small tail probabilities a test needs.
 */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  const logPrefix = -x + a * Math.log(x) - lgamma(a);
  if (x < a + 1) {
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < MAX_ITER; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return Math.min(1, sum * Math.exp(logPrefix));
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.max(0, 1 - Math.exp(logPrefix) * h);
}

// Continued fraction of the incomplete beta function (Numerical Recipes 3rd ed., §6.4, modified Lentz).
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b), a, b > 0, 0 ≤ x ≤ 1 (Numerical Recipes 3rd ed., §6.4). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1)) return NaN;
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return Math.exp(logFront) * betaContinuedFraction(a, b, x) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(X ≥ k) for X ~ Poisson(λ): 1 for k ≤ 0, else P(k, λ) (the Poisson–gamma identity). */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (!(lambda > 0)) return lambda === 0 ? 0 : NaN;
  return regularizedGammaP(Math.ceil(k), lambda);
}

/** P(X ≥ k) for X ~ Binomial(n, p): 1 for k ≤ 0, 0 for k > n, else I_p(k, n − k + 1). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return regularizedBeta(p, k, n - k + 1);
}

/**
 * Benjamini–Hochberg adjusted p-values ("q-values"): q₍ᵢ₎ = min over j ≥ i of p₍ⱼ₎·m/j, capped at 1 (Benjamini &
 * Hochberg 1995, JRSS B 57:289–300; as R's p.adjust(method = "BH")). Rejecting q < α controls the false discovery
 * rate at α. NaN p-values are left out of m and stay NaN.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const idx = pValues.map((_, i) => i).filter((i) => !Number.isNaN(pValues[i]));
  idx.sort((i, j) => pValues[i] - pValues[j]);
  const m = idx.length;
  const q = pValues.map(() => NaN);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = idx[r];
    running = Math.min(running, (pValues[i] * m) / (r + 1));
    q[i] = running;
  }
  return q;
}

type Live = { deletedAt?: string | null; _del?: 0 | 1 };
export type AnomalyTicket = Live & { productId?: string; kind?: string; createdAt: string };
/** Order-line facts (see `orderLinesAsFacts`): what was sold of a product, and when. */
export type ExposureFact = { productId: string; orderId: string; quantity: number; month?: string; orderedAt?: string; status?: string };

export type ExposureUnit = 'units' | 'orders';

export type RateAnomalyOptions = {
  /** What a ticket rate is per: units sold (default) or orders containing the product. */
  exposure?: ExposureUnit;
  /** Rate shown per this many exposure units (default 100: tickets per 100 units or per 100 orders). */
  per?: number;
  /** Only tickets of these kinds (default every kind). */
  kinds?: readonly string[];
  /**
   * 'poisson' (default): k ~ Poisson(pooled rate × exposure), the pooled rate of all products.
   * 'binomial': the exact conditional test of the product's rate against all other products' (given the total count
   * K, k ~ Binomial(K, e/E) when the rates are equal; Przyborowski & Wileński 1940, Biometrika 31:313–323) — it does
   * not let a big anomalous product raise its own baseline.
   */
  method?: 'poisson' | 'binomial';
  /** False discovery rate (default 0.05). */
  alpha?: number;
  /** Ticket and sales window ('YYYY-MM-DD' inclusive bounds on the ISO strings); default everything. */
  from?: string;
  to?: string;
};

export type ProductRate = {
  productId: string;
  tickets: number;
  /** Units sold (or orders), cancelled orders excluded. */
  exposure: number;
  /** Tickets per `per` exposure units; null without exposure. */
  rate: number | null;
  /** The rate the product is tested against, per `per`. */
  baselineRate: number;
  /** Tickets expected at the baseline rate. */
  expected: number;
  /** One-sided: P(this many tickets or more | baseline). null when the product has no exposure (cannot be tested). */
  pValue: number | null;
  qValue: number | null;
  /** q < alpha and the rate is above the baseline. */
  isAnomaly: boolean;
};

export type RateAnomalies = {
  /** The test, named: e.g. 'poisson-exact-one-sided, BH q<0.05'. */
  test: string;
  alpha: number;
  per: number;
  exposureUnit: ExposureUnit;
  /** Pooled rate over the tested products, per `per`. */
  pooledRate: number;
  /** Most anomalous first (by p-value), untestable products last. */
  products: ProductRate[];
};

const live = (r: Live): boolean => !r._del && !r.deletedAt;
const within = (iso: string | undefined, from?: string, to?: string): boolean => {
  if (!iso) return !from && !to;
  // Compared on the common prefix, so a 'YYYY-MM' month falls within a 'YYYY-MM-DD' bound in that month.
  if (from) {
    const n = Math.min(iso.length, from.length);
    if (iso.slice(0, n) < from.slice(0, n)) return false;
  }
  if (to) {
    const n = Math.min(iso.length, to.length);
    if (iso.slice(0, n) > to.slice(0, n)) return false;
  }
  return true;
};

function exposureByProduct(facts: Iterable<ExposureFact>, unit: ExposureUnit, from?: string, to?: string): Map<string, number> {
  const units = new Map<string, number>();
  const orders = new Map<string, Set<string>>();
  for (const f of facts) {
    if (!f.productId || f.status === 'cancelled' || !(f.quantity > 0)) continue;
    if ((from || to) && !within(f.orderedAt ?? f.month, from, to)) continue;
    if (unit === 'units') units.set(f.productId, (units.get(f.productId) ?? 0) + f.quantity);
    else {
      let s = orders.get(f.productId);
      if (!s) orders.set(f.productId, (s = new Set()));
      s.add(f.orderId);
    }
  }
  if (unit === 'orders') for (const [p, s] of orders) units.set(p, s.size);
  return units;
}

/**
 * Flags products whose ticket rate (tickets per 100 units sold, or per 100 orders) is significantly above the baseline.
 *
 * Test (one per product with exposure): H₀ "the product's tickets arrive at the baseline rate". With the default
 * 'poisson' method the baseline is the pooled rate λ₀ = Σk / Σe over all tested products and the one-sided exact
 * p-value is P(X ≥ k) for X ~ Poisson(λ₀·e) (computed as the regularised incomplete gamma P(k, λ₀e), no normal
 * approximation). With 'binomial' the product is compared with all the others by the exact conditional binomial test.
 * The p-values are adjusted for the number of products with Benjamini–Hochberg; a product is an anomaly when q < alpha
 * and its rate is above the baseline. Tickets without a product, deleted ones and other kinds are not counted.
 */
export function ticketRateAnomalies(tickets: Iterable<AnomalyTicket>, facts: Iterable<ExposureFact>, options: RateAnomalyOptions = {}): RateAnomalies {
  const unit = options.exposure ?? 'units';
  const per = options.per ?? 100;
  const alpha = options.alpha ?? 0.05;
  const method = options.method ?? 'poisson';
  const kinds = options.kinds ? new Set(options.kinds) : null;
  const exposure = exposureByProduct(facts, unit, options.from, options.to);
  const counts = new Map<string, number>();
  for (const t of tickets) {
    if (!live(t) || !t.productId || (kinds && !kinds.has(t.kind ?? ''))) continue;
    if (!within(t.createdAt, options.from, options.to)) continue;
    counts.set(t.productId, (counts.get(t.productId) ?? 0) + 1);
  }
  const ids = new Set([...exposure.keys(), ...counts.keys()]);
  let totalTickets = 0;
  let totalExposure = 0;
  for (const id of ids) {
    const e = exposure.get(id) ?? 0;
    if (e <= 0) continue;
    totalTickets += counts.get(id) ?? 0;
    totalExposure += e;
  }
  const pooled = totalExposure > 0 ? totalTickets / totalExposure : 0;
  const rows: ProductRate[] = [];
  for (const productId of ids) {
    const k = counts.get(productId) ?? 0;
    const e = exposure.get(productId) ?? 0;
    if (e <= 0) {
      rows.push({ productId, tickets: k, exposure: 0, rate: null, baselineRate: pooled * per, expected: 0, pValue: null, qValue: null, isAnomaly: false });
      continue;
    }
    let baseline = pooled;
    let p: number;
    if (method === 'binomial') {
      const restE = totalExposure - e;
      baseline = restE > 0 ? (totalTickets - k) / restE : pooled;
      p = restE > 0 ? binomialUpperTail(k, totalTickets, e / totalExposure) : 1;
    } else p = poissonUpperTail(k, pooled * e);
    rows.push({ productId, tickets: k, exposure: e, rate: (k / e) * per, baselineRate: baseline * per, expected: baseline * e, pValue: p, qValue: null, isAnomaly: false });
  }
  const tested = rows.filter((r) => r.pValue !== null);
  const q = benjaminiHochberg(tested.map((r) => r.pValue as number));
  tested.forEach((r, i) => {
    r.qValue = q[i];
    r.isAnomaly = q[i] < alpha && (r.rate as number) > r.baselineRate;
  });
  rows.sort((a, b) => (a.pValue ?? 2) - (b.pValue ?? 2) || b.tickets - a.tickets || (a.productId < b.productId ? -1 : 1));
  const name = method === 'binomial' ? 'binomial-exact-one-sided (conditional, vs other products)' : 'poisson-exact-one-sided';
  return { test: `${name}, BH q<${alpha}`, alpha, per, exposureUnit: unit, pooledRate: pooled * per, products: rows };
}

export type SpikeOptions = {
  /** Trailing months forming a month's baseline (default 6). */
  window?: number;
  /** Fewest baseline months before a month is tested (default 3). */
  minHistory?: number;
  /** Exposure per product-month from facts: units (default when facts are given) or orders. */
  exposure?: ExposureUnit;
  /**
   * Months of sales that make up a month's exposure: that month and the ones before it (default 3). Tickets trail
   * sales by weeks, so a month's tickets come from recent sales, not only that month's.
   */
  salesWindow?: number;
  kinds?: readonly string[];
  alpha?: number;
  /** Only report (and count for BH) months from this 'YYYY-MM' on; history before it still forms baselines. */
  from?: string;
};

export type TicketSpike = {
  productId: string;
  /** 'YYYY-MM'. */
  month: string;
  tickets: number;
  /** Tickets the baseline predicts for the month. */
  expected: number;
  /** Months in the baseline. */
  history: number;
  pValue: number;
  qValue: number;
  isAnomaly: boolean;
};

export type TicketSpikes = { test: string; alpha: number; window: number; months: TicketSpike[] };

const monthNo = (m: string): number => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const monthOf = (n: number): string => {
  const y = Math.floor(n / 12);
  const m = n - y * 12 + 1;
  return `${y}-${m < 10 ? '0' : ''}${m}`;
};

/**
 * Flags months in which a product drew more tickets than its own recent history predicts.
 *
 * Test: for each product and month with at least `minHistory` baseline months, the expected count is λ = r̂·e, where
 * e is the month's exposure (units or orders sold in it and the `salesWindow` − 1 months before, when facts are given;
 * else 1) and r̂ = (tickets + ½)/exposure over the previous `window` months — the ½ (a Jeffreys-style continuity term) keeps a product with a clean history from
 * being flagged for its first single ticket. The one-sided exact p-value is P(X ≥ k) for X ~ Poisson(λ);
 * Benjamini–Hochberg adjusts over every product-month tested. A product's history starts at its first sale (with
 * facts) or first ticket. Months are calendar months of the UTC instants.
 */
export function ticketSpikes(tickets: Iterable<AnomalyTicket>, facts: Iterable<ExposureFact> | null, options: SpikeOptions = {}): TicketSpikes {
  const window = options.window ?? 6;
  const minHistory = Math.min(window, options.minHistory ?? 3);
  if (!(window >= 1)) throw new RangeError('window must be at least 1 month');
  const alpha = options.alpha ?? 0.05;
  const kinds = options.kinds ? new Set(options.kinds) : null;
  const unit = options.exposure ?? 'units';
  const salesWindow = Math.max(1, options.salesWindow ?? 3);
  const series = new Map<string, { tickets: Map<number, number>; exposure: Map<number, number>; orders: Map<number, Set<string>>; first: number }>();
  let last = -Infinity;
  const of = (id: string) => {
    let s = series.get(id);
    if (!s) series.set(id, (s = { tickets: new Map(), exposure: new Map(), orders: new Map(), first: Infinity }));
    return s;
  };
  for (const t of tickets) {
    if (!live(t) || !t.productId || (kinds && !kinds.has(t.kind ?? ''))) continue;
    const m = monthNo(t.createdAt);
    const s = of(t.productId);
    s.tickets.set(m, (s.tickets.get(m) ?? 0) + 1);
    if (m < s.first) s.first = m;
    if (m > last) last = m;
  }
  const hasExposure = facts !== null;
  if (facts) {
    for (const f of facts) {
      if (!f.productId || f.status === 'cancelled' || !(f.quantity > 0)) continue;
      const when = f.month ?? f.orderedAt;
      if (!when) continue;
      const m = monthNo(when);
      const s = of(f.productId);
      if (unit === 'units') s.exposure.set(m, (s.exposure.get(m) ?? 0) + f.quantity);
      else {
        let o = s.orders.get(m);
        if (!o) s.orders.set(m, (o = new Set()));
        o.add(f.orderId);
      }
      if (m < s.first) s.first = m;
      if (m > last) last = m;
    }
  }
  const from = options.from ? monthNo(options.from) : -Infinity;
  const out: TicketSpike[] = [];
  for (const [productId, s] of series) {
    if (unit === 'orders') for (const [m, o] of s.orders) s.exposure.set(m, o.size);
    const exposureAt = (m: number): number => {
      if (!hasExposure) return 1;
      let e = 0;
      for (let j = 0; j < salesWindow; j++) e += s.exposure.get(m - j) ?? 0;
      return e;
    };
    for (let m = s.first + minHistory; m <= last; m++) {
      if (m < from) continue;
      const start = Math.max(s.first, m - window);
      let histTickets = 0;
      let histExposure = 0;
      for (let h = start; h < m; h++) {
        histTickets += s.tickets.get(h) ?? 0;
        histExposure += exposureAt(h);
      }
      const e = exposureAt(m);
      if (histExposure <= 0 || e <= 0) continue;
      const k = s.tickets.get(m) ?? 0;
      const expected = ((histTickets + 0.5) / histExposure) * e;
      out.push({ productId, month: monthOf(m), tickets: k, expected, history: m - start, pValue: poissonUpperTail(k, expected), qValue: NaN, isAnomaly: false });
    }
  }
  const q = benjaminiHochberg(out.map((r) => r.pValue));
  out.forEach((r, i) => {
    r.qValue = q[i];
    r.isAnomaly = q[i] < alpha && r.tickets > r.expected;
  });
  out.sort((a, b) => a.pValue - b.pValue || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : a.month < b.month ? -1 : 1));
  return { test: `poisson-exact-one-sided vs own trailing ${window}-month baseline, BH q<${alpha}`, alpha, window, months: out };
}
