import { describe, expect, it } from 'vitest';
import { dimensionId, drillDown, heatScale, heatShade, parseDimensionId, pivot, pivotToCsv, timeKey, type PivotSpec } from './pivot';
import { mulberry32 } from './random';

// Small table; every expectation below is worked out by hand from it.
const facts = [
  { orderedAt: '2024-01-15T10:00:00Z', category: 'A', region: 'N', revenue: 10 },
  { orderedAt: '2024-01-20T10:00:00Z', category: 'B', region: 'N', revenue: 5 },
  { orderedAt: '2024-02-03T10:00:00Z', category: 'A', region: 'S', revenue: 7 },
  { orderedAt: '2024-04-01T10:00:00Z', category: 'A', region: 'N', revenue: 3 },
  { orderedAt: '2024-04-09T10:00:00Z', category: 'B', region: 'S', revenue: -2 },
  { orderedAt: '2025-01-01T10:00:00Z', category: 'B', region: 'N', revenue: 4 }
];
const month = { kind: 'time', field: 'orderedAt', grain: 'month' } as const;
const quarter = { kind: 'time', field: 'orderedAt', grain: 'quarter' } as const;
const year = { kind: 'time', field: 'orderedAt', grain: 'year' } as const;

describe('pivot', () => {
  it('sums revenue by month × category with row, column and grand totals', () => {
    const r = pivot(facts, { rows: [month], columns: ['category'], measure: { field: 'revenue', agg: 'sum' } });
    expect(r.rowKeys).toEqual([['2024-01'], ['2024-02'], ['2024-04'], ['2025-01']]);
    expect(r.colKeys).toEqual([['A'], ['B']]);
    expect(r.cells).toEqual([
      [10, 5],
      [7, null],
      [3, -2],
      [null, 4]
    ]);
    expect(r.rowTotals).toEqual([15, 7, 1, 4]);
    expect(r.colTotals).toEqual([20, 7]);
    expect(r.grandTotal).toBe(27);
    expect(r.factCount).toBe(6);
    expect(r.rowLabels).toEqual(['orderedAt by month']);
  });

  it('cuts time at quarter and year', () => {
    const q = pivot(facts, { rows: [quarter], columns: ['category'], measure: { field: 'revenue', agg: 'sum' } });
    expect(q.rowKeys).toEqual([['2024-Q1'], ['2024-Q2'], ['2025-Q1']]);
    expect(q.cells).toEqual([
      [17, 5],
      [3, -2],
      [null, 4]
    ]);
    const y = pivot(facts, { rows: [year], columns: [], measure: { field: 'revenue', agg: 'sum' } });
    expect(y.rowKeys).toEqual([['2024'], ['2025']]);
    expect(y.colKeys).toEqual([[]]);
    expect(y.cells).toEqual([[23], [4]]);
  });

  it('computes avg, min, max and count per cell and over the totals (not from the cells)', () => {
    const spec = (agg: 'avg' | 'min' | 'max' | 'count'): PivotSpec => ({ rows: ['region'], columns: ['category'], measure: { field: 'revenue', agg } });
    const avg = pivot(facts, spec('avg'));
    expect(avg.rowKeys).toEqual([['N'], ['S']]);
    // N: A 10, 3 → 6.5; B 5, 4 → 4.5; row N: (10+5+3+4)/4 = 5.5. S: A 7, B −2; row 2.5. Column A: 20/3.
    expect(avg.cells).toEqual([
      [6.5, 4.5],
      [7, -2]
    ]);
    expect(avg.rowTotals).toEqual([5.5, 2.5]);
    expect(avg.colTotals[0]).toBeCloseTo(20 / 3, 12);
    expect(avg.grandTotal).toBeCloseTo(27 / 6, 12);
    expect(pivot(facts, spec('min')).cells).toEqual([
      [3, 4],
      [7, -2]
    ]);
    expect(pivot(facts, spec('max')).grandTotal).toBe(10);
    const count = pivot(facts, spec('count'));
    expect(count.cells).toEqual([
      [2, 2],
      [1, 1]
    ]);
    expect(count.grandTotal).toBe(6);
  });

  it('slices with filters on plain fields and on time grains', () => {
    const north = pivot(facts, { rows: [month], columns: [], measure: { field: 'revenue', agg: 'sum' }, filters: { region: ['N'] } });
    expect(north.rowKeys).toEqual([['2024-01'], ['2024-04'], ['2025-01']]);
    expect(north.cells).toEqual([[15], [3], [4]]);
    const in2024 = pivot(facts, { rows: ['category'], columns: [], measure: { field: 'revenue', agg: 'sum' }, filters: { 'orderedAt:year': [2024] } });
    expect(in2024.cells).toEqual([[20], [3]]);
    expect(in2024.factCount).toBe(5);
  });

  it('groups by several dimensions per axis', () => {
    const r = pivot(facts, { rows: ['region', 'category'], columns: [year], measure: { field: 'revenue', agg: 'sum' } });
    expect(r.rowKeys).toEqual([
      ['N', 'A'],
      ['N', 'B'],
      ['S', 'A'],
      ['S', 'B']
    ]);
    expect(r.colKeys).toEqual([['2024'], ['2025']]);
    expect(r.cells).toEqual([
      [13, null],
      [5, 4],
      [7, null],
      [-2, null]
    ]);
  });

  it('orders rows by total when asked, and puts blank keys last', () => {
    const withBlank = [...facts, { orderedAt: '2024-03-01', category: '', region: 'N', revenue: 100 }];
    const byKey = pivot(withBlank, { rows: ['category'], columns: [], measure: { field: 'revenue', agg: 'sum' } });
    expect(byKey.rowKeys).toEqual([['A'], ['B'], ['']]);
    const byTotal = pivot(withBlank, { rows: ['category'], columns: [], measure: { field: 'revenue', agg: 'sum' }, rowOrder: 'total-desc' });
    expect(byTotal.rowKeys).toEqual([[''], ['A'], ['B']]);
  });

  it('skips non-numeric measures but keeps their keys, and gives null for an empty slice', () => {
    const r = pivot([{ k: 'x', v: 'n/a' }, { k: 'y', v: 2 }], { rows: ['k'], columns: [], measure: { field: 'v', agg: 'sum' } });
    expect(r.rowKeys).toEqual([['x'], ['y']]);
    expect(r.cells).toEqual([[null], [2]]);
    const empty = pivot(facts, { rows: [month], columns: [], measure: { field: 'revenue', agg: 'sum' }, filters: { region: ['nowhere'] } });
    expect(empty.rowKeys).toEqual([]);
    expect(empty.grandTotal).toBeNull();
    expect(() => pivot(facts, { rows: [], columns: [], measure: { agg: 'sum' } })).toThrow(/measure.field/);
  });

  it('reads Dates, epoch ms and plain month strings as time', () => {
    expect(timeKey(new Date(Date.UTC(2024, 10, 5)), 'quarter')).toBe('2024-Q4');
    expect(timeKey(Date.UTC(2023, 0, 31, 23), 'day')).toBe('2023-01-31');
    expect(timeKey('2024-07', 'quarter')).toBe('2024-Q3');
    expect(timeKey('07/2024', 'month')).toBe('');
    expect(timeKey(undefined, 'year')).toBe('');
  });
});

describe('drillDown', () => {
  it('narrows to the row and cuts time one grain finer: year → quarter → month', () => {
    const spec: PivotSpec = { rows: [year], columns: ['category'], measure: { field: 'revenue', agg: 'sum' } };
    const q = drillDown(spec, ['2024']);
    expect(q.rows).toEqual([quarter]);
    expect(q.filters).toEqual({ 'orderedAt:year': ['2024'] });
    const rq = pivot(facts, q);
    expect(rq.rowKeys).toEqual([['2024-Q1'], ['2024-Q2']]);
    expect(rq.cells).toEqual([
      [17, 5],
      [3, -2]
    ]);
    const m = drillDown(q, ['2024-Q1']);
    expect(pivot(facts, m).rowKeys).toEqual([['2024-01'], ['2024-02']]);
  });

  it('adds the next dimension when there is no finer grain', () => {
    const spec: PivotSpec = { rows: ['region'], columns: [], measure: { field: 'revenue', agg: 'sum' } };
    const down = drillDown(spec, ['S'], 'category');
    const r = pivot(facts, down);
    expect(r.rowKeys).toEqual([
      ['S', 'A'],
      ['S', 'B']
    ]);
    expect(r.cells).toEqual([[7], [-2]]);
    expect(() => drillDown(spec, ['S'])).toThrow(/nothing to drill/);
    expect(() => drillDown(spec, ['S', 'x'], 'category')).toThrow(/2 parts/);
  });

  it('names dimensions for filters and reads the names back', () => {
    expect(dimensionId(month)).toBe('orderedAt:month');
    expect(dimensionId('region')).toBe('region');
    expect(parseDimensionId('orderedAt:quarter')).toEqual(quarter);
    expect(parseDimensionId('a:b')).toEqual({ kind: 'field', field: 'a:b' });
  });
});

describe('pivotToCsv', () => {
  it('writes labels, cells and totals, neutralising formula-like labels', () => {
    const evil = [
      { c: '=HYPERLINK("http://x")', r: 'N', v: 1.5 },
      { c: 'plain', r: 'N', v: -2 },
      { c: 'plain', r: '', v: 3 }
    ];
    const csv = pivotToCsv(pivot(evil, { rows: ['r'], columns: ['c'], measure: { field: 'v', agg: 'sum' } }));
    expect(csv).toBe(
      [
        '"r","\'=HYPERLINK(""http://x"")","plain","Total"',
        '"N",1.5,-2,-0.5',
        '"(blank)",,3,3',
        '"Total",1.5,1,2.5',
        ''
      ].join('\r\n')
    );
  });

  it('writes a single measure column when there are no column dimensions', () => {
    const csv = pivotToCsv(pivot(facts, { rows: [year], columns: [], measure: { field: 'revenue', agg: 'sum', label: 'Revenue' } }));
    expect(csv.split('\r\n')).toEqual(['"orderedAt by year","Revenue"', '"2024",23', '"2025",4', '"Total",27', '']);
  });
});

describe('heatScale', () => {
  it('spans the finite cells and places values on it', () => {
    const scale = heatScale([
      [1, null],
      [-3, 7]
    ]);
    expect(scale).toEqual({ min: -3, max: 7 });
    expect(heatShade(2, scale)).toBeCloseTo(0.5, 12);
    expect(heatShade(null, scale)).toBeNull();
    expect(heatScale([[null]])).toEqual({ min: 0, max: 0 });
    expect(heatShade(4, { min: 4, max: 4 })).toBe(0.5);
  });
});

describe('pivot at scale', () => {
  it('agrees with a naive group-by on 20,000 random lines', () => {
    const random = mulberry32(7);
    const cats = ['Phones', 'TVs', 'Laptops', 'Audio'];
    const lines = Array.from({ length: 20_000 }, () => {
      const m = 1 + Math.floor(random() * 24);
      const y = 2024 + Math.floor((m - 1) / 12);
      const mm = String(((m - 1) % 12) + 1).padStart(2, '0');
      return { orderedAt: `${y}-${mm}-10T08:00:00Z`, category: cats[Math.floor(random() * 4)], revenue: Math.round(random() * 1000) };
    });
    const r = pivot(lines, { rows: [month], columns: ['category'], measure: { field: 'revenue', agg: 'sum' } });
    const naive = new Map<string, number>();
    for (const l of lines) naive.set(`${l.orderedAt.slice(0, 7)}|${l.category}`, (naive.get(`${l.orderedAt.slice(0, 7)}|${l.category}`) ?? 0) + l.revenue);
    expect(r.rowKeys).toHaveLength(24);
    r.rowKeys.forEach(([m], i) => r.colKeys.forEach(([c], j) => expect(r.cells[i][j]).toBe(naive.get(`${m}|${c}`))));
    expect(r.grandTotal).toBe(lines.reduce((s, l) => s + l.revenue, 0));
  });
});
