import { describe, expect, it } from 'vitest';
import { retentionCohorts } from './cohorts';

const tx = [
  { customerId: 'c1', date: '2024-01-05', amount: 10 },
  { customerId: 'c1', date: '2024-02-10', amount: 10 },
  { customerId: 'c1', date: '2024-04-01T10:00:00Z', amount: 10 },
  { customerId: 'c2', date: '2024-01-20', amount: 10 },
  { customerId: 'c2', date: '2024-03-02', amount: 10 },
  { customerId: 'c3', date: '2024-02-01', amount: 10 },
  { customerId: 'c3', date: '2024-02-15', amount: 10 },
  { customerId: 'c3', date: '2024-03-30', amount: 10 },
  { customerId: 'c4', date: new Date(Date.UTC(2024, 3, 10)), amount: 10 }
];

describe('retentionCohorts', () => {
  it('builds the monthly triangle of counts and shares', () => {
    const r = retentionCohorts(tx, { grain: 'month' });
    expect(r.rows).toEqual([
      { cohort: '2024-01', size: 2, counts: [2, 1, 1, 1], shares: [1, 0.5, 0.5, 0.5] },
      { cohort: '2024-02', size: 1, counts: [1, 1, 0], shares: [1, 1, 0] },
      { cohort: '2024-04', size: 1, counts: [1], shares: [1] }
    ]);
    expect(r.periods).toBe(4);
    expect(r.shares).toEqual([
      [1, 0.5, 0.5, 0.5],
      [1, 1, 0, null],
      [1, null, null, null]
    ]);
    expect(r.counts[1]).toEqual([1, 1, 0, null]);
  });

  it('averages each offset over the cohorts observed that far', () => {
    const { average } = retentionCohorts(tx);
    expect(average[0]).toBe(1);
    expect(average[1]).toBeCloseTo(2 / 3, 12);
    expect(average[2]).toBeCloseTo(1 / 3, 12);
    expect(average[3]).toBe(0.5);
  });

  it('works by quarter and stops at an end period', () => {
    expect(retentionCohorts(tx, { grain: 'quarter' }).rows).toEqual([
      { cohort: '2024-Q1', size: 3, counts: [3, 1], shares: [1, 1 / 3] },
      { cohort: '2024-Q2', size: 1, counts: [1], shares: [1] }
    ]);
    const early = retentionCohorts(tx, { end: '2024-02-29' });
    expect(early.rows.map((r) => [r.cohort, r.counts])).toEqual([
      ['2024-01', [2, 1]],
      ['2024-02', [1]]
    ]);
  });

  it('is empty without transactions and rejects non-dates', () => {
    expect(retentionCohorts([])).toEqual({ grain: 'month', rows: [], periods: 0, shares: [], counts: [], average: [] });
    expect(() => retentionCohorts([{ customerId: 'x', date: 'soon', amount: 1 }])).toThrow(/calendar date/);
  });
});
