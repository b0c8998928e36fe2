// BG/NBD buy-till-you-die model: maximum-likelihood fit and per-customer forecasts (Fader, Hardie & Lee 2005).
import { digamma, lgamma, logHyp2f1, minimizeBfgs } from './special';

/** BG/NBD parameters: purchase rates ~ Gamma(r, α); dropout probability ~ Beta(a, b). */
export type BgNbdParams = { r: number; alpha: number; a: number; b: number };

export type BgNbdFit = BgNbdParams & {
  /** Total log-likelihood at the optimum (Σ weight × LLᵢ, eq. 6 of the paper). */
  logLikelihood: number;
  iterations: number;
  converged: boolean;
};

/** A customer's calibration history: x repeat purchases, last at t_x, observed for T (same time unit). */
export type FrequencyRecencyT = { frequency: number; recency: number; T: number };

/** A history with an optional multiplicity, e.g. a cell of a frequency/recency table. */
export type WeightedFrequencyRecencyT = FrequencyRecencyT & { weight?: number };

export type BgNbdFitOptions = {
  /**
   * L2 penalty on the parameters added to the mean negative log-likelihood, as lifetimes'
   * `penalizer_coef` does; keeps the parameters finite on small data sets (default 0).
   */
  penalizer?: number;
  /** Starting values (default r = 1, α = mean T, a = 1, b = 1). */
  initial?: BgNbdParams;
};

// Customers with identical (x, t_x, T) contribute identical likelihood terms, so they are collapsed into
// weighted groups; the x-only terms (the log-gamma sums) are further collapsed by distinct x.
type Grouped = {
  n: number;
  x: Float64Array;
  logTermIndex: Int32Array;
  tx: Float64Array;
  T: Float64Array;
  w: Float64Array;
  distinctX: Float64Array;
  weightByX: Float64Array;
  totalWeight: number;
};

function groupHistories(summaries: readonly WeightedFrequencyRecencyT[]): Grouped {
  const index = new Map<string, number>();
  const xs: number[] = [];
  const txs: number[] = [];
  const Ts: number[] = [];
  const ws: number[] = [];
  for (const s of summaries) {
    const w = s.weight ?? 1;
    if (w === 0) continue;
    const { frequency: x, recency: tx, T } = s;
    if (!(x >= 0) || !Number.isInteger(x) || !(tx >= 0) || !(T >= tx) || !(w > 0)) {
      throw new Error(`BG/NBD: invalid history x=${x}, t_x=${tx}, T=${T}, weight=${w}`);
    }
    // x = 0 means t_x carries no information (it is 0 by convention); normalise so such rows group.
    const key = x === 0 ? `0|0|${T}` : `${x}|${tx}|${T}`;
    const i = index.get(key);
    if (i === undefined) {
      index.set(key, xs.length);
      xs.push(x);
      txs.push(x === 0 ? 0 : tx);
      Ts.push(T);
      ws.push(w);
    } else {
      ws[i] += w;
    }
  }
  const n = xs.length;
  if (n === 0) throw new Error('BG/NBD: no customers to fit');
  const xIndex = new Map<number, number>();
  const distinct: number[] = [];
  const weightByX: number[] = [];
  const logTermIndex = new Int32Array(n);
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    let j = xIndex.get(xs[i]);
    if (j === undefined) {
      j = distinct.length;
      xIndex.set(xs[i], j);
      distinct.push(xs[i]);
      weightByX.push(0);
    }
    weightByX[j] += ws[i];
    logTermIndex[i] = j;
    totalWeight += ws[i];
  }
  return {
    n,
    x: Float64Array.from(xs),
    logTermIndex,
    tx: Float64Array.from(txs),
    T: Float64Array.from(Ts),
    w: Float64Array.from(ws),
    distinctX: Float64Array.from(distinct),
    weightByX: Float64Array.from(weightByX),
    totalWeight
  };
}

/**
 * Log-likelihood and its gradient with respect to (r, α, a, b).
 *
 * FHL (2005) eq. 6: L = B(a, b+x)/B(a, b) · Γ(r+x)αʳ/(Γ(r)(α+T)^(r+x)) + δ_{x>0} · B(a+1, b+x−1)/B(a, b) ·
 * Γ(r+x)αʳ/(Γ(r)(α+t_x)^(r+x)). Factoring out the common terms gives
 * ln L = A₁ + A₂ + ln(e^A₃ + δ e^A₄) with A₁ = lnΓ(r+x) − lnΓ(r) + r ln α,
 * A₂ = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x), A₃ = −(r+x) ln(α+T),
 * A₄ = ln a − ln(b+x−1) − (r+x) ln(α+t_x); the last log is taken as a log-sum-exp so large x cannot
 * overflow (the form lifetimes uses).
 */
function logLikelihoodAndGradient(
  g: Grouped,
  r: number,
  alpha: number,
  a: number,
  b: number,
  grad: Float64Array | null
): number {
  const logAlpha = Math.log(alpha);
  const logA = Math.log(a);
  let ll = g.totalWeight * r * logAlpha;
  let dr = g.totalWeight * logAlpha;
  let dAlpha = (g.totalWeight * r) / alpha;
  let da = 0;
  let db = 0;
  const nx = g.distinctX.length;
  const lgR = lgamma(r);
  const lgB = lgamma(b);
  const lgAB = lgamma(a + b);
  const psiR = grad ? digamma(r) : 0;
  const psiB = grad ? digamma(b) : 0;
  const psiAB = grad ? digamma(a + b) : 0;
  // ln(b + x − 1) per distinct x, reused by every group with that x.
  const logBx1 = new Float64Array(nx);
  for (let j = 0; j < nx; j++) {
    const x = g.distinctX[j];
    if (x === 0) continue;
    const W = g.weightByX[j];
    ll += W * (lgamma(r + x) - lgR + lgAB + lgamma(b + x) - lgB - lgamma(a + b + x));
    logBx1[j] = Math.log(b + x - 1);
    if (grad) {
      const psiABx = digamma(a + b + x);
      dr += W * (digamma(r + x) - psiR);
      da += W * (psiAB - psiABx);
      db += W * (psiAB + digamma(b + x) - psiB - psiABx);
    }
  }
  for (let i = 0; i < g.n; i++) {
    const x = g.x[i];
    const w = g.w[i];
    const rx = r + x;
    const aT = alpha + g.T[i];
    const logAT = Math.log(aT);
    const A3 = -rx * logAT;
    if (x === 0) {
      ll += w * A3;
      if (grad) {
        dr -= w * logAT;
        dAlpha -= (w * rx) / aT;
      }
      continue;
    }
    const atx = alpha + g.tx[i];
    const logAtx = Math.log(atx);
    const bx1 = b + x - 1;
    const A4 = logA - logBx1[g.logTermIndex[i]] - rx * logAtx;
    const d = A4 - A3;
    // w4 = e^A4 / (e^A3 + e^A4): the posterior weight of "dropped out right after the last purchase".
    let w4: number;
    if (d > 0) {
      const e = Math.exp(-d);
      ll += w * (A4 + Math.log1p(e));
      w4 = 1 / (1 + e);
    } else {
      const e = Math.exp(d);
      ll += w * (A3 + Math.log1p(e));
      w4 = e / (1 + e);
    }
    if (grad) {
      const w3 = 1 - w4;
      dr -= w * (w3 * logAT + w4 * logAtx);
      dAlpha -= w * rx * (w3 / aT + w4 / atx);
      da += (w * w4) / a;
      db -= (w * w4) / bx1;
    }
  }
  if (grad) {
    grad[0] = dr;
    grad[1] = dAlpha;
    grad[2] = da;
    grad[3] = db;
  }
  return ll;
}

/** Total BG/NBD log-likelihood of the customers (FHL 2005 eq. 6), weights multiplying each customer's term. */
export function bgNbdLogLikelihood(params: BgNbdParams, summaries: readonly WeightedFrequencyRecencyT[]): number {
  return logLikelihoodAndGradient(groupHistories(summaries), params.r, params.alpha, params.a, params.b, null);
}

/**
 * Maximum-likelihood fit of the BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the
 * easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2), eq. 6).
 *
 * Maximises the log-likelihood by BFGS on log-parameters (so positivity needs no constraints) with the
 * analytic gradient (digamma terms for the log-gamma parts). Customers with identical (x, t_x, T) are
 * collapsed into weighted groups and the x-only log-gamma terms are evaluated once per distinct x,
 * which makes each evaluation cost O(groups) transcendental calls. A search that stalls before
 * converging is restarted once from where it stopped with a fresh Hessian estimate.
 * Summaries may carry a `weight` (number of customers with that history).
 */
export function fitBgNbd(
  summaries: readonly WeightedFrequencyRecencyT[],
  options: BgNbdFitOptions = {}
): BgNbdFit {
  const g = groupHistories(summaries);
  const penalizer = options.penalizer ?? 0;
  let meanT = 0;
  for (let i = 0; i < g.n; i++) meanT += g.w[i] * g.T[i];
  meanT /= g.totalWeight;
  const init = options.initial ?? { r: 1, alpha: Math.max(meanT, 1e-6), a: 1, b: 1 };
  const grad = new Float64Array(4);
  const scale = 1 / g.totalWeight;
  // Mean negative log-likelihood in θ = ln(params): gradient chain rule ∂/∂θ = param · ∂/∂param.
  const objective = (theta: Float64Array, out: Float64Array): number => {
    const p0 = Math.exp(theta[0]);
    const p1 = Math.exp(theta[1]);
    const p2 = Math.exp(theta[2]);
    const p3 = Math.exp(theta[3]);
    const ll = logLikelihoodAndGradient(g, p0, p1, p2, p3, grad);
    const params = [p0, p1, p2, p3];
    let value = -ll * scale;
    for (let k = 0; k < 4; k++) {
      value += penalizer * params[k] * params[k];
      out[k] = (-grad[k] * scale + 2 * penalizer * params[k]) * params[k];
    }
    return Number.isFinite(value) ? value : Infinity;
  };
  let theta: ArrayLike<number> = [Math.log(init.r), Math.log(init.alpha), Math.log(init.a), Math.log(init.b)];
  let iterations = 0;
  let converged = false;
  // A stalled search (e.g. a poor Hessian estimate far from the optimum) gets one fresh restart.
  for (let attempt = 0; attempt < 2 && !converged; attempt++) {
    const res = minimizeBfgs(objective, theta, { gradientTolerance: 1e-9, maxIterations: 1000 });
    theta = res.x;
    iterations += res.iterations;
    converged = res.converged;
  }
  const r = Math.exp(theta[0]);
  const alpha = Math.exp(theta[1]);
  const a = Math.exp(theta[2]);
  const b = Math.exp(theta[3]);
  return { r, alpha, a, b, logLikelihood: logLikelihoodAndGradient(g, r, alpha, a, b, null), iterations, converged };
}

/**
 * P(alive | x, t_x, T): probability the customer has not yet dropped out.
 * FHL 2005 eq. 11 / Fader, Hardie & Lee note "Computing P(alive) using the BG/NBD model" (2008):
 * 1 / (1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)), evaluated in logs so large x cannot overflow.
 */
export function bgNbdProbabilityAlive(params: BgNbdParams, customer: FrequencyRecencyT): number {
  const { r, alpha, a, b } = params;
  const { frequency: x, recency: tx, T } = customer;
  if (x === 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

// (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]: both factors change
// sign together at a = 1 (where the bracket is 0/0), so that point is taken as the mean of its neighbours.
function expectedPurchasesFactor(r: number, alpha: number, a: number, b: number, x: number, T: number, t: number): number {
  if (t <= 0) return 0;
  if (Math.abs(a - 1) < 1e-7) {
    return (
      (expectedPurchasesFactor(r, alpha, 1 - 1e-6, b, x, T, t) + expectedPurchasesFactor(r, alpha, 1 + 1e-6, b, x, T, t)) / 2
    );
  }
  const z = t / (alpha + T + t);
  // ln[(1−z)^(r+x) ₂F₁(…; z)] is computed as a whole: the hypergeometric factor alone overflows for large x.
  const logPart = (r + x) * Math.log1p(-z) + logHyp2f1(r + x, b + x, a + b + x - 1, z);
  return ((a + b + x - 1) / (a - 1)) * -Math.expm1(logPart);
}

/**
 * Conditional expected number of purchases in the next t periods for a customer with history
 * (x, t_x, T): FHL 2005 eq. 10,
 * E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *                       / (1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
 */
export function bgNbdExpectedPurchases(params: BgNbdParams, t: number, customer: FrequencyRecencyT): number {
  const { r, alpha, a, b } = params;
  const { frequency: x, T } = customer;
  return expectedPurchasesFactor(r, alpha, a, b, x, T, t) * bgNbdProbabilityAlive(params, customer);
}

/**
 * Expected number of purchases in (0, t] by a customer just acquired (unconditional): FHL 2005 eq. 9,
 * E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))ʳ ₂F₁(r, b; a+b−1; t/(α+t))].
 */
export function bgNbdExpectedPurchasesNew(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  return expectedPurchasesFactor(r, alpha, a, b, 0, 0, t);
}
