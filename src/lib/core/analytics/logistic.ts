// Binary logistic regression fitted by iteratively reweighted least squares (optionally ridge-penalised).

/** Options of {@link fitLogisticRegression}. */
export type LogisticOptions = {
  /** Column holding the binary outcome ('Yes'/'No', true/false, 1/0, …). */
  target: string;
  /**
   * Predictor columns, in the order their terms should appear. A column is numeric when every
   * non-blank value is a number, a numeric string or a boolean (true = 1); otherwise categorical.
   */
  features: readonly string[];
  /**
   * Outcome value counted as the positive class (probability returned by `predict`). Inferred when
   * omitted: 'Yes', then true, then 1 (or '1'), then 'true' — whichever occurs in the data.
   */
  positive?: string | number | boolean;
  /** Reference (baseline) level per categorical feature; default the first level in code-unit sort order. */
  referenceLevels?: Readonly<Record<string, string>>;
  /** Features to treat as categorical even though every value is numeric (e.g. a 0/1/2 code). */
  categorical?: readonly string[];
  /**
   * Ridge penalty: minimises −log L(β) + (l2 / 2)·Σ βⱼ² over every coefficient except the intercept,
   * on the features' own scale (standardise them first if scale-free shrinkage is wanted).
   */
  penalty?: { l2: number };
  /** Newton iterations allowed (default 50). */
  maxIter?: number;
};

/** How one feature enters the design matrix. */
export type LogisticFeature =
  | { name: string; kind: 'numeric' }
  | { name: string; kind: 'categorical'; reference: string; levels: string[] };

/** Fitted model returned by {@link fitLogisticRegression}. */
export type LogisticModel = {
  /** Coefficients by term name: "(Intercept)", numeric "tenure", dummy "Contract=One year". NaN if aliased. */
  coefficients: Record<string, number>;
  /** Asymptotic standard errors (inverse of the observed information; for a penalised fit, of the penalised Hessian). */
  standardErrors: Record<string, number>;
  intercept: number;
  /** Term names in design-matrix order, intercept first. */
  terms: string[];
  /** Terms dropped because they are linear combinations of earlier terms (R reports these as NA). */
  aliased: string[];
  features: LogisticFeature[];
  /** Residual deviance −2 log L at the estimate. */
  deviance: number;
  /** Deviance of the intercept-only model on the same rows. */
  nullDeviance: number;
  /** deviance + 2·(degrees of freedom); for a penalised fit the effective degrees of freedom are used. */
  aic: number;
  /** Effective number of parameters: the rank without a penalty, trace of the hat matrix with one. */
  degreesOfFreedom: number;
  iterations: number;
  converged: boolean;
  /** Rows used in the fit. */
  n: number;
  /** Rows skipped because the target or a feature was missing, blank or non-numeric where a number was needed. */
  droppedRows: number;
  positive: string | number | boolean;
  /** Probability of the positive class for a row; NaN when a feature is missing or a level was never seen. */
  predict: (row: Record<string, unknown>) => number;
};

const INTERCEPT = '(Intercept)';

function isBlank(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    (typeof v === 'number' && !Number.isFinite(v)) ||
    (typeof v === 'string' && v.trim() === '')
  );
}

/** A finite number for numbers, booleans and numeric strings; NaN otherwise. */
function toNumber(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return NaN;
    const x = Number(t);
    return Number.isFinite(x) ? x : NaN;
  }
  return NaN;
}

function levelKey(v: unknown): string {
  return typeof v === 'string' ? v : String(v);
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function inferPositive(values: readonly unknown[]): string | number | boolean {
  const candidates: (string | number | boolean)[] = ['Yes', true, 1, '1', 'true'];
  for (const c of candidates) if (values.some((v) => v === c)) return c;
  throw new Error("cannot infer the positive class: pass options.positive (none of 'Yes', true, 1 occurs)");
}

/** Stable log(1 + exp(x)). */
function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * Binomial deviance −2 Σ [y·η − log(1 + e^η)] computed from η directly so fitted probabilities
 * of exactly 0 or 1 do not produce NaN.
 */
function devianceOf(eta: Float64Array, y: Float64Array): number {
  let d = 0;
  for (let i = 0; i < eta.length; i++) d += log1pExp(eta[i]) - y[i] * eta[i];
  return 2 * d;
}

/**
 * Cholesky factorisation of the symmetric p×p matrix `a` (row-major) restricted to the columns not in
 * `skip`. A column whose pivot falls below `tol` × its original diagonal is a linear combination of
 * the earlier ones: it is marked in `skip` when `detect` is true (sequential aliasing, as R's
 * pivoting QR does), and otherwise the factorisation fails. Returns the lower factor or null.
 */
function cholesky(a: Float64Array, p: number, skip: Uint8Array, detect: boolean, tol = 1e-10): Float64Array | null {
  const l = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    if (skip[j]) continue;
    let d = a[j * p + j];
    for (let k = 0; k < j; k++) if (!skip[k]) d -= l[j * p + k] * l[j * p + k];
    if (!(d > tol * a[j * p + j]) || !(d > 0)) {
      if (!detect) return null;
      skip[j] = 1;
      continue;
    }
    const ljj = Math.sqrt(d);
    l[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      if (skip[i]) continue;
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) if (!skip[k]) s -= l[i * p + k] * l[j * p + k];
      l[i * p + j] = s / ljj;
    }
  }
  return l;
}

/** Solves L Lᵀ x = b for the non-skipped coordinates (skipped ones are 0). */
function choleskySolve(l: Float64Array, p: number, skip: Uint8Array, b: Float64Array): Float64Array {
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    if (skip[i]) continue;
    let s = b[i];
    for (let k = 0; k < i; k++) if (!skip[k]) s -= l[i * p + k] * z[k];
    z[i] = s / l[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    if (skip[i]) continue;
    let s = z[i];
    for (let k = i + 1; k < p; k++) if (!skip[k]) s -= l[k * p + i] * x[k];
    x[i] = s / l[i * p + i];
  }
  return x;
}

/** Inverse of L Lᵀ on the non-skipped coordinates (skipped rows/columns are NaN). */
function choleskyInverse(l: Float64Array, p: number, skip: Uint8Array): Float64Array {
  const inv = new Float64Array(p * p).fill(NaN);
  const e = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    if (skip[j]) continue;
    e.fill(0);
    e[j] = 1;
    const col = choleskySolve(l, p, skip, e);
    for (let i = 0; i < p; i++) if (!skip[i]) inv[i * p + j] = col[i];
  }
  return inv;
}

/**
 * Lower triangle of XᵀWX and the score Xᵀ(y − μ) at linear predictor `eta`, from the sparse rows.
 * A top-level function with typed-array arguments so the engine compiles one tight loop.
 */
function accumulateSystem(
  n: number,
  p: number,
  width: number,
  cols: Int32Array,
  vals: Float64Array,
  nnz: Int32Array,
  eta: Float64Array,
  y: Float64Array,
  hess: Float64Array,
  grad: Float64Array
): void {
  hess.fill(0);
  grad.fill(0);
  for (let k = 0; k < n; k++) {
    const mu = 1 / (1 + Math.exp(-eta[k]));
    const w = mu * (1 - mu);
    const r = y[k] - mu;
    const o = k * width;
    const end = o + nnz[k];
    for (let m = o; m < end; m++) {
      const a = cols[m];
      const xa = vals[m];
      grad[a] += xa * r;
      const wxa = w * xa;
      const row = a * p;
      // Columns increase within a row, so cols[q] ≤ a: the lower triangle.
      for (let q = o; q <= m; q++) hess[row + cols[q]] += wxa * vals[q];
    }
  }
}

/**
 * Fits P(y = positive | x) = 1 / (1 + exp(−xᵀβ)) by maximum likelihood.
 *
 * Algorithm: Newton–Raphson, which for the canonical logit link is exactly iteratively reweighted least
 * squares (McCullagh & Nelder, *Generalized Linear Models*, 2nd ed., §4.4; the method of R's `glm.fit`).
 * Each step solves (XᵀWX + P) δ = Xᵀ(y − μ) − Pβ with W = diag(μ(1 − μ)) by a Cholesky factorisation;
 * the step is halved while the (penalised) deviance would rise. It starts from the intercept-only
 * maximum-likelihood estimate, so the null deviance comes for free, and stops when the Newton decrement
 * is below 1e-10 × (deviance + 0.1) — then applies that last step, so the estimate is converged to
 * roughly machine precision, tighter than `glm`'s default `epsilon = 1e-8`.
 *
 * Design: numeric features enter as they are; categorical ones (any non-numeric value, or listed in
 * `categorical`) as 0/1 dummies against a reference level — the first in code-unit sort order, which is
 * R's `factor()` order in the C locale. Numeric columns are centred and scaled internally for
 * conditioning; the returned coefficients are on the original scale. A column that is an exact linear
 * combination of earlier columns is reported in `aliased` with a NaN coefficient, as `glm` reports NA.
 *
 * Rows where the target or any feature is missing (null, undefined, NaN, blank string, or a
 * non-numeric value in a numeric column) are dropped and counted in `droppedRows`.
 *
 * Under complete separation the likelihood has no maximum: the fit stops at `maxIter` with
 * `converged: false` and huge coefficients; use a penalty in that case.
 */
export function fitLogisticRegression(rows: readonly Record<string, unknown>[], options: LogisticOptions): LogisticModel {
  const { target, features } = options;
  const maxIter = options.maxIter ?? 50;
  const l2 = options.penalty?.l2 ?? 0;
  if (!(l2 >= 0)) throw new RangeError('penalty.l2 must be ≥ 0');
  const forcedCategorical = new Set(options.categorical ?? []);

  // Parse every cell once, deciding each feature's kind from all rows (before dropping) so that a
  // model's design does not depend on which rows happen to be complete.
  const nRows = rows.length;
  const numericValues: (Float64Array | null)[] = features.map((name) => {
    if (forcedCategorical.has(name)) return null;
    const values = new Float64Array(nRows);
    for (let i = 0; i < nRows; i++) {
      const v = rows[i][name];
      if (isBlank(v)) {
        values[i] = NaN;
        continue;
      }
      const num = toNumber(v);
      if (Number.isNaN(num)) return null;
      values[i] = num;
    }
    return values;
  });
  // Categorical cells are read once too (dynamic property reads dominate on wide CSV rows).
  const levelValues: (string | null)[][] = features.map((name, f) =>
    numericValues[f] ? [] : rows.map((row) => (isBlank(row[name]) ? null : levelKey(row[name])))
  );
  const targetValues = rows.map((row) => row[target]);

  const positive = options.positive ?? inferPositive(targetValues);

  // Complete cases only.
  const used: number[] = [];
  for (let i = 0; i < nRows; i++) {
    if (isBlank(targetValues[i])) continue;
    let ok = true;
    for (let f = 0; f < features.length && ok; f++) {
      const values = numericValues[f];
      ok = values ? !Number.isNaN(values[i]) : levelValues[f][i] !== null;
    }
    if (ok) used.push(i);
  }
  const n = used.length;
  const droppedRows = nRows - n;
  if (n === 0) throw new Error('no complete rows to fit');

  const outcomes = new Set(used.map((i) => targetValues[i]));
  if (outcomes.size > 2) throw new Error(`target ${target} has ${outcomes.size} distinct values; it must be binary`);
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) y[k] = targetValues[used[k]] === positive ? 1 : 0;

  // Terms: intercept, then per feature either itself (numeric) or one dummy per non-reference level.
  const featureSpecs: LogisticFeature[] = [];
  const terms: string[] = [INTERCEPT];
  const firstColumn: number[] = [];
  const levelColumn: (Map<string, number> | null)[] = [];
  features.forEach((name, f) => {
    firstColumn.push(terms.length);
    if (numericValues[f]) {
      featureSpecs.push({ name, kind: 'numeric' });
      terms.push(name);
      levelColumn.push(null);
      return;
    }
    const levels = [...new Set(used.map((i) => levelValues[f][i] as string))].sort(byCodeUnit);
    const reference = options.referenceLevels?.[name] ?? levels[0];
    if (!levels.includes(reference)) throw new Error(`reference level "${reference}" does not occur in ${name}`);
    featureSpecs.push({ name, kind: 'categorical', reference, levels });
    const map = new Map<string, number>();
    for (const level of levels) {
      if (level === reference) continue;
      map.set(level, terms.length);
      terms.push(`${name}=${level}`);
    }
    levelColumn.push(map);
  });
  const p = terms.length;

  // Numeric columns are standardised (x − centre) / scale for conditioning.
  const centre = new Float64Array(p);
  const scale = new Float64Array(p).fill(1);
  features.forEach((_, f) => {
    const values = numericValues[f];
    if (!values) return;
    const j = firstColumn[f];
    let mean = 0;
    for (const i of used) mean += values[i];
    mean /= n;
    let ss = 0;
    for (const i of used) ss += (values[i] - mean) ** 2;
    const sd = Math.sqrt(ss / n);
    centre[j] = mean;
    scale[j] = sd > 0 ? sd : 1;
  });

  // Sparse rows: a dummy block has at most one non-zero per row, so each row stores its non-zero
  // (column, value) pairs in increasing column order — about half the work of a dense X'WX here.
  const width = 1 + features.length;
  const cols = new Int32Array(n * width);
  const vals = new Float64Array(n * width);
  const nnz = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = used[k];
    const o = k * width;
    let c = 0;
    cols[o] = 0;
    vals[o] = 1;
    c++;
    for (let f = 0; f < features.length; f++) {
      const values = numericValues[f];
      if (values) {
        const j = firstColumn[f];
        cols[o + c] = j;
        vals[o + c] = (values[i] - centre[j]) / scale[j];
        c++;
        continue;
      }
      const j = (levelColumn[f] as Map<string, number>).get(levelValues[f][i] as string);
      if (j === undefined) continue; // reference level
      cols[o + c] = j;
      vals[o + c] = 1;
      c++;
    }
    nnz[k] = c;
  }

  // Penalty on the standardised coefficients: β_j = β'_j / s_j, so (l2/2)β_j² = (l2 / (2 s_j²)) β'_j².
  const pen = new Float64Array(p);
  for (let j = 1; j < p; j++) pen[j] = l2 / (scale[j] * scale[j]);

  const beta = new Float64Array(p);
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += y[i];
  ybar /= n;
  beta[0] = ybar > 0 && ybar < 1 ? Math.log(ybar / (1 - ybar)) : ybar === 0 ? -30 : 30;

  const eta = new Float64Array(n);
  const computeEta = (b: Float64Array, out: Float64Array): void => {
    for (let k = 0; k < n; k++) {
      const o = k * width;
      const end = o + nnz[k];
      let s = 0;
      for (let m = o; m < end; m++) s += vals[m] * b[cols[m]];
      out[k] = s;
    }
  };
  const penalised = (dev: number, b: Float64Array): number => {
    let s = dev;
    for (let j = 1; j < p; j++) s += pen[j] * b[j] * b[j];
    return s;
  };

  computeEta(beta, eta);
  const nullDeviance = devianceOf(eta, y);
  let dev = nullDeviance;
  let objective = penalised(dev, beta);

  const skip = new Uint8Array(p);
  const hess = new Float64Array(p * p);
  const grad = new Float64Array(p);
  const trial = new Float64Array(p);
  const trialEta = new Float64Array(n);
  let factor: Float64Array | null = null;
  let converged = false;
  let iterations = 0;

  const buildSystem = (): void => {
    accumulateSystem(n, p, width, cols, vals, nnz, eta, y, hess, grad);
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < a; b++) hess[b * p + a] = hess[a * p + b];
      hess[a * p + a] += pen[a];
      grad[a] -= pen[a] * beta[a];
    }
  };

  while (iterations < maxIter) {
    iterations++;
    buildSystem();
    // Aliasing is a property of the column space (W > 0 everywhere), so decide it once.
    factor = cholesky(hess, p, skip, iterations === 1);
    if (!factor) break; // information matrix became numerically singular (separation)
    const step = choleskySolve(factor, p, skip, grad);
    let decrement = 0;
    for (let j = 0; j < p; j++) decrement += step[j] * grad[j];

    // Step-halving: Newton's step can overshoot far from the optimum.
    let t = 1;
    let accepted = false;
    for (let half = 0; half < 40; half++) {
      for (let j = 0; j < p; j++) trial[j] = beta[j] + t * step[j];
      computeEta(trial, trialEta);
      const trialDev = devianceOf(trialEta, y);
      const trialObjective = penalised(trialDev, trial);
      if (Number.isFinite(trialObjective) && trialObjective <= objective + 1e-12 * Math.abs(objective)) {
        beta.set(trial);
        eta.set(trialEta);
        dev = trialDev;
        objective = trialObjective;
        accepted = true;
        break;
      }
      t /= 2;
    }
    if (decrement <= 1e-10 * (Math.abs(dev) + 0.1)) {
      converged = true;
      break;
    }
    if (!accepted) break;
  }

  // Standard errors and effective degrees of freedom use the curvature of the last Newton step, as
  // glm's vcov uses the weights of its last IRLS iteration; at convergence the difference is nil.
  const covScaled = factor ? choleskyInverse(factor, p, skip) : new Float64Array(p * p).fill(NaN);

  let df = 0;
  for (let j = 0; j < p; j++) if (!skip[j]) df++;
  if (l2 > 0 && factor) {
    // edf = tr((XᵀWX + P)⁻¹ XᵀWX) = rank − tr((XᵀWX + P)⁻¹ P).
    let tr = 0;
    for (let j = 0; j < p; j++) if (!skip[j]) tr += covScaled[j * p + j] * pen[j];
    df -= tr;
  }

  // Back to the original scale: β_j = β'_j / s_j, β_0 = β'_0 − Σ β'_j c_j / s_j (a linear map T).
  const tmat = new Float64Array(p * p);
  tmat[0] = 1;
  for (let j = 1; j < p; j++) {
    tmat[j * p + j] = 1 / scale[j];
    tmat[j] = -centre[j] / scale[j];
  }
  const coefficients: Record<string, number> = {};
  const standardErrors: Record<string, number> = {};
  const aliased: string[] = [];
  for (let a = 0; a < p; a++) {
    if (skip[a]) {
      coefficients[terms[a]] = NaN;
      standardErrors[terms[a]] = NaN;
      aliased.push(terms[a]);
      continue;
    }
    let c = 0;
    for (let j = 0; j < p; j++) if (!skip[j]) c += tmat[a * p + j] * beta[j];
    coefficients[terms[a]] = c;
    let v = 0;
    for (let j = 0; j < p; j++) {
      if (skip[j] || tmat[a * p + j] === 0) continue;
      for (let k = 0; k < p; k++) {
        if (skip[k] || tmat[a * p + k] === 0) continue;
        v += tmat[a * p + j] * covScaled[j * p + k] * tmat[a * p + k];
      }
    }
    standardErrors[terms[a]] = Math.sqrt(v);
  }

  // Prediction uses original-scale coefficients, with aliased terms contributing nothing (as in R).
  const coefOf = (term: string): number => {
    const c = coefficients[term];
    return Number.isNaN(c) ? 0 : c;
  };
  const intercept = coefOf(INTERCEPT);
  const predict = (row: Record<string, unknown>): number => {
    let e = intercept;
    for (const spec of featureSpecs) {
      const v = row[spec.name];
      if (spec.kind === 'numeric') {
        const num = toNumber(v);
        if (Number.isNaN(num)) return NaN;
        e += coefOf(spec.name) * num;
      } else {
        if (isBlank(v)) return NaN;
        const level = levelKey(v);
        if (level === spec.reference) continue;
        if (!spec.levels.includes(level)) return NaN;
        e += coefOf(`${spec.name}=${level}`);
      }
    }
    return 1 / (1 + Math.exp(-e));
  };

  return {
    coefficients,
    standardErrors,
    intercept,
    terms,
    aliased,
    features: featureSpecs,
    deviance: dev,
    nullDeviance,
    aic: dev + 2 * df,
    degreesOfFreedom: df,
    iterations,
    converged,
    n,
    droppedRows,
    positive,
    predict
  };
}
