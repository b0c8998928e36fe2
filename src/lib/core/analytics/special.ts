// Special functions (log-gamma, digamma, 2F1, log-sum-exp) and a BFGS minimiser shared by the analytics models.

const HALF_LOG_TWO_PI = 0.9189385332046728;

// Lanczos coefficients for g = 7, n = 9 (Godfrey); relative error below 1e-15 for x >= 0.5.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7
];

/**
 * Natural logarithm of |Γ(x)|.
 *
 * Lanczos approximation with g = 7, n = 9 (Lanczos 1964, SIAM J. Numer. Anal. B 1; coefficients by
 * Godfrey), lnΓ(x+1) = ½ln2π + (x+½)ln(x+g+½) − (x+g+½) + ln A_g(x), and the reflection formula
 * Γ(x)Γ(1−x) = π / sin(πx) for x < ½. Returns +Infinity at the poles 0, −1, −2, …
 */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x < 0.5) {
    if (Number.isInteger(x)) return Infinity;
    // Reflection keeps the Lanczos sum in the region where its coefficients were fitted.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Digamma ψ(x) = d lnΓ(x)/dx.
 *
 * Shifts x above 10 with ψ(x) = ψ(x+1) − 1/x, then uses the asymptotic series
 * ψ(x) ~ ln x − 1/(2x) − Σ B₂ₖ/(2k x²ᵏ) (Abramowitz & Stegun 6.3.18) through x⁻¹²; negative
 * non-integers use the reflection ψ(1−x) − ψ(x) = π cot(πx) (A&S 6.3.7).
 */
export function digamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0) {
    if (Number.isInteger(x)) return NaN;
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  // Bernoulli terms B2k/(2k): 1/12, −1/120, 1/252, −1/240, 1/132, −691/32760
  const series =
    inv2 *
    (1 / 12 -
      inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760))))));
  return shift + Math.log(x) - 0.5 / x - series;
}

/** ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a+b). */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** ln(eᵃ + eᵇ) without overflow or underflow. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** ln Σ exp(values[i]) without overflow or underflow; −Infinity for an empty list. */
export function logSumExp(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  if (max === -Infinity || !Number.isFinite(max)) return max;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i] - max);
  return max + Math.log(sum);
}

const RESCALE = 1e200;
const LOG_RESCALE = Math.log(RESCALE);

/**
 * ln ₂F₁(a, b; c; z) for real parameters and −∞ < z < 1, when the function is positive there.
 *
 * Sums the Gauss series Σ (a)ₙ(b)ₙ/((c)ₙ n!) zⁿ (A&S 15.1.1) in linear space with periodic rescaling so
 * that huge values (e.g. BG/NBD at large frequencies, where the result is later multiplied by a tiny
 * power of (1−z)) neither overflow nor lose precision. Negative z is first mapped into [0, 1) by Pfaff's
 * transformation ₂F₁(a,b;c;z) = (1−z)^(−a) ₂F₁(a, c−b; c; z/(z−1)) (A&S 15.3.4), so the series
 * always runs on a non-negative argument. Returns NaN if the series does not converge or the sum is not
 * positive.
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z < 1)) return NaN;
  if (z < 0) return -a * Math.log1p(-z) + logHyp2f1(a, c - b, c, z / (z - 1));
  if (z === 0 || a === 0 || b === 0) return 0;
  let sum = 1;
  let term = 1;
  let logScale = 0;
  const maxTerms = 1_000_000;
  for (let n = 0; n < maxTerms; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    if (Math.abs(sum) > RESCALE) {
      sum /= RESCALE;
      term /= RESCALE;
      logScale += LOG_RESCALE;
    }
    if (term === 0) break;
    const q = Math.max(Math.abs(ratio), z);
    // Once terms shrink geometrically the remaining tail is bounded by term·q/(1−q).
    if (Math.abs(ratio) < 1 && (Math.abs(term) * q) / (1 - q) <= 1e-17 * Math.abs(sum)) {
      return sum > 0 ? Math.log(sum) + logScale : NaN;
    }
  }
  return NaN;
}

/** Gauss hypergeometric ₂F₁(a, b; c; z) for −∞ < z < 1 (see {@link logHyp2f1}). */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  return Math.exp(logHyp2f1(a, b, c, z));
}

/** Objective for {@link minimizeBfgs}: returns f(x) and writes ∇f(x) into `grad`. */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

export type BfgsOptions = {
  /** Stop when max |∂f/∂xᵢ| falls below this (default 1e-9). */
  gradientTolerance?: number;
  /** Stop when a step changes f by less than this relative amount twice in a row (default 1e-14). */
  relativeTolerance?: number;
  /**
   * When no step along the search direction lowers f any more (f's rounding noise dominates), accept
   * the point as converged if max |∂f/∂xᵢ| is below this (default 1e-5).
   */
  acceptableGradientTolerance?: number;
  /** Iteration cap (default 500). */
  maxIterations?: number;
  /** Longest step allowed in any coordinate (default 5); keeps early steps from leaving the domain. */
  maxStep?: number;
};

export type BfgsResult = {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  iterations: number;
  evaluations: number;
  converged: boolean;
};

const C1 = 1e-4;
const C2 = 0.9;

/**
 * Unconstrained minimisation by BFGS with a strong-Wolfe line search.
 *
 * Nocedal & Wright, Numerical Optimization (2nd ed., 2006): inverse-Hessian update (6.17), initial
 * scaling (6.20) and line search Algorithms 3.5/3.6 with safeguarded cubic interpolation (3.59).
 * Non-finite function values are treated as "too far" so objectives may return Infinity/NaN outside
 * their domain.
 */
export function minimizeBfgs(
  f: ObjectiveWithGradient,
  x0: ArrayLike<number>,
  options: BfgsOptions = {}
): BfgsResult {
  const gtol = options.gradientTolerance ?? 1e-9;
  const rtol = options.relativeTolerance ?? 1e-14;
  const acceptable = options.acceptableGradientTolerance ?? 1e-5;
  const maxIter = options.maxIterations ?? 500;
  const maxStep = options.maxStep ?? 5;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = f(x, g);
  let evaluations = 1;
  if (!Number.isFinite(fx)) throw new Error('minimizeBfgs: objective is not finite at the starting point');
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) H[i * n + i] = 1;
  const p = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const Hy = new Float64Array(n);
  let iterations = 0;
  let converged = maxAbs(g) < gtol;
  let smallChanges = 0;
  let firstStep = true;

  const evalAt = (alpha: number): [number, number] => {
    for (let i = 0; i < n; i++) xNew[i] = x[i] + alpha * p[i];
    const v = f(xNew, gNew);
    evaluations++;
    return [v, Number.isFinite(v) ? dot(gNew, p, n) : NaN];
  };

  while (!converged && iterations < maxIter) {
    iterations++;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum -= H[i * n + j] * g[j];
      p[i] = sum;
    }
    let dphi0 = dot(g, p, n);
    if (!(dphi0 < 0)) {
      // Lost positive definiteness through rounding: fall back to steepest descent.
      H.fill(0);
      for (let i = 0; i < n; i++) {
        H[i * n + i] = 1;
        p[i] = -g[i];
      }
      dphi0 = dot(g, p, n);
    }
    const pmax = maxAbs(p);
    let alphaMax = pmax > 0 ? maxStep / pmax : 1;
    let alpha = firstStep ? Math.min(1, 1 / Math.max(pmax, 1e-300), alphaMax) : Math.min(1, alphaMax);
    alphaMax = Math.max(alphaMax, alpha);
    const found = wolfeSearch(evalAt, fx, dphi0, alpha, alphaMax);
    if (found === null) {
      // No step decreases f: at the rounding-noise floor of f that is convergence, not failure.
      if (maxAbs(g) < acceptable) {
        converged = true;
        break;
      }
      if (isIdentity(H, n)) break;
      H.fill(0);
      for (let i = 0; i < n; i++) H[i * n + i] = 1;
      firstStep = true;
      continue;
    }
    alpha = found.alpha;
    if (found.needsEval) evalAt(alpha);
    const fNew = found.value;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const change = Math.abs(fx - fNew) / Math.max(Math.abs(fx), Math.abs(fNew), 1e-300);
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    if (maxAbs(g) < gtol) {
      converged = true;
      break;
    }
    smallChanges = change < rtol ? smallChanges + 1 : 0;
    if (smallChanges >= 2) {
      converged = true;
      break;
    }
    const ys = dot(y, s, n);
    if (ys > 1e-300 && Number.isFinite(ys)) {
      if (firstStep) {
        // N&W (6.20): rescale the identity so the first update has the right curvature magnitude.
        const scale = ys / dot(y, y, n);
        for (let i = 0; i < n; i++) H[i * n + i] = scale;
        firstStep = false;
      }
      const rho = 1 / ys;
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < n; j++) sum += H[i * n + j] * y[j];
        Hy[i] = sum;
      }
      const yHy = dot(y, Hy, n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          H[i * n + j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
        }
      }
    }
  }
  return { x, value: fx, gradient: g, iterations, evaluations, converged };
}

type LineSearchResult = { alpha: number; value: number; needsEval: boolean };

function wolfeSearch(
  evalAt: (alpha: number) => [number, number],
  f0: number,
  d0: number,
  alpha1: number,
  alphaMax: number
): LineSearchResult | null {
  let aPrev = 0;
  let fPrev = f0;
  let dPrev = d0;
  let a = alpha1;
  for (let i = 0; i < 30; i++) {
    const [fa, da] = evalAt(a);
    if (!Number.isFinite(fa) || !Number.isFinite(da)) {
      // Outside the objective's domain: shrink towards the last good point.
      a = aPrev + (a - aPrev) * 0.25;
      if (a - aPrev < 1e-16) return null;
      continue;
    }
    if (fa > f0 + C1 * a * d0 || (i > 0 && fa >= fPrev)) {
      return zoom(evalAt, f0, d0, aPrev, fPrev, dPrev, a, fa, da);
    }
    if (Math.abs(da) <= -C2 * d0) return { alpha: a, value: fa, needsEval: false };
    if (da >= 0) return zoom(evalAt, f0, d0, a, fa, da, aPrev, fPrev, dPrev);
    aPrev = a;
    fPrev = fa;
    dPrev = da;
    if (a >= alphaMax) return { alpha: a, value: fa, needsEval: false };
    a = Math.min(2 * a, alphaMax);
  }
  return aPrev > 0 ? { alpha: aPrev, value: fPrev, needsEval: true } : null;
}

function zoom(
  evalAt: (alpha: number) => [number, number],
  f0: number,
  d0: number,
  lo: number,
  flo: number,
  dlo: number,
  hi: number,
  fhi: number,
  dhi: number
): LineSearchResult | null {
  for (let j = 0; j < 30; j++) {
    let a = cubicMinimizer(lo, flo, dlo, hi, fhi, dhi);
    const left = Math.min(lo, hi);
    const width = Math.abs(hi - lo);
    // Keep the trial well inside the bracket so the bracket always shrinks.
    if (!Number.isFinite(a) || a < left + 0.1 * width || a > left + 0.9 * width) a = (lo + hi) / 2;
    if (width < 1e-16 * Math.max(1, Math.abs(lo))) break;
    const [fa, da] = evalAt(a);
    if (!Number.isFinite(fa) || !Number.isFinite(da) || fa > f0 + C1 * a * d0 || fa >= flo) {
      hi = a;
      fhi = Number.isFinite(fa) ? fa : Infinity;
      dhi = Number.isFinite(da) ? da : NaN;
    } else {
      if (Math.abs(da) <= -C2 * d0) return { alpha: a, value: fa, needsEval: false };
      if (da * (hi - lo) >= 0) {
        hi = lo;
        fhi = flo;
        dhi = dlo;
      }
      lo = a;
      flo = fa;
      dlo = da;
    }
  }
  return lo > 0 && flo < f0 ? { alpha: lo, value: flo, needsEval: true } : null;
}

function cubicMinimizer(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  if (!Number.isFinite(fb) || !Number.isFinite(db)) return NaN;
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (disc < 0) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

function dot(u: Float64Array, v: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += u[i] * v[i];
  return sum;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (a > m || Number.isNaN(a)) m = a;
  }
  return m;
}

function isIdentity(H: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (H[i * n + j] !== (i === j ? 1 : 0)) return false;
  return true;
}
