// Tests k-means against hand computation, R's kmeans(algorithm = "Lloyd") and its defining properties.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCdnowSummaryCsv } from './cdnow';
import { chooseK, kMeans, kMeansFlat, standardize, standardizeFlat } from './kmeans';
import { mulberry32, randomNormal } from './random';

const data = (file: string): string => readFileSync(path.resolve(process.cwd(), '../shared/data', file), 'utf8');

function sqDist(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return s;
}

function blobs(seed: number, centres: number[][], perBlob: number, spread: number): number[][] {
  const random = mulberry32(seed);
  const out: number[][] = [];
  for (const c of centres) {
    for (let i = 0; i < perBlob; i++) out.push(c.map((v) => v + spread * randomNormal(random)));
  }
  return out;
}

describe('kMeans, hand-checked', () => {
  it('follows Lloyd step by step from fixed centroids', () => {
    // Pass 1 with centroids 1, 2: distances 0,0,1,64,81,100 → 246; means → 1 and 38/5 = 7.6.
    // Pass 2: 0,1,4,5.76,11.56,19.36 → 41.68; means → 2 and 11. Pass 3: nothing moves → 4.
    const res = kMeans([[1], [2], [3], [10], [11], [12]], 2, { initialCentroids: [[1], [2]] });
    expect([...res.assignments]).toEqual([0, 0, 0, 1, 1, 1]);
    expect(res.centroids).toEqual([[2], [11]]);
    expect(res.iterations).toBe(3);
    expect(res.converged).toBe(true);
    expect(res.history[0]).toBeCloseTo(246, 12);
    expect(res.history[1]).toBeCloseTo(41.68, 12);
    expect(res.history[2]).toBeCloseTo(4, 12);
    expect(res.withinSS).toBeCloseTo(4, 12);
    expect(res.clusterWithinSS).toEqual([2, 2]);
    expect(res.sizes).toEqual([3, 3]);
  });

  it('re-seeds an empty cluster with the worst-served point', () => {
    const res = kMeans([[0], [1], [100]], 3, { initialCentroids: [[1000], [0], [1]] });
    expect(res.sizes).toEqual([1, 1, 1]);
    expect(res.withinSS).toBe(0);
    expect(res.centroids).toEqual([[100], [0], [1]]);
  });

  it('validates its input', () => {
    expect(() => kMeans([[1], [2]], 3)).toThrow();
    expect(() => kMeans([[1], [2]], 0)).toThrow();
    expect(() => kMeans([[1, 2], [2]], 1)).toThrow();
    expect(() => kMeans([[1], [2]], 2, { initialCentroids: [[1]] })).toThrow();
  });
});

describe('kMeans against R', () => {
  // R 4.2.2:
  //   s <- read.csv("cdnow_customers_summary_with_transactions.csv")
  //   X <- scale(as.matrix(s[, c("x", "t_x", "T", "zbar")]))
  //   km <- kmeans(X, centers = X[c(1, 6, 9, 100, 1000), ], algorithm = "Lloyd", iter.max = 100)
  //   km$iter; km$size; km$tot.withinss; km$withinss; km$centers; sum(seq_along(km$cluster) * km$cluster); km$cluster[1:20]
  //   km2 <- kmeans(X, centers = X[c(2, 3, 6), ], algorithm = "Lloyd", iter.max = 100)
  //   km2$iter; km2$size; km2$tot.withinss; sum(seq_along(km2$cluster) * km2$cluster)
  const rows = parseCdnowSummaryCsv(data('cdnow_customers_summary_with_transactions.csv'));
  const std = standardize(rows.map((r) => [r.frequency, r.recency, r.T, r.monetaryValue ?? NaN]));
  const X = std.points;
  const checksum = (a: Int32Array): number => a.reduce((s, c, i) => s + (i + 1) * (c + 1), 0);

  it('standardizes like scale()', () => {
    const means = [1.0424268137462878, 6.8457870173949935, 32.7158294442087367, 14.0790453966907076];
    const sds = [2.1900141209614992, 10.7313998651934259, 3.3269058456324143, 25.7609598855354989];
    means.forEach((m, j) => expect(std.means[j]).toBeCloseTo(m, 12));
    sds.forEach((s, j) => expect(std.sds[j]).toBeCloseTo(s, 12));
  });

  it('reproduces kmeans(X, X[c(1,6,9,100,1000),], algorithm = "Lloyd")', () => {
    const res = kMeans(X, 5, { initialCentroids: [0, 5, 8, 99, 999].map((i) => X[i]) });
    expect(res.iterations).toBe(44);
    expect(res.sizes).toEqual([503, 40, 83, 847, 884]);
    expect(res.withinSS).toBeCloseTo(2905.3080654293608, 8);
    const withinss = [1131.94847106230191, 389.6944338975494, 414.87120860258727, 451.11440701771778, 517.6795448492046];
    withinss.forEach((w, c) => expect(res.clusterWithinSS[c]).toBeCloseTo(w, 8));
    expect(checksum(res.assignments)).toBe(10803698);
    expect([...res.assignments.subarray(0, 20)].map((c) => c + 1)).toEqual([1, 4, 4, 4, 4, 1, 4, 4, 1, 4, 1, 4, 4, 4, 4, 4, 2, 4, 1, 4]);
    const centre2 = [5.33447390792376019, 2.12103856612696795, 0.33023794683988611, 1.15660304335316999];
    centre2.forEach((v, j) => expect(res.centroids[1][j]).toBeCloseTo(v, 10));
  });

  it('gives identical results through the typed-array entry points', () => {
    const flat = Float64Array.from(rows.flatMap((r) => [r.frequency, r.recency, r.T, r.monetaryValue ?? NaN]));
    const std2 = standardizeFlat(flat, rows.length, 4);
    expect(Array.from(std2.data.subarray(0, 8))).toEqual([...X[0], ...X[1]]);
    const init = Float64Array.from([0, 5, 8, 99, 999].flatMap((i) => X[i]));
    const res = kMeansFlat(std2.data, rows.length, 4, 5, { initialCentroids: [0, 1, 2, 3, 4].map((c) => Array.from(init.subarray(c * 4, c * 4 + 4))) });
    expect(res.sizes).toEqual([503, 40, 83, 847, 884]);
    expect(checksum(res.assignments)).toBe(10803698);
  });

  it('reproduces kmeans(X, X[c(2,3,6),], algorithm = "Lloyd")', () => {
    const res = kMeans(X, 3, { initialCentroids: [1, 2, 5].map((i) => X[i]) });
    expect(res.iterations).toBe(23);
    expect(res.sizes).toEqual([624, 1643, 90]);
    expect(res.withinSS).toBeCloseTo(4809.8784329374848, 8);
    expect(checksum(res.assignments)).toBe(4902966);
  });
});

describe('kMeans properties (k-means++ seeding)', () => {
  const points = blobs(7, [[0, 0, 0], [5, 5, 0], [0, 6, 4], [8, 0, 3]], 250, 1.5);

  it('converges to a fixed point: nearest-centroid assignments, centroids at cluster means', () => {
    const res = kMeans(points, 4, { seed: 42 });
    expect(res.converged).toBe(true);
    points.forEach((p, i) => {
      const own = sqDist(p, res.centroids[res.assignments[i]]);
      for (const c of res.centroids) expect(own).toBeLessThanOrEqual(sqDist(p, c) + 1e-12);
    });
    res.centroids.forEach((centre, c) => {
      const members = points.filter((_, i) => res.assignments[i] === c);
      expect(members.length).toBe(res.sizes[c]);
      centre.forEach((v, j) => expect(v).toBeCloseTo(members.reduce((s, p) => s + p[j], 0) / members.length, 10));
    });
  });

  it('never increases the within-cluster sum of squares', () => {
    const res = kMeans(points, 6, { seed: 3 });
    for (let i = 1; i < res.history.length; i++) expect(res.history[i]).toBeLessThanOrEqual(res.history[i - 1] + 1e-9);
    expect(res.withinSS).toBeCloseTo(res.history[res.history.length - 1], 8);
  });

  it('is deterministic for a seed, and nStart keeps the best start', () => {
    const a = kMeans(points, 4, { seed: 9 });
    const b = kMeans(points, 4, { seed: 9 });
    expect([...a.assignments]).toEqual([...b.assignments]);
    expect(a.centroids).toEqual(b.centroids);
    const many = kMeans(points, 4, { seed: 9, nStart: 5 });
    expect(many.withinSS).toBeLessThanOrEqual(a.withinSS + 1e-9);
  });

  it('stops at maxIter and says so', () => {
    const res = kMeans(points, 8, { seed: 1, maxIter: 1 });
    expect(res.iterations).toBe(1);
    expect(res.converged).toBe(false);
  });

  it('copes with fewer distinct points than k', () => {
    const res = kMeans([[1, 1], [1, 1], [1, 1], [2, 2]], 3, { seed: 5 });
    expect(res.sizes.reduce((a, b) => a + b, 0)).toBe(4);
    expect(res.withinSS).toBe(0);
  });
});

describe('chooseK', () => {
  const points = blobs(11, [[0, 0], [10, 0], [5, 9]], 200, 1);

  it('finds the three blobs by the elbow', () => {
    const res = chooseK(points, [1, 2, 3, 4, 5, 6], { seed: 2 });
    expect(res.k).toBe(3);
    expect(res.criterion).toBe('elbow');
    expect(res.results.map((r) => r.k)).toEqual([1, 2, 3, 4, 5, 6]);
    for (let i = 1; i < res.results.length; i++) expect(res.results[i].withinSS).toBeLessThan(res.results[i - 1].withinSS);
  });

  it('finds the three blobs by the silhouette', () => {
    const res = chooseK(points, [2, 3, 4, 5], { seed: 2, criterion: 'silhouette', sampleSize: 300 });
    expect(res.k).toBe(3);
    const s3 = res.results.find((r) => r.k === 3)?.silhouette ?? 0;
    expect(s3).toBeGreaterThan(0.7);
    expect(s3).toBeLessThanOrEqual(1);
  });

  it('rejects ranges the criterion cannot use', () => {
    expect(() => chooseK(points, [2, 3])).toThrow();
    expect(() => chooseK(points, [2, 4, 6])).toThrow();
    expect(() => chooseK(points, [1, 2], { criterion: 'silhouette' })).toThrow();
  });
});

describe('standardize', () => {
  it('gives zero mean and unit sample sd, leaving constant columns centred', () => {
    const { points, means, sds } = standardize([
      [1, 5],
      [2, 5],
      [3, 5]
    ]);
    expect(means).toEqual([2, 5]);
    expect(sds).toEqual([1, 0]);
    expect(points).toEqual([
      [-1, 0],
      [0, 0],
      [1, 0]
    ]);
  });
});
