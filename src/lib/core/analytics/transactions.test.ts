// Tests the transaction summariser on hand-made logs and reproduces the published CDNOW summary exactly.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCdnowMaster, parseCdnowSample, parseCdnowSummaryCsv } from './cdnow';
import { countHoldoutTransactions, dayNumber, summarizeTransactions, type Transaction } from './transactions';

const data = (file: string): string => readFileSync(path.resolve(process.cwd(), '../shared/data', file), 'utf8');

describe('summarizeTransactions (hand-checked)', () => {
  const log: Transaction[] = [
    { customerId: 'a', date: '2024-01-01', amount: 10 },
    { customerId: 'a', date: '2024-01-01', amount: 5 }, // same day: merged with the first
    { customerId: 'a', date: '2024-01-08', amount: 20 },
    { customerId: 'a', date: '2024-01-22T15:30:00Z', amount: 40 }, // the time of day is ignored
    { customerId: 'a', date: '2024-02-01', amount: 999 }, // after calibration
    { customerId: 'b', date: new Date(Date.UTC(2024, 0, 15)), amount: 7 },
    { customerId: 'c', date: '2024-02-02', amount: 1 } // acquired after calibration: left out
  ];

  it('merges same-day purchases and measures time in weeks', () => {
    const [a, b, ...rest] = summarizeTransactions(log, { calibrationEnd: '2024-01-29', unit: 'weeks' });
    expect(rest).toHaveLength(0);
    expect(a).toEqual({ customerId: 'a', frequency: 2, recency: 3, T: 4, monetaryValue: 30 });
    expect(b).toEqual({ customerId: 'b', frequency: 0, recency: 0, T: 2, monetaryValue: 0 });
  });

  it('supports days and arbitrary units', () => {
    const [a] = summarizeTransactions(log, { calibrationEnd: '2024-01-29', unit: 'days' });
    expect([a.recency, a.T]).toEqual([21, 28]);
    const [a2] = summarizeTransactions(log, { calibrationEnd: '2024-01-29', unit: 14 });
    expect([a2.recency, a2.T]).toEqual([1.5, 2]);
  });

  it('counts holdout purchase days only for customers acquired in calibration', () => {
    const h = countHoldoutTransactions(log, { calibrationEnd: '2024-01-29' });
    expect(h.total).toBe(1);
    expect([...h.byCustomer]).toEqual([
      ['a', 1],
      ['b', 0]
    ]);
  });

  it('reads dates as calendar days', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayNumber('19970930')).toBe(dayNumber('1997-09-30'));
    expect(() => dayNumber('30/09/1997')).toThrow();
  });
});

describe('CDNOW sample (Fader, Hardie & Lee 2005 data)', () => {
  const transactions = parseCdnowSample(data('CDNOW_sample.txt'));
  const summary = summarizeTransactions(transactions, { calibrationEnd: '1997-09-30', unit: 'weeks' });
  const published = parseCdnowSummaryCsv(data('cdnow_customers_summary_with_transactions.csv'));

  it('parses every transaction', () => {
    expect(transactions).toHaveLength(6919);
    expect(transactions[0]).toEqual({ customerId: '1', masterId: '4', date: '1997-01-01', quantity: 2, amount: 29.33 });
  });

  it('reproduces the published summary for every customer', () => {
    expect(summary).toHaveLength(2357);
    const byId = new Map(summary.map((s) => [s.customerId, s]));
    for (const row of published) {
      const s = byId.get(row.customerId);
      expect(s, row.customerId).toBeDefined();
      if (!s) continue;
      expect(s.frequency).toBe(row.frequency);
      // The CSV is rounded to 2 decimals: agreement within half a unit of the last place (+ float slack).
      expect(Math.abs(s.recency - row.recency)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(s.T - row.T)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(s.monetaryValue - (row.monetaryValue ?? NaN))).toBeLessThanOrEqual(0.005 + 1e-9);
    }
  });

  it('matches the README facts: Σx = 2457, 946 repeat buyers, 1882 holdout repeat transactions', () => {
    expect(summary.reduce((sum, s) => sum + s.frequency, 0)).toBe(2457);
    expect(summary.filter((s) => s.frequency > 0)).toHaveLength(946);
    const holdout = countHoldoutTransactions(transactions, { calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30' });
    expect(holdout.total).toBe(1882);
    expect(holdout.byCustomer.size).toBe(2357);
  });

  it('agrees with the plain summary CSV too', () => {
    const plain = parseCdnowSummaryCsv(data('cdnow_customers_summary.csv'));
    expect(plain).toHaveLength(2357);
    expect(plain[0]).toEqual({ customerId: '1', frequency: 2, recency: 30.43, T: 38.86 });
  });
});

describe('CDNOW master', () => {
  it('summarises all 23,570 customers of the cohort', () => {
    const transactions = parseCdnowMaster(data('CDNOW_master.txt'));
    expect(transactions).toHaveLength(69659);
    const summary = summarizeTransactions(transactions, { calibrationEnd: '1997-09-30', unit: 'weeks' });
    expect(summary).toHaveLength(23570);
    // Everyone was acquired in Q1 1997, so T lies between 39 weeks less a quarter and 39 weeks.
    const minT = Math.min(...summary.map((s) => s.T));
    const maxT = Math.max(...summary.map((s) => s.T));
    expect(minT).toBeGreaterThanOrEqual((272 - 89) / 7); // first purchase no later than 1997-03-31
    expect(maxT).toBeCloseTo(272 / 7, 12); // first purchase on 1997-01-01
    expect(summary.every((s) => s.recency >= 0 && s.recency <= s.T)).toBe(true);
  });
});
