// Deterministic k-means (k-means++ seeding, Lloyd iterations), choice of k, and feature standardisation.
import { mulberry32, randomInt, type RandomSource } from './random';

export type KMeansOptions = {
  /** Starting centroids (k rows); when given, no random seeding is done. */
  initialCentroids?: readonly (readonly number[])[];
  /** Seed of the mulberry32 generator used by k-means++ (default 1). */
  seed?: number;
  /** Cap on Lloyd iterations (default 100). */
  maxIter?: number;
  /** Number of k-means++ starts; the one with the smallest within-cluster sum of squares is kept (default 1). */
  nStart?: number;
};

export type KMeansResult = {
  /** k centroids, each the mean of its cluster's points. */
  centroids: number[][];
  /** Cluster index (0-based) of each point. */
  assignments: Int32Array;
  /** Total within-cluster sum of squared Euclidean distances. */
  withinSS: number;
  /** Within-cluster sum of squares of each cluster. */
  clusterWithinSS: number[];
  /** Number of points in each cluster. */
  sizes: number[];
  /** Assignment passes done, counted as R's kmeans(algorithm = "Lloyd") reports `iter`. */
  iterations: number;
  /** False if `maxIter` was reached with assignments still changing. */
  converged: boolean;
  /** Total within-cluster sum of squares after each assignment pass (non-increasing). */
  history: number[];
};

export type Standardized = { points: number[][]; means: number[]; sds: number[] };

export type ChooseKOptions = {
  /** 'elbow' (default): largest second difference of withinSS; 'silhouette': largest mean silhouette. */
  criterion?: 'elbow' | 'silhouette';
  seed?: number;
  maxIter?: number;
  nStart?: number;
  /** Points used for the silhouette (drawn with the seed; default 1000). */
  sampleSize?: number;
};

export type ChooseKResult = {
  k: number;
  criterion: 'elbow' | 'silhouette';
  results: { k: number; withinSS: number; silhouette?: number; secondDifference?: number }[];
};

function flatten(points: readonly (readonly number[])[]): { data: Float64Array; n: number; d: number } {
  const n = points.length;
  const d = n > 0 ? points[0].length : 0;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const p = points[i];
    if (p.length !== d) throw new Error(`k-means: point ${i} has ${p.length} coordinates, expected ${d}`);
    for (let j = 0; j < d; j++) data[i * d + j] = p[j];
  }
  return { data, n, d };
}

function unflatten(data: Float64Array, rows: number, d: number): number[][] {
  const out: number[][] = new Array(rows);
  // Plain loops: Array.from(subarray) allocates a view and runs the iterator protocol per row.
  for (let i = 0; i < rows; i++) {
    const row = new Array<number>(d);
    for (let j = 0; j < d; j++) row[j] = data[i * d + j];
    out[i] = row;
  }
  return out;
}

/**
 * k-means++ seeding (Arthur & Vassilvitskii 2007, "k-means++: the advantages of careful seeding", §2.2):
 * the first centre uniformly at random, each next one a point drawn with probability proportional to its
 * squared distance to the nearest centre already chosen. O(n·k·d).
 */
export function kMeansPlusPlus(data: Float64Array, n: number, d: number, k: number, random: RandomSource): Float64Array {
  const centroids = new Float64Array(k * d);
  const minDist = new Float64Array(n).fill(Infinity);
  let chosen = randomInt(random, n);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) centroids[c * d + j] = data[chosen * d + j];
    if (c === k - 1) break;
    let total = 0;
    for (let i = 0; i < n; i++) {
      let dist = 0;
      for (let j = 0; j < d; j++) {
        const diff = data[i * d + j] - centroids[c * d + j];
        dist += diff * diff;
      }
      if (dist < minDist[i]) minDist[i] = dist;
      total += minDist[i];
    }
    if (total === 0) {
      // Fewer distinct points than k: any point will do; the empty-cluster repair sorts it out.
      chosen = randomInt(random, n);
      continue;
    }
    let target = random() * total;
    chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= minDist[i];
      if (target < 0) {
        chosen = i;
        break;
      }
    }
  }
  return centroids;
}

/**
 * Lloyd's algorithm on row-major data (Lloyd 1982, "Least squares quantization in PCM", IEEE Trans. Inf.
 * Theory 28(2)), mirroring R's kmeans(algorithm = "Lloyd"): assign every point to its nearest centroid
 * (first one on ties), stop when no assignment changes, else move each centroid to its cluster mean.
 * A cluster that empties is re-seeded with the point farthest from its centroid (R only warns and
 * leaves a NaN centre), so the result always has k clusters. Mutates `centroids`.
 */
function lloyd(data: Float64Array, n: number, d: number, k: number, centroids: Float64Array, maxIter: number): KMeansResult {
  const assignments = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  const history: number[] = [];
  let iterations = 0;
  let converged = false;
  for (let iter = 0; iter < maxIter; iter++) {
    iterations = iter + 1;
    let changed = false;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const base = i * d;
      let best = Infinity;
      let bestC = 0;
      for (let c = 0; c < k; c++) {
        const cb = c * d;
        let s = 0;
        for (let j = 0; j < d; j++) {
          const diff = data[base + j] - centroids[cb + j];
          s += diff * diff;
        }
        if (s < best) {
          best = s;
          bestC = c;
        }
      }
      dist[i] = best;
      total += best;
      if (assignments[i] !== bestC) {
        assignments[i] = bestC;
        changed = true;
      }
    }
    history.push(total);
    if (!changed) {
      converged = true;
      break;
    }
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assignments[i];
      counts[c]++;
      const base = i * d;
      const cb = c * d;
      for (let j = 0; j < d; j++) sums[cb + j] += data[base + j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // Re-seed with the worst-served point so the cluster count stays k and withinSS drops.
        let far = 0;
        for (let i = 1; i < n; i++) if (dist[i] > dist[far]) far = i;
        for (let j = 0; j < d; j++) centroids[c * d + j] = data[far * d + j];
        dist[far] = 0;
        continue;
      }
      for (let j = 0; j < d; j++) centroids[c * d + j] = sums[c * d + j] / counts[c];
    }
  }
  // Final statistics against the final centroids (which are the cluster means unless maxIter cut us off).
  const clusterWithinSS = new Array<number>(k).fill(0);
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const c = assignments[i];
    sizes[c]++;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const diff = data[i * d + j] - centroids[c * d + j];
      s += diff * diff;
    }
    clusterWithinSS[c] += s;
  }
  return {
    centroids: unflatten(centroids, k, d),
    assignments,
    withinSS: clusterWithinSS.reduce((a, b) => a + b, 0),
    clusterWithinSS,
    sizes,
    iterations,
    converged,
    history
  };
}

/**
 * k-means clustering of n points stored row-major in `data` (n·d numbers); see {@link kMeans}.
 */
export function kMeansFlat(data: Float64Array, n: number, d: number, k: number, options: KMeansOptions = {}): KMeansResult {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k-means: k must be a positive integer, got ${k}`);
  if (k > n) throw new Error(`k-means: k = ${k} exceeds the number of points (${n})`);
  const maxIter = options.maxIter ?? 100;
  if (options.initialCentroids) {
    const init = flatten(options.initialCentroids);
    if (init.n !== k || init.d !== d) throw new Error('k-means: initialCentroids must be k rows of d coordinates');
    return lloyd(data, n, d, k, init.data, maxIter);
  }
  const random = mulberry32(options.seed ?? 1);
  const starts = Math.max(1, options.nStart ?? 1);
  let best: KMeansResult | null = null;
  for (let s = 0; s < starts; s++) {
    const result = lloyd(data, n, d, k, kMeansPlusPlus(data, n, d, k, random), maxIter);
    if (!best || result.withinSS < best.withinSS) best = result;
  }
  return best as KMeansResult;
}

/**
 * k-means clustering: k-means++ seeding from a seeded mulberry32 generator (or the given initial
 * centroids), then Lloyd iterations until no point changes cluster (Lloyd 1982; Arthur & Vassilvitskii
 * 2007). Deterministic for a given seed. With `initialCentroids` the result matches R's
 * `kmeans(x, centers, algorithm = "Lloyd")`. Works on typed arrays internally: O(n·k·d) per iteration.
 */
export function kMeans(points: readonly (readonly number[])[], k: number, options: KMeansOptions = {}): KMeansResult {
  const { data, n, d } = flatten(points);
  return kMeansFlat(data, n, d, k, options);
}

/**
 * Centres each column on its mean and divides by its sample standard deviation (n − 1), as R's
 * `scale()` does, so that features in dollars and in weeks weigh alike in Euclidean distance. Constant
 * columns are only centred (sd reported as 0). Row-major typed-array version of {@link standardize}.
 */
export function standardizeFlat(
  data: Float64Array,
  n: number,
  d: number
): { data: Float64Array; means: number[]; sds: number[] } {
  const means = new Array<number>(d).fill(0);
  const sds = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) means[j] += data[i * d + j];
  for (let j = 0; j < d; j++) means[j] /= n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const diff = data[i * d + j] - means[j];
      sds[j] += diff * diff;
    }
  }
  for (let j = 0; j < d; j++) sds[j] = n > 1 ? Math.sqrt(sds[j] / (n - 1)) : 0;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = (data[i * d + j] - means[j]) / (sds[j] > 0 ? sds[j] : 1);
  }
  return { data: out, means, sds };
}

/** {@link standardizeFlat} for an array of points (R's `scale()`: mean 0, sample sd 1 per column). */
export function standardize(points: readonly (readonly number[])[]): Standardized {
  const { data, n, d } = flatten(points);
  const res = standardizeFlat(data, n, d);
  return { points: unflatten(res.data, n, d), means: res.means, sds: res.sds };
}

/**
 * Mean silhouette width (Rousseeuw 1987, "Silhouettes: a graphical aid to the interpretation and
 * validation of cluster analysis", J. Comput. Appl. Math. 20) over the points listed in `sample`,
 * computed among those points only (as scikit-learn's `silhouette_score(sample_size=…)` does).
 * s(i) = (b − a)/max(a, b), with a the mean distance to its own cluster and b to the nearest other; a
 * point alone in its cluster scores 0.
 */
export function meanSilhouette(
  data: Float64Array,
  d: number,
  assignments: ArrayLike<number>,
  k: number,
  sample: ArrayLike<number>
): number {
  const m = sample.length;
  const sumTo = new Float64Array(k);
  const countIn = new Int32Array(k);
  for (let s = 0; s < m; s++) countIn[assignments[sample[s]]]++;
  let total = 0;
  for (let s = 0; s < m; s++) {
    const i = sample[s];
    const ci = assignments[i];
    sumTo.fill(0);
    for (let t = 0; t < m; t++) {
      if (t === s) continue;
      const o = sample[t];
      let dist = 0;
      for (let j = 0; j < d; j++) {
        const diff = data[i * d + j] - data[o * d + j];
        dist += diff * diff;
      }
      sumTo[assignments[o]] += Math.sqrt(dist);
    }
    if (countIn[ci] <= 1) continue;
    const a = sumTo[ci] / (countIn[ci] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== ci && countIn[c] > 0) b = Math.min(b, sumTo[c] / countIn[c]);
    if (b === Infinity) continue;
    const denom = Math.max(a, b);
    total += denom > 0 ? (b - a) / denom : 0;
  }
  return m > 0 ? total / m : 0;
}

/**
 * Runs k-means for each k in `kRange` (same seed each time) and picks k.
 *
 * 'elbow': the k with the largest second difference W(k−1) − 2W(k) + W(k+1) of the total within-cluster
 * sum of squares, i.e. where the curve bends most (needs ≥ 3 consecutive k; the ends cannot be chosen).
 * 'silhouette': the k with the largest mean silhouette (Rousseeuw 1987) on a seeded sample of up to
 * `sampleSize` points (k ≥ 2 only).
 */
export function chooseK(
  points: readonly (readonly number[])[],
  kRange: readonly number[],
  options: ChooseKOptions = {}
): ChooseKResult {
  const criterion = options.criterion ?? 'elbow';
  const ks = [...kRange].sort((a, b) => a - b);
  const { data, n, d } = flatten(points);
  const results: { k: number; withinSS: number; assignments: Int32Array }[] = ks.map((k) => {
    const fit = kMeansFlat(data, n, d, k, { seed: options.seed, maxIter: options.maxIter, nStart: options.nStart });
    return { k, withinSS: fit.withinSS, assignments: fit.assignments };
  });
  if (criterion === 'elbow') {
    if (ks.length < 3) throw new Error('chooseK: the elbow criterion needs at least 3 values of k');
    for (let i = 1; i < ks.length; i++) {
      if (ks[i] !== ks[i - 1] + 1) throw new Error('chooseK: the elbow criterion needs consecutive values of k');
    }
    let best = 1;
    const out: ChooseKResult['results'] = results.map(({ k, withinSS }) => ({ k, withinSS }));
    for (let i = 1; i < ks.length - 1; i++) {
      out[i].secondDifference = results[i - 1].withinSS - 2 * results[i].withinSS + results[i + 1].withinSS;
      if ((out[i].secondDifference ?? -Infinity) > (out[best].secondDifference ?? -Infinity)) best = i;
    }
    return { k: ks[best], criterion, results: out };
  }
  if (ks[0] < 2) throw new Error('chooseK: the silhouette needs k >= 2');
  const sampleSize = Math.min(n, options.sampleSize ?? 1000);
  const random = mulberry32((options.seed ?? 1) ^ 0x5bd1e995);
  // Partial Fisher–Yates: a uniform sample without replacement, reproducible from the seed.
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = 0; i < sampleSize; i++) {
    const j = i + randomInt(random, n - i);
    const tmp = perm[i];
    perm[i] = perm[j];
    perm[j] = tmp;
  }
  const sample = perm.subarray(0, sampleSize);
  let best = 0;
  const out: ChooseKResult['results'] = results.map(({ k, withinSS, assignments }) => ({
    k,
    withinSS,
    silhouette: meanSilhouette(data, d, assignments, k, sample)
  }));
  for (let i = 1; i < out.length; i++) if ((out[i].silhouette ?? 0) > (out[best].silhouette ?? 0)) best = i;
  return { k: out[best].k, criterion, results: out };
}
