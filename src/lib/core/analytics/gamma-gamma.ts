// Gamma-Gamma model of average transaction value and the discounted customer lifetime value built on BG/NBD.
import { bgNbdExpectedPurchases, type BgNbdParams, type FrequencyRecencyT } from './bg-nbd';
import { digamma, lgamma, minimizeBfgs } from './special';

/** Gamma-Gamma parameters: transaction values ~ Gamma(p, ν) per customer, ν ~ Gamma(q, v) across customers. */
export type GammaGammaParams = { p: number; q: number; v: number };

export type GammaGammaFit = GammaGammaParams & {
  /** Log-likelihood at the optimum over the customers used (frequency > 0, monetary value > 0). */
  logLikelihood: number;
  /** Number (total weight) of customers used in the fit. */
  customers: number;
  iterations: number;
  converged: boolean;
};

/** x repeat purchases with mean value z̄ (the mean of those x purchases). */
export type FrequencyMonetary = { frequency: number; monetaryValue: number };

export type WeightedFrequencyMonetary = FrequencyMonetary & { weight?: number };

export type GammaGammaFitOptions = {
  /** L2 penalty on (p, q, v) added to the mean negative log-likelihood, like lifetimes' `penalizer_coef` (default 0). */
  penalizer?: number;
  /** Starting values (default p = 1, q = 2, v = mean z̄). */
  initial?: GammaGammaParams;
};

export type LifetimeValueOptions = {
  /** Horizon in months (default 12). */
  months?: number;
  /** Monthly discount rate (default 0.01, i.e. about 12.7 % a year). */
  discountRate?: number;
  /** BG/NBD time units per month: 4.345 when the model was fitted in weeks, about 30 in days. */
  unitsPerMonth: number;
};

type Prepared = {
  n: number;
  x: Float64Array;
  xm: Float64Array;
  w: Float64Array;
  xIndex: Int32Array;
  distinctX: Float64Array;
  weightByX: Float64Array;
  totalWeight: number;
  // Σ w·x·(ln z̄ + ln x) and Σ w·ln z̄: parameter-free parts of the likelihood, summed once.
  sumWxLogMx: number;
  sumWLogM: number;
  sumWx: number;
};

function prepare(summaries: readonly WeightedFrequencyMonetary[]): Prepared {
  const xs: number[] = [];
  const xms: number[] = [];
  const ws: number[] = [];
  const idx: number[] = [];
  const xIndex = new Map<number, number>();
  const distinct: number[] = [];
  const weightByX: number[] = [];
  let totalWeight = 0;
  let sumWxLogMx = 0;
  let sumWLogM = 0;
  let sumWx = 0;
  for (const s of summaries) {
    const w = s.weight ?? 1;
    const x = s.frequency;
    const m = s.monetaryValue;
    // Only repeat buyers carry a mean repeat-transaction value; a non-positive mean has zero gamma density.
    if (!(x > 0) || !(m > 0) || !(w > 0)) continue;
    let j = xIndex.get(x);
    if (j === undefined) {
      j = distinct.length;
      xIndex.set(x, j);
      distinct.push(x);
      weightByX.push(0);
    }
    weightByX[j] += w;
    xs.push(x);
    xms.push(x * m);
    ws.push(w);
    idx.push(j);
    totalWeight += w;
    sumWxLogMx += w * x * (Math.log(m) + Math.log(x));
    sumWLogM += w * Math.log(m);
    sumWx += w * x;
  }
  if (xs.length === 0) throw new Error('Gamma-Gamma: no customers with frequency > 0 and a positive monetary value');
  return {
    n: xs.length,
    x: Float64Array.from(xs),
    xm: Float64Array.from(xms),
    w: Float64Array.from(ws),
    xIndex: Int32Array.from(idx),
    distinctX: Float64Array.from(distinct),
    weightByX: Float64Array.from(weightByX),
    totalWeight,
    sumWxLogMx,
    sumWLogM,
    sumWx
  };
}

/**
 * Σ w·ln f(z̄ | x, p, q, v) with f from Fader & Hardie (2013, "The Gamma-Gamma model of monetary value",
 * eq. 3): f(z̄) = Γ(px+q)/(Γ(px)Γ(q)) · v^q z̄^(px−1) x^(px) / (v + x z̄)^(px+q), and its gradient.
 */
function logLikelihoodAndGradient(d: Prepared, p: number, q: number, v: number, grad: Float64Array | null): number {
  const logV = Math.log(v);
  let ll = d.totalWeight * (q * logV - lgamma(q)) + p * d.sumWxLogMx - d.sumWLogM;
  let dp = d.sumWxLogMx;
  let dq = d.totalWeight * (logV - (grad ? digamma(q) : 0));
  let dv = (d.totalWeight * q) / v;
  for (let j = 0; j < d.distinctX.length; j++) {
    const x = d.distinctX[j];
    const W = d.weightByX[j];
    ll += W * (lgamma(p * x + q) - lgamma(p * x));
    if (grad) {
      const psiPxq = digamma(p * x + q);
      dp += W * x * (psiPxq - digamma(p * x));
      dq += W * psiPxq;
    }
  }
  for (let i = 0; i < d.n; i++) {
    const x = d.x[i];
    const w = d.w[i];
    const denom = d.xm[i] + v;
    const logDenom = Math.log(denom);
    const pxq = p * x + q;
    ll -= w * pxq * logDenom;
    if (grad) {
      dp -= w * x * logDenom;
      dq -= w * logDenom;
      dv -= (w * pxq) / denom;
    }
  }
  if (grad) {
    grad[0] = dp;
    grad[1] = dq;
    grad[2] = dv;
  }
  return ll;
}

/** Gamma-Gamma log-likelihood (Fader & Hardie 2013 eq. 3) of the repeat buyers among `summaries`. */
export function gammaGammaLogLikelihood(params: GammaGammaParams, summaries: readonly WeightedFrequencyMonetary[]): number {
  return logLikelihoodAndGradient(prepare(summaries), params.p, params.q, params.v, null);
}

/**
 * Maximum-likelihood fit of the Gamma-Gamma spend model (Fader & Hardie 2013, "The Gamma-Gamma model of
 * monetary value"; Fader, Hardie & Lee 2005, "RFM and CLV", J. Marketing Research 42(4)).
 *
 * Uses only customers with frequency > 0 (z̄ is the mean of the x repeat transactions). BFGS on
 * log-parameters with the analytic gradient; log-gamma terms are evaluated once per distinct x, and
 * parameter-free sums (Σ x ln z̄ …) once per fit, leaving one logarithm per customer per evaluation.
 */
export function fitGammaGamma(
  summaries: readonly WeightedFrequencyMonetary[],
  options: GammaGammaFitOptions = {}
): GammaGammaFit {
  const d = prepare(summaries);
  const penalizer = options.penalizer ?? 0;
  let meanM = 0;
  for (let i = 0; i < d.n; i++) meanM += (d.w[i] * d.xm[i]) / d.x[i];
  meanM /= d.totalWeight;
  const init = options.initial ?? { p: 1, q: 2, v: meanM };
  const grad = new Float64Array(3);
  const scale = 1 / d.totalWeight;
  const objective = (theta: Float64Array, out: Float64Array): number => {
    const params = [Math.exp(theta[0]), Math.exp(theta[1]), Math.exp(theta[2])];
    const ll = logLikelihoodAndGradient(d, params[0], params[1], params[2], grad);
    let value = -ll * scale;
    for (let k = 0; k < 3; k++) {
      value += penalizer * params[k] * params[k];
      out[k] = (-grad[k] * scale + 2 * penalizer * params[k]) * params[k];
    }
    return Number.isFinite(value) ? value : Infinity;
  };
  let theta: ArrayLike<number> = [Math.log(init.p), Math.log(init.q), Math.log(init.v)];
  let iterations = 0;
  let converged = false;
  // A stalled search gets one fresh restart from where it stopped.
  for (let attempt = 0; attempt < 2 && !converged; attempt++) {
    const res = minimizeBfgs(objective, theta, { gradientTolerance: 1e-9, maxIterations: 1000 });
    theta = res.x;
    iterations += res.iterations;
    converged = res.converged;
  }
  const p = Math.exp(theta[0]);
  const q = Math.exp(theta[1]);
  const v = Math.exp(theta[2]);
  return {
    p,
    q,
    v,
    logLikelihood: logLikelihoodAndGradient(d, p, q, v, null),
    customers: d.totalWeight,
    iterations,
    converged
  };
}

/** Population mean transaction value E(Z) = p·v/(q−1) (Fader & Hardie 2013 eq. 4); infinite when q ≤ 1. */
export function gammaGammaMeanSpend(params: GammaGammaParams): number {
  return params.q > 1 ? (params.p * params.v) / (params.q - 1) : Infinity;
}

/**
 * Conditional expected average transaction value E(Z | x, z̄) = p(v + x z̄)/(px + q − 1)
 * (Fader & Hardie 2013 eq. 5): a weighted average of the population mean p·v/(q−1) and the customer's own
 * z̄, with weight px/(px+q−1) on z̄. Customers with x = 0 get the population mean.
 */
export function gammaGammaExpectedSpend(params: GammaGammaParams, customer: FrequencyMonetary): number {
  const { p, q, v } = params;
  const x = customer.frequency;
  if (x === 0) return gammaGammaMeanSpend(params);
  const denom = p * x + q - 1;
  return denom > 0 ? (p * (v + x * customer.monetaryValue)) / denom : Infinity;
}

/**
 * Discounted customer lifetime value over `months`, computed as lifetimes' `customer_lifetime_value`
 * does: Σᵢ₌₁..months E(Z | x, z̄) · (E[Y(i·u) | history] − E[Y((i−1)·u) | history]) / (1 + d)ⁱ, where
 * u = `unitsPerMonth`, E[Y] is the BG/NBD conditional expectation (FHL 2005 eq. 10) and E(Z) the Gamma-Gamma
 * expected spend (Fader & Hardie 2013 eq. 5). A discrete-time approximation of the DERT of Fader,
 * Hardie & Lee (2005, "RFM and CLV").
 */
export function customerLifetimeValue(
  bgNbd: BgNbdParams,
  gammaGamma: GammaGammaParams,
  customer: FrequencyRecencyT & { monetaryValue: number },
  options: LifetimeValueOptions
): number {
  const months = options.months ?? 12;
  const discountRate = options.discountRate ?? 0.01;
  const unitsPerMonth = options.unitsPerMonth;
  if (!(unitsPerMonth > 0)) throw new Error('customerLifetimeValue: unitsPerMonth must be positive');
  const spend = gammaGammaExpectedSpend(gammaGamma, customer);
  let value = 0;
  let previous = 0;
  for (let i = 1; i <= months; i++) {
    const cumulative = bgNbdExpectedPurchases(bgNbd, i * unitsPerMonth, customer);
    value += (spend * (cumulative - previous)) / Math.pow(1 + discountRate, i);
    previous = cumulative;
  }
  return value;
}
