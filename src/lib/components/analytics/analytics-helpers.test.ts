import { describe, expect, it } from 'vitest';
import { dayLabel, formatMoney, formatMoneyShort, formatP, formatParam, formatPercent, monthLabel, segmentLabel } from './format';
import { defaultPivot, describeSlice, drill, nextDimension, withFilter } from './pivot-spec';

describe('analytics display text', () => {
  it('writes money from minor units in the currency', () => {
    expect(formatMoney(123_456_789, 'NPR', 2)).toBe('NPR 1,234,568');
    expect(formatMoney(1_050, 'GBP', 2, 2)).toBe('GBP 10.50');
    expect(formatMoney(NaN, 'GBP', 2)).toBe('—');
    expect(formatMoneyShort(987_654_321, 'NPR', 2)).toBe('NPR 9.9M');
    expect(formatMoneyShort(-50_000, 'GBP', 2)).toBe('GBP -500');
  });

  it('writes rates, p-values, parameters, months and segments', () => {
    expect(formatPercent(0.2346)).toBe('23.5%');
    expect(formatPercent(null)).toBe('—');
    expect(formatP(0.00001)).toBe('< 0.001');
    expect(formatP(0.0421)).toBe('0.042');
    expect(formatParam(0.2431234)).toBe('0.2431');
    expect(formatParam(12345.678)).toBe('12,350');
    expect(formatParam(0.00001234)).toBe('1.234e-5');
    expect(monthLabel('2026-10')).toBe('Oct 2026');
    expect(monthLabel('2026-Q4')).toBe('2026-Q4');
    expect(dayLabel('2026-11-15T10:00:00Z')).toBe('15 Nov 2026');
    expect(segmentLabel("can't lose them")).toBe("Can't lose them");
  });
});

describe('pivot drill and slice', () => {
  it('drills a time row one grain finer, keeping the row as a filter', () => {
    const q = drill(defaultPivot, ['2025'])!;
    expect(q.rows).toEqual(['quarter']);
    expect(q.filters).toEqual({ year: ['2025'] });
    const m = drill(q, ['2025-Q3'])!;
    expect(m.rows).toEqual(['month']);
    expect(m.filters).toEqual({ year: ['2025'], quarter: ['2025-Q3'] });
    expect(drill(m, ['2025-08'])!.rows).toEqual(['day']);
    expect(describeSlice(m)).toBe('Year 2025 · Quarter 2025-Q3');
  });

  it('drills a non-time row into the next unused dimension, and stops where nothing is left', () => {
    const byRegion = { ...defaultPivot, rows: ['region' as const], columns: ['year' as const] };
    expect(nextDimension(byRegion)).toBe('category');
    const d = drill(byRegion, ['Kathmandu'])!;
    expect(d.rows).toEqual(['category']);
    expect(d.filters).toEqual({ region: ['Kathmandu'] });
    expect(drill(byRegion, ['Kathmandu'], 'year')).toBeNull();
    expect(drill(byRegion, ['a', 'b'])).toBeNull();
  });

  it('sets and clears a slice filter', () => {
    const s = withFilter(defaultPivot, 'channel', 'online');
    expect(s.filters).toEqual({ channel: ['online'] });
    expect(withFilter(s, 'channel', null).filters).toEqual({});
    expect(describeSlice(withFilter(defaultPivot, 'category', ''))).toBe('Product category (none)');
  });
});
