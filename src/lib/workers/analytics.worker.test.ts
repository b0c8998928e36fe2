import { describe, expect, it } from 'vitest';
import { handleAnalyticsRequest } from './analytics.worker';

describe('analytics worker switch', () => {
  it('runs the named function on the arguments and answers with the request id', () => {
    const facts = [
      { month: '2025-01', category: 'A', revenue: 2 },
      { month: '2025-01', category: 'B', revenue: 3 }
    ];
    const r = handleAnalyticsRequest({ id: 7, kind: 'pivot', args: [facts, { rows: ['month'], columns: ['category'], measure: { field: 'revenue', agg: 'sum' } }] });
    expect(r).toMatchObject({ id: 7, ok: true, result: { cells: [[2, 3]], grandTotal: 5 } });
  });

  it('unwraps models that hold functions so the answer can be cloned', () => {
    const series = Array.from({ length: 36 }, (_, t) => 100 + t + 10 * Math.sin((2 * Math.PI * t) / 12));
    const hw = handleAnalyticsRequest({ id: 1, kind: 'holtWinters', args: [series, { period: 12, seasonal: 'additive' }, 6] });
    expect(hw.ok).toBe(true);
    const model = (hw as { result: { forecast: { mean: number[] } } }).result;
    expect(model.forecast.mean).toHaveLength(6);
    expect(() => structuredClone(model)).not.toThrow();

    const rows = Array.from({ length: 60 }, (_, i) => ({ x: i % 10, y: (i * 7) % 10 < i % 10 ? 'Yes' : 'No' }));
    const lr = handleAnalyticsRequest({ id: 2, kind: 'fitLogisticRegression', args: [rows, { target: 'y', features: ['x'] }, [{ x: 9 }]] });
    expect(lr.ok).toBe(true);
    const fit = (lr as { result: Record<string, unknown> }).result;
    expect(fit.predict).toBeUndefined();
    expect((fit.scores as number[])[0]).toBeGreaterThan(0.5);
    expect(() => structuredClone(fit)).not.toThrow();
  });

  it('turns errors and unknown kinds into answers instead of throwing', () => {
    expect(handleAnalyticsRequest({ id: 3, kind: 'pivot', args: [[], { rows: [], columns: [], measure: { agg: 'sum' } }] })).toEqual({ id: 3, ok: false, error: 'the sum of what? measure.field is required' });
    expect(handleAnalyticsRequest({ id: 4, kind: 'nope', args: [] } as never)).toEqual({ id: 4, ok: false, error: 'Unknown analytics request "nope"' });
  });
});
