// Seasonal Holt–Winters exponential smoothing and forecasting, reproducing R's stats::HoltWinters.

/** Options of {@link holtWinters}. */
export type HoltWintersOptions = {
  /** Season length in observations (12 for monthly data with a yearly cycle); an integer ≥ 2. */
  period: number;
  /** Whether the seasonal effect adds to or multiplies the level + trend. */
  seasonal: 'additive' | 'multiplicative';
  /** Level smoothing in (0, 1]; estimated when omitted. */
  alpha?: number;
  /** Trend smoothing in [0, 1]; estimated when omitted. */
  beta?: number;
  /** Seasonal smoothing in [0, 1]; estimated when omitted. */
  gamma?: number;
  /** Not supported: R's exponential-trend variant is not implemented. */
  exponential?: never;
};

/** Point forecasts with a symmetric prediction interval. */
export type HoltWintersForecast = { mean: number[]; lower: number[]; upper: number[] };

/** Fitted model returned by {@link holtWinters}. */
export type HoltWintersModel = {
  alpha: number;
  beta: number;
  gamma: number;
  period: number;
  seasonal: 'additive' | 'multiplicative';
  /** Level a at the last observation (R's coefficient `a`). */
  level: number;
  /** Trend b at the last observation (R's `b`). */
  trend: number;
  /** Seasonal effects for the next `period` steps (R's `s1` … `sp`). */
  season: number[];
  /** Sum of squared one-step-ahead prediction errors over the fitted span. */
  sse: number;
  /** One-step-ahead predictions aligned with the series; NaN for the first `period` points (not predicted). */
  fitted: number[];
  /** Initial states used by the filter (R's l.start, b.start, s.start). */
  start: { level: number; trend: number; season: number[] };
  /** Whether the parameter search met its tolerance (true when every parameter was given). */
  converged: boolean;
  /** Forecasts h = 1 … horizon steps ahead with prediction intervals (default level 0.95). */
  forecast: (horizon: number, options?: { level?: number }) => HoltWintersForecast;
};

type Filtered = {
  sse: number;
  /** One-step-ahead predictions for series index period … n−1. */
  xhat: Float64Array;
  level: number;
  trend: number;
  season: number[];
};

type StartStates = { level: number; trend: number; season: number[] };

/**
 * R's `mean`: a sum divided by n, then refined by the mean of the deviations (summary.c), so that the
 * seasonal figures agree with R's to the last bits.
 */
function rMean(values: readonly number[]): number {
  const n = values.length;
  let s = 0;
  for (const v of values) s += v;
  s /= n;
  let t = 0;
  for (const v of values) t += v - s;
  return s + t / n;
}

/**
 * Start values exactly as R's HoltWinters with start.periods = 2: classical decomposition
 * (`decompose`) of the first two seasons, seasonal start = its figure, level and trend starts = the
 * intercept and slope of a least-squares line through the decomposed trend against 1, 2, ….
 */
function startStates(x: readonly number[], f: number, multiplicative: boolean): StartStates {
  const wind = 2 * f;
  // decompose(): centred moving average — weights (½, 1, …, 1, ½)/f for even f, 1/f for odd f —
  // evaluated as R's filter(sides = 2) does, NA where the window runs off either end.
  const weights = f % 2 === 0 ? [0.5, ...new Array<number>(f - 1).fill(1), 0.5].map((w) => w / f) : new Array<number>(f).fill(1 / f);
  const nf = weights.length;
  const offset = Math.floor(nf / 2);
  const trend = new Array<number>(wind).fill(NaN);
  for (let i = 0; i < wind; i++) {
    if (i + offset - (nf - 1) < 0 || i + offset >= wind) continue;
    let z = 0;
    for (let j = 0; j < nf; j++) z += weights[j] * x[i + offset - j];
    trend[i] = z;
  }
  const detrended = x.slice(0, wind).map((v, i) => (multiplicative ? v / trend[i] : v - trend[i]));
  const figure: number[] = [];
  for (let i = 0; i < f; i++) {
    const values = [detrended[i], detrended[i + f]].filter((v) => !Number.isNaN(v));
    figure.push(rMean(values));
  }
  const centre = rMean(figure);
  const season = figure.map((v) => (multiplicative ? v / centre : v - centre));

  // .lm.fit(cbind(1, seq_along(dat)), dat): closed-form simple regression.
  const dat = trend.filter((v) => !Number.isNaN(v));
  const m = dat.length;
  const tBar = (m + 1) / 2;
  const yBar = rMean(dat);
  let sxy = 0;
  let sxx = 0;
  for (let k = 0; k < m; k++) {
    sxy += (k + 1 - tBar) * (dat[k] - yBar);
    sxx += (k + 1 - tBar) ** 2;
  }
  const slope = sxy / sxx;
  return { level: yBar - slope * tBar, trend: slope, season };
}

/**
 * The Holt–Winters recursions of R's C routine (stats/src/HoltWinters.c), started at observation
 * period + 1 (start.time = f + 1). For t ≥ f, with s the seasonal state one period back:
 *   x̂_t = (l + b) + s  (or (l + b)·s);   l' = α(x_t − s) + (1 − α)(l + b)  (or α x_t / s + …);
 *   b' = β(l' − l) + (1 − β) b;           s' = γ(x_t − l') + (1 − γ) s     (or γ x_t / l' + …).
 */
function filter(x: readonly number[], f: number, multiplicative: boolean, alpha: number, beta: number, gamma: number, s0: StartStates, keep: boolean): Filtered {
  const n = x.length;
  const season = new Float64Array(n); // season[k + f] is the state updated at observation k + f
  for (let i = 0; i < f; i++) season[i] = s0.season[i];
  let level = s0.level;
  let trend = s0.trend;
  let sse = 0;
  const xhat = new Float64Array(keep ? n - f : 0);
  for (let i = f; i < n; i++) {
    const k = i - f; // index of the seasonal state one period back
    const s = season[k];
    const base = level + trend;
    const pred = multiplicative ? base * s : base + s;
    const res = x[i] - pred;
    sse += res * res;
    if (keep) xhat[k] = pred;
    const newLevel = multiplicative ? alpha * (x[i] / s) + (1 - alpha) * base : alpha * (x[i] - s) + (1 - alpha) * base;
    trend = beta * (newLevel - level) + (1 - beta) * trend;
    level = newLevel;
    season[k + f] = multiplicative ? gamma * (x[i] / level) + (1 - gamma) * s : gamma * (x[i] - level) + (1 - gamma) * s;
  }
  return { sse, xhat, level, trend, season: Array.from(season.subarray(n - f, n)) };
}

/**
 * Minimises `fn` over the box [0, 1]^k by projected BFGS: quasi-Newton steps on the free coordinates,
 * coordinates at a bound with the gradient pushing outwards held fixed, an Armijo backtracking search
 * along the projected path, and a curvature-checked inverse-Hessian update (Nocedal & Wright, *Numerical
 * Optimization*, 2nd ed., §16.7 and §6.1). Gradients are central differences, one-sided at a bound —
 * the same information R's optim(method = "L-BFGS-B") works from, so from the same start it descends
 * into the same basin.
 */
function minimiseBox(fn: (p: number[]) => number, start: number[]): { par: number[]; value: number; converged: boolean } {
  const k = start.length;
  const h = 1e-7;
  const gradient = (p: number[]): number[] =>
    p.map((v, i) => {
      const up = Math.min(1, v + h);
      const down = Math.max(0, v - h);
      const a = p.slice();
      const b = p.slice();
      a[i] = up;
      b[i] = down;
      return (fn(a) - fn(b)) / (up - down);
    });
  const identity = (): number[][] => Array.from({ length: k }, (_, i) => Array.from({ length: k }, (__, j) => (i === j ? 1 : 0)));

  let x = start.map((v) => Math.min(1, Math.max(0, v)));
  let fx = fn(x);
  let g = gradient(x);
  let hInv = identity();
  let scaled = false;
  let converged = false;
  let lastFree = '';
  for (let iter = 0; iter < 500; iter++) {
    const free = x.map((v, i) => !((v <= 0 && g[i] > 0) || (v >= 1 && g[i] < 0)));
    const freeKey = free.join();
    if (freeKey !== lastFree) {
      hInv = identity();
      scaled = false;
      lastFree = freeKey;
    }
    const pgNorm = Math.max(0, ...g.map((gi, i) => (free[i] ? Math.abs(gi) : 0)));
    if (pgNorm <= 1e-8 * Math.max(1, Math.abs(fx))) {
      converged = true;
      break;
    }
    let d = x.map((_, i) => (free[i] ? -hInv[i].reduce((s, hij, j) => s + (free[j] ? hij * g[j] : 0), 0) : 0));
    let slope = d.reduce((s, di, i) => s + di * g[i], 0);
    if (!(slope < 0)) {
      hInv = identity();
      scaled = false;
      d = g.map((gi, i) => (free[i] ? -gi : 0));
      slope = d.reduce((s, di, i) => s + di * g[i], 0);
    }
    // Before any curvature is known, take a first step of length ≤ 0.1 in the unit box.
    let t = scaled ? 1 : Math.min(1, 0.1 / Math.max(...d.map(Math.abs)));
    let xNew = x;
    let fNew = fx;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      xNew = x.map((v, i) => Math.min(1, Math.max(0, v + t * d[i])));
      fNew = fn(xNew);
      const decrease = g.reduce((s, gi, i) => s + gi * (xNew[i] - x[i]), 0);
      if (fNew <= fx + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      t /= 2;
    }
    if (!accepted) {
      // No descent along a numerically exact direction: we are at the optimum to working precision.
      converged = true;
      break;
    }
    const gNew = gradient(xNew);
    const s = xNew.map((v, i) => v - x[i]);
    const y = gNew.map((v, i) => v - g[i]);
    const sy = s.reduce((acc, si, i) => acc + si * y[i], 0);
    const relChange = Math.abs(fx - fNew) / Math.max(Math.abs(fx), Math.abs(fNew), 1e-300);
    x = xNew;
    fx = fNew;
    g = gNew;
    if (sy > 1e-12 * Math.sqrt(s.reduce((a, v) => a + v * v, 0) * y.reduce((a, v) => a + v * v, 0))) {
      if (!scaled) {
        // Shanno–Phua scaling of the initial inverse Hessian.
        const yy = y.reduce((a, v) => a + v * v, 0);
        hInv = identity().map((row) => row.map((v) => (v * sy) / yy));
        scaled = true;
      }
      const hy = hInv.map((row) => row.reduce((a, hij, j) => a + hij * y[j], 0));
      const yhy = y.reduce((a, yi, i) => a + yi * hy[i], 0);
      const rho = 1 / sy;
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++)
          hInv[i][j] += (1 + yhy * rho) * rho * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j]);
    }
    if (relChange < 1e-15 && Math.max(...s.map(Math.abs)) < 1e-10) {
      converged = true;
      break;
    }
  }
  return { par: x, value: fx, converged };
}

/** Standard normal quantile, Wichura's algorithm AS 241 (Applied Statistics 37:477–484, 1988), as R's qnorm. */
function qnorm(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r +
          13731.693765509461125) *
          r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r +
        5394.1960214247511077) *
        r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let val: number;
  if (r <= 5) {
    r -= 1.6;
    val =
      (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r +
        3.64784832476320460504) *
        r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r +
        0.68976733498510000455) *
        r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    val =
      (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r +
        0.29656057182850489123) *
        r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
        0.0148753612908506148525) *
        r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -val : val;
}

function checkParameter(name: string, v: number | undefined): void {
  if (v === undefined) return;
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be in [0, 1]`);
}

/**
 * Fits a seasonal Holt–Winters model (Winters 1960, "Forecasting sales by exponentially weighted
 * moving averages", Management Science 6:324–342) the way R's `stats::HoltWinters` does, so results
 * can be checked against R:
 *
 * - Start states (start.periods = 2): `decompose()` of the first two seasons gives the seasonal start
 *   (its normalised figure); a least-squares line through the decomposed trend gives the level start
 *   (intercept) and trend start (slope). Filtering starts at observation period + 1.
 * - Parameters not given are chosen to minimise the sum of squared one-step-ahead errors over
 *   [0, 1], starting at α = 0.3, β = 0.1, γ = 0.1 as R's optim(method = "L-BFGS-B") does; here with a
 *   projected BFGS (see minimiseBox). SSE surfaces can have several local minima; this search
 *   descends from the same start as R's and lands on its optimum for the classic data sets.
 * - Forecasts: ŷ_{n+h} = a + h·b + s_{1 + (h−1) mod p} (additive) or (a + h·b)·s_… (multiplicative).
 *   Prediction intervals are R's predict.HoltWinters: ŷ ± z_{(1+level)/2}·√V(h) with σ² the sample
 *   variance of the one-step residuals and ψ_j = α(1 + jβ) + [j mod p = 0]·γ(1 − α):
 *   additive V(h) = σ²(1 + Σ_{j=1}^{h−1} ψ_j²) (Yar & Chatfield 1990, "Prediction intervals for the
 *   Holt–Winters forecasting procedure", IJF 6:127–137); multiplicative
 *   V(h) = σ² Σ_{j=0}^{h−1} (ψ_j · s_r / c_{(r−j) mod p})², r = 1 + (h−1) mod p, an approximation that
 *   R indexes into its coefficient vector c = (a, b, s₁…s_p) so that index 0 picks b rather than s_p;
 *   that quirk is reproduced here so the intervals equal R's.
 */
export function holtWinters(series: readonly number[], options: HoltWintersOptions): HoltWintersModel {
  const { period: f, seasonal } = options;
  if (!Number.isInteger(f) || f < 2) throw new RangeError('period must be an integer ≥ 2');
  if (seasonal !== 'additive' && seasonal !== 'multiplicative') throw new RangeError("seasonal must be 'additive' or 'multiplicative'");
  const x = Array.from(series);
  if (x.length < 2 * f) throw new RangeError(`need at least two full seasons (${2 * f} values)`);
  if (!x.every(Number.isFinite)) throw new RangeError('series must be finite numbers without gaps');
  const multiplicative = seasonal === 'multiplicative';
  if (multiplicative && x.some((v) => v === 0)) throw new RangeError('data must be non-zero for multiplicative Holt-Winters');
  checkParameter('alpha', options.alpha);
  checkParameter('beta', options.beta);
  checkParameter('gamma', options.gamma);
  if (options.alpha === 0) throw new RangeError('alpha must be > 0: a model without level cannot be fitted');

  const s0 = startStates(x, f, multiplicative);
  const sseOf = (a: number, b: number, g: number): number => filter(x, f, multiplicative, a, b, g, s0, false).sse;

  const defaults = { alpha: 0.3, beta: 0.1, gamma: 0.1 };
  const names = (['alpha', 'beta', 'gamma'] as const).filter((k) => options[k] === undefined);
  const params = { alpha: options.alpha ?? defaults.alpha, beta: options.beta ?? defaults.beta, gamma: options.gamma ?? defaults.gamma };
  let converged = true;
  if (names.length > 0) {
    const sol = minimiseBox(
      (p) => {
        const q = { ...params };
        names.forEach((k, i) => (q[k] = p[i]));
        return sseOf(q.alpha, q.beta, q.gamma);
      },
      names.map((k) => defaults[k])
    );
    names.forEach((k, i) => (params[k] = sol.par[i]));
    converged = sol.converged;
  }
  const { alpha, beta, gamma } = params;
  const fit = filter(x, f, multiplicative, alpha, beta, gamma, s0, true);
  const fitted = new Array<number>(x.length).fill(NaN);
  fit.xhat.forEach((v, k) => (fitted[k + f] = v));

  // var(residuals(object)): the n − 1 sample variance about the residuals' mean.
  const residuals = fit.xhat.map((v, k) => x[k + f] - v);
  const rBar = residuals.reduce((a, v) => a + v, 0) / residuals.length;
  const sigma2 = residuals.reduce((a, v) => a + (v - rBar) ** 2, 0) / (residuals.length - 1);

  const coefficients = [fit.level, fit.trend, ...fit.season]; // R's c(a, b, s1..sp), 0-based here
  const psi = (j: number): number => alpha * (1 + j * beta) + (j % f === 0 ? 1 : 0) * gamma * (1 - alpha);
  const variance = (h: number): number => {
    if (!multiplicative) {
      let v = 1;
      for (let j = 1; j <= h - 1; j++) v += psi(j) ** 2;
      return sigma2 * v;
    }
    const rel = 1 + ((h - 1) % f);
    let v = 0;
    for (let j = 0; j <= h - 1; j++) {
      // R: object$coefficients[2 + (rel - j) %% f], 1-based; %% is a non-negative modulo.
      const idx = 1 + ((((rel - j) % f) + f) % f);
      v += ((psi(j) * coefficients[1 + rel]) / coefficients[idx]) ** 2;
    }
    return sigma2 * v;
  };

  const forecast = (horizon: number, opts?: { level?: number }): HoltWintersForecast => {
    if (!Number.isInteger(horizon) || horizon < 0) throw new RangeError('horizon must be a non-negative integer');
    const level = opts?.level ?? 0.95;
    if (!(level > 0 && level < 1)) throw new RangeError('level must be in (0, 1)');
    const z = qnorm((1 + level) / 2);
    const mean: number[] = [];
    const lower: number[] = [];
    const upper: number[] = [];
    for (let h = 1; h <= horizon; h++) {
      const base = fit.level + h * fit.trend;
      const s = fit.season[(h - 1) % f];
      const m = multiplicative ? base * s : base + s;
      const half = z * Math.sqrt(variance(h));
      mean.push(m);
      lower.push(m - half);
      upper.push(m + half);
    }
    return { mean, lower, upper };
  };

  return {
    alpha,
    beta,
    gamma,
    period: f,
    seasonal,
    level: fit.level,
    trend: fit.trend,
    season: fit.season,
    sse: fit.sse,
    fitted,
    start: s0,
    converged,
    forecast
  };
}
