// Sales math: quote totals to the paisa, pipeline and forecast, lead scores, duplicate keys and merges.
import { describe, expect, it } from 'vitest';
import { lineTotals, quoteTotals, roundMinor } from './quote-math';
import { defaultStageInfo, forecast, pipelineByStage, probabilityOf, quarterVsLastYear, type Deal } from './pipeline';
import { scoreLead, defaultScoringRule } from './lead-scoring';
import { findDuplicates, mergeFields, normaliseEmail, normalisePhone } from './duplicates';

describe('quote totals', () => {
  it('discount before tax, rounded per line so lines add up to the total', () => {
    expect(lineTotals({ quantity: 3, unitPrice: 33_333, discountPct: 10, taxPct: 13 })).toEqual({ gross: 99_999, discount: 10_000, net: 89_999, tax: 11_700, total: 101_699 });
    const t = quoteTotals([
      { quantity: 1, unitPrice: 150_000_00, discountPct: 0, taxPct: 13 },
      { quantity: 2, unitPrice: 1_499_50, discountPct: 5, taxPct: 13 },
      { quantity: 1, unitPrice: 500_00, discountPct: 0, taxPct: 0 }
    ]);
    expect(t.total).toBe(t.lines.reduce((n, l) => n + l.total, 0));
    expect(t.net).toBe(150_000_00 + 2_849_05 + 500_00);
    expect(t.taxByRate).toEqual([
      { rate: 0, tax: 0 },
      { rate: 13, tax: 19_500_00 + 37_038 }
    ]);
  });
  it('rounds half away from zero, also for returns', () => {
    expect([roundMinor(2.5), roundMinor(-2.5), roundMinor(2.4)]).toEqual([3, -3, 2]);
  });
});

const deal = (stage: string, amount: number, closeDate: string, probability: number | null = null): Deal => ({ stage, amount: { amount, currency: 'NPR' }, closeDate, probability, owner: 'u1' });

describe('pipeline and forecast', () => {
  const deals = [
    deal('prospecting', 1000, '2026-10-05'),
    deal('proposal', 2000, '2026-11-20'),
    deal('negotiation', 4000, '2026-12-01', 90),
    deal('won', 3000, '2026-10-15'),
    deal('lost', 9000, '2026-11-01'),
    deal('won', 2500, '2025-11-10')
  ];
  it('uses the deal probability when set, else the stage one', () => {
    expect(probabilityOf(deals[1], defaultStageInfo)).toBe(50);
    expect(probabilityOf(deals[2], defaultStageInfo)).toBe(90);
    expect(probabilityOf(deal('unknown', 1, '2026-01-01'), defaultStageInfo)).toBe(0);
  });
  it('totals the funnel per stage', () => {
    const f = pipelineByStage(deals, defaultStageInfo);
    expect(f.find((s) => s.stage === 'proposal')).toMatchObject({ count: 1, amount: 2000, weighted: 1000 });
    expect(f.map((s) => s.stage)).toEqual(['prospecting', 'qualification', 'proposal', 'negotiation', 'won', 'lost']);
  });
  it('forecasts by quarter: won plus weighted open, lost excluded', () => {
    const q = forecast(deals, defaultStageInfo, 'quarter');
    expect(q).toEqual([
      { period: '2025-Q4', won: 2500, weightedOpen: 0, bestCase: 2500, count: 1 },
      { period: '2026-Q4', won: 3000, weightedOpen: 100 + 1000 + 3600, bestCase: 10_000, count: 4 }
    ]);
    expect(forecast(deals, defaultStageInfo, 'month').map((r) => r.period)).toEqual(['2025-11', '2026-10', '2026-11', '2026-12']);
  });
  it('compares this quarter with the same quarter last year', () => {
    expect(quarterVsLastYear(deals, defaultStageInfo, '2026-11-23')).toEqual({
      thisQuarter: { period: '2026-Q4', won: 3000, expected: 7700 },
      lastYearQuarter: { period: '2025-Q4', won: 2500 },
      change: (7700 - 2500) / 2500
    });
  });
});

describe('lead scoring', () => {
  it('adds fit and engagement points with the reasons shown', () => {
    const s = scoreLead({ company: 'Hotel Yak', title: 'Purchase Manager', source: 'referral', email: 'a@b.np', consent: { email: true }, facts: { employees: 120 } });
    expect(s).toMatchObject({ fit: 35, engagement: 25, total: 60, isQualified: true });
    expect(s.reasons.map((r) => r.label)).toContain('Referred');
    expect(scoreLead({ company: '' }).isQualified).toBe(false);
  });
  it('follows a rule the user changed', () => {
    const rule = { ...defaultScoringRule, qualifyAt: 70 };
    expect(scoreLead({ company: 'Hotel Yak', title: 'Purchase Manager', source: 'referral', email: 'a@b.np', consent: { email: true }, facts: { employees: 120 } }, rule).isQualified).toBe(false);
  });
});

describe('duplicates', () => {
  it('normalises emails and Nepali phone numbers', () => {
    expect(normaliseEmail(' Ram.Thapa+crm@GMail.com ')).toBe('ramthapa@gmail.com');
    expect(normaliseEmail('Ram.Thapa@himal.com.np')).toBe('ram.thapa@himal.com.np');
    expect(normalisePhone('+977 98-4100-0001')).toBe('9841000001');
    expect(normalisePhone('009779841000001')).toBe('9841000001');
    expect(normalisePhone('01-4412345')).toBe('14412345');
    expect(normalisePhone('123')).toBe('');
  });
  it('groups the same person created twice offline', () => {
    const groups = findDuplicates([
      { id: 'a', firstName: 'Ram', lastName: 'Thapa', email: 'ram.thapa@gmail.com', company: 'Himal' },
      { id: 'b', firstName: 'Ram', lastName: 'Thapa', email: 'ramthapa@gmail.com', company: 'Himal Traders' },
      { id: 'c', firstName: 'Rām', lastName: 'Thāpa', phone: '9841000001', company: 'Himal' },
      { id: 'd', firstName: 'Sita', phone: '+977 9841000001' },
      { id: 'e', firstName: 'Ram', lastName: 'Thapa', company: 'Himal', deletedAt: '2026-01-01T00:00:00Z' }
    ]);
    expect(groups).toEqual([
      { key: 'email:ramthapa@gmail.com', reason: 'email', ids: ['a', 'b'] },
      { key: 'name:ram thapa|himal', reason: 'name+company', ids: ['a', 'c'] },
      { key: 'phone:9841000001', reason: 'phone', ids: ['c', 'd'] }
    ]);
  });
  it('merges by filling empty fields and uniting lists, with per-field choices', () => {
    const keep = { id: 'a', firstName: 'Ram', phone: '', email: 'r@x.np', tags: ['vip'], title: 'Owner' };
    const other = { id: 'b', firstName: 'Ramesh', phone: '98410', email: 'r2@x.np', tags: ['dashain'], title: 'CEO' };
    expect(mergeFields(keep, other)).toEqual({ phone: '98410', tags: ['vip', 'dashain'] });
    expect(mergeFields(keep, other, { title: 'other' })).toEqual({ phone: '98410', tags: ['vip', 'dashain'], title: 'CEO' });
  });
});
