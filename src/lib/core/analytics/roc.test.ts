// Validates ROC AUC (Mann–Whitney with ties) and the ROC curve against brute force and R.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { fitLogisticRegression } from './logistic';
import { rocAuc, rocCurve, type RocPoint } from './roc';

/** The definition: share of (positive, negative) pairs ranked correctly, ties counting ½. O(n₊ n₋). */
function pairwiseAuc(scores: readonly number[], labels: readonly boolean[]): number {
  const pos = scores.filter((_, i) => labels[i]);
  const neg = scores.filter((_, i) => !labels[i]);
  let wins = 0;
  for (const p of pos) for (const q of neg) wins += p > q ? 1 : p === q ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

function trapezoid(points: readonly RocPoint[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) area += ((points[i].fpr - points[i - 1].fpr) * (points[i].tpr + points[i - 1].tpr)) / 2;
  return area;
}

describe('rocAuc', () => {
  it('computes small hand-checked cases', () => {
    // 3 of the 4 positive/negative pairs are ordered correctly.
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(rocAuc([1, 2, 3, 4], [false, false, true, true])).toBe(1);
    expect(rocAuc([1, 2, 3, 4], [true, true, false, false])).toBe(0);
    // Every pair tied: ½.
    expect(rocAuc([5, 5, 5, 5], [0, 1, 0, 1])).toBe(0.5);
    // One tie between a positive and a negative among 2 × 2 pairs: (1 + 1 + 1 + ½) / 4.
    expect(rocAuc([0.2, 0.5, 0.5, 0.9], [0, 0, 1, 1])).toBe(0.875);
    expect(rocAuc([-Infinity, 0, Infinity], [0, 1, 1])).toBe(1);
  });

  it('is NaN with one class only and rejects malformed input', () => {
    expect(rocAuc([1, 2], [1, 1])).toBeNaN();
    expect(() => rocAuc([1, 2], [1])).toThrow(RangeError);
    expect(() => rocAuc([1, NaN], [1, 0])).toThrow(RangeError);
    expect(() => rocAuc([1, 2], [1, 2])).toThrow(RangeError);
  });

  it('equals the brute-force pairwise AUC on random scores with many ties', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const labels = Array.from({ length: 2000 }, () => rand() < 0.3);
    const scores = labels.map((l) => Math.round((rand() + (l ? 0.3 : 0)) * 20) / 20); // ~27 distinct values
    expect(rocAuc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
  });
});

describe('rocAuc and rocCurve on Telco churn scores', () => {
  const rows = Papa.parse<Record<string, string>>(
    readFileSync(path.resolve(process.cwd(), '../shared/data/Telco-Customer-Churn.csv'), 'utf8'),
    { header: true, skipEmptyLines: true }
  ).data.filter((r) => r.TotalCharges.trim() !== '');
  const model = fitLogisticRegression(rows, {
    target: 'Churn',
    features: ['tenure', 'MonthlyCharges', 'TotalCharges', 'Contract', 'InternetService', 'PaymentMethod', 'PaperlessBilling', 'SeniorCitizen']
  });
  const scores = rows.map((r) => model.predict(r));
  const labels = rows.map((r) => r.Churn === 'Yes');

  it('matches R and the brute-force pairwise count on the fitted probabilities', () => {
    /*
     * R (same glm fit as logistic.test.ts): y <- d$Churn; r <- rank(fitted(fit))
     *   (sum(r[y == 1]) - n1 * (n1 + 1) / 2) / (n1 * n0)   # n1 = 1869, n0 = 5163
     */
    const auc = rocAuc(scores, labels);
    expect(auc).toBeCloseTo(0.841547053482889, 8);
    expect(auc).toBeCloseTo(pairwiseAuc(scores, labels), 12);
  });

  it('handles ties: probabilities rounded to 2 decimals still equal brute force', () => {
    const rounded = scores.map((s) => Math.round(s * 100) / 100);
    expect(rocAuc(rounded, labels)).toBeCloseTo(pairwiseAuc(rounded, labels), 12);
  });

  it('traces a monotone curve from (0,0) to (1,1) whose trapezoidal area is the AUC', () => {
    for (const s of [scores, scores.map((v) => Math.round(v * 100) / 100)]) {
      const curve = rocCurve(s, labels);
      expect(curve[0]).toEqual({ fpr: 0, tpr: 0, threshold: Infinity });
      expect(curve[curve.length - 1]).toMatchObject({ fpr: 1, tpr: 1 });
      expect(curve).toHaveLength(new Set(s).size + 1);
      for (let i = 1; i < curve.length; i++) {
        expect(curve[i].threshold).toBeLessThan(curve[i - 1].threshold);
        expect(curve[i].fpr).toBeGreaterThanOrEqual(curve[i - 1].fpr);
        expect(curve[i].tpr).toBeGreaterThanOrEqual(curve[i - 1].tpr);
      }
      expect(trapezoid(curve)).toBeCloseTo(rocAuc(s, labels), 12);
    }
    // At a threshold the rates are those of "score ≥ threshold".
    const curve = rocCurve(scores, labels);
    const mid = curve[Math.floor(curve.length / 2)];
    const called = scores.map((v) => v >= mid.threshold);
    expect(mid.tpr).toBe(called.filter((c, i) => c && labels[i]).length / labels.filter(Boolean).length);
    expect(mid.fpr).toBe(called.filter((c, i) => c && !labels[i]).length / labels.filter((l) => !l).length);
    expect(() => rocCurve([1, 2], [0, 0])).toThrow(RangeError);
  });
});
