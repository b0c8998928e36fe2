// Tests RFM quintile scoring on hand-checked inputs and on the CDNOW sample.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCdnowSample } from './cdnow';
import { summarizeTransactions } from './transactions';
import { RFM_SEGMENT_TABLE, rankScores, rfm, rfmScoreArrays, rfmSegment, type RfmInput, type RfmSegment } from './rfm';

const data = (file: string): string => readFileSync(path.resolve(process.cwd(), '../shared/data', file), 'utf8');

describe('rankScores', () => {
  it('cuts distinct values into quintiles', () => {
    expect([...rankScores([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])]).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
  });
  it('gives tied values the same score, the lowest bin the tie reaches', () => {
    // Six zeros (below = 0), then 1 (below = 6 → ⌊5·6/10⌋+1 = 4), 2, 2 (below 7 → 4), 5 (below 9 → 5).
    expect([...rankScores([0, 0, 0, 0, 0, 0, 1, 2, 2, 5])]).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 4, 5]);
  });
  it('supports other bin counts and empty input', () => {
    expect([...rankScores([3, 1, 2], 3)]).toEqual([3, 1, 2]);
    expect(rankScores([])).toHaveLength(0);
  });
});

describe('rfm', () => {
  const customers: RfmInput[] = Array.from({ length: 10 }, (_, i) => ({
    customerId: `c${i}`,
    frequency: i, // c9 buys most often
    recency: 10 - i, // days since last purchase T − recency = i: c0 is the most recent
    T: 10,
    monetaryValue: 100 - i * 10 // c0 spends most per purchase
  }));

  it('scores recent, frequent and big spenders 5', () => {
    const scores = rfm(customers);
    expect(scores.map((s) => s.recencyScore)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect(scores.map((s) => s.frequencyScore)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(scores.map((s) => s.monetaryScore)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    // FM = round((F+M)/2): (1+5)/2 = 3 for all of them here.
    expect(scores.every((s) => s.fmScore === 3)).toBe(true);
    expect(scores[0]).toEqual({
      customerId: 'c0',
      recencyScore: 5,
      frequencyScore: 1,
      monetaryScore: 5,
      fmScore: 3,
      code: '515',
      segment: 'loyal'
    });
    expect(scores[9].segment).toBe('at risk');
  });

  it('rounds FM halves up', () => {
    const monetary = [20, 30, 40, 50, 10];
    const scores = rfm(monetary.map((m, i) => ({ customerId: `c${i}`, frequency: i, recency: 1, T: 2, monetaryValue: m })));
    expect(scores.map((s) => s.frequencyScore)).toEqual([1, 2, 3, 4, 5]);
    expect(scores.map((s) => s.monetaryScore)).toEqual([2, 3, 4, 5, 1]);
    // (1+2)/2 = 1.5 → 2, 2.5 → 3, 3.5 → 4, 4.5 → 5, (5+1)/2 = 3.
    expect(scores.map((s) => s.fmScore)).toEqual([2, 3, 4, 5, 3]);
  });

  it('maps every cell of the grid to one of the 11 documented segments', () => {
    const names = new Set<RfmSegment>();
    for (let r = 1; r <= 5; r++) for (let fm = 1; fm <= 5; fm++) names.add(rfmSegment(r, fm));
    expect(names.size).toBe(11);
    expect(rfmSegment(5, 5)).toBe('champions');
    expect(rfmSegment(5, 1)).toBe('new customers');
    expect(rfmSegment(4, 1)).toBe('promising');
    expect(rfmSegment(1, 5)).toBe("can't lose them");
    expect(rfmSegment(1, 1)).toBe('lost');
    expect(RFM_SEGMENT_TABLE).toHaveLength(5);
  });

  it('gives the same scores through the typed-array path', () => {
    const arrays = rfmScoreArrays(customers);
    const scores = rfm(customers);
    expect([...arrays.recencyScore]).toEqual(scores.map((s) => s.recencyScore));
    expect([...arrays.frequencyScore]).toEqual(scores.map((s) => s.frequencyScore));
    expect([...arrays.monetaryScore]).toEqual(scores.map((s) => s.monetaryScore));
    expect([...arrays.fmScore]).toEqual(scores.map((s) => s.fmScore));
  });

  it('accepts a custom segment table', () => {
    const table = Array.from({ length: 5 }, () => Array.from({ length: 5 }, (): RfmSegment => 'champions'));
    expect(rfm(customers, { segmentTable: table }).every((s) => s.segment === 'champions')).toBe(true);
  });

  it('scores the CDNOW sample consistently', () => {
    const summary = summarizeTransactions(parseCdnowSample(data('CDNOW_sample.txt')), {
      calibrationEnd: '1997-09-30',
      unit: 'weeks'
    });
    const scores = rfm(summary);
    expect(scores).toHaveLength(2357);
    // 1,411 one-time buyers share frequency 0 and monetary 0: all F = M = 1.
    const oneTime = scores.filter((_, i) => summary[i].frequency === 0);
    expect(oneTime).toHaveLength(1411);
    expect(oneTime.every((s) => s.frequencyScore === 1 && s.monetaryScore === 1)).toBe(true);
    // Monotone: a strictly more recent customer never has a lower R score.
    const order = summary.map((s, i) => [s.T - s.recency, scores[i].recencyScore] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < order.length; i++) expect(order[i][1]).toBeLessThanOrEqual(order[i - 1][1]);
    const counts = new Map<string, number>();
    for (const s of scores) counts.set(s.segment, (counts.get(s.segment) ?? 0) + 1);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(2357);
    expect(counts.get('champions')).toBeGreaterThan(0);
    expect(counts.get('lost')).toBeGreaterThan(0);
  });
});
