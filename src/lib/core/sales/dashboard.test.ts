// Dashboard figures on small hand-computed pipelines: periods, owner filter, funnel, won/lost, quarters, accounts, targets.
import { describe, expect, it } from 'vitest';
import { activityRows, DashboardTotals, fillMonths, MAX_TARGET, parseTargetInput, periodRange, quarterlyTarget, type DashboardDeal } from './dashboard';
import { defaultStageInfo } from './pipeline';

const npr = (amount: number) => ({ amount, currency: 'NPR' });
let n = 0;
const deal = (over: Partial<DashboardDeal>): DashboardDeal => ({
  id: `o${++n}`,
  stage: 'prospecting',
  amount: npr(1000),
  closeDate: '2026-11-15',
  probability: null,
  owner: 'ram',
  accountId: '',
  closedAt: null,
  ...over
});

const TODAY = '2026-12-07';

describe('periodRange', () => {
  it.each([
    ['all', null, null],
    ['this-quarter', '2026-10-01', '2026-12-31'],
    ['last-quarter', '2026-07-01', '2026-09-30'],
    ['this-year', '2026-01-01', '2026-12-31'],
    ['last-12-months', '2026-01-01', '2026-12-31']
  ] as const)('%s in December 2026 is %s … %s', (period, from, to) => {
    expect(periodRange(period, TODAY)).toEqual({ from, to });
  });

  it('wraps the last quarter into the previous year in Q1, and 12 months across the year end', () => {
    expect(periodRange('last-quarter', '2027-02-10')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(periodRange('last-12-months', '2027-02-10')).toEqual({ from: '2026-03-01', to: '2027-02-28' });
    expect(periodRange('this-quarter', '2028-02-29')).toEqual({ from: '2028-01-01', to: '2028-03-31' });
  });
});

describe('DashboardTotals', () => {
  const deals: DashboardDeal[] = [
    deal({ stage: 'prospecting', amount: npr(1000), owner: 'ram', accountId: 'a1' }), // weighted 100
    deal({ stage: 'proposal', amount: npr(4000), owner: 'sita', accountId: 'a2' }), // weighted 2000
    deal({ stage: 'proposal', amount: npr(2000), probability: 90, owner: 'ram', accountId: 'a1' }), // weighted 1800
    deal({ stage: 'won', amount: npr(5000), owner: 'ram', accountId: 'a2', closeDate: '2026-12-30', closedAt: '2026-10-03T09:00:00.000Z' }),
    deal({ stage: 'won', amount: npr(700), owner: 'sita', accountId: 'a3', closeDate: '2026-05-01', closedAt: null }),
    deal({ stage: 'lost', amount: npr(3000), owner: 'sita', accountId: 'a3', closedAt: '2026-10-20T09:00:00.000Z' }),
    deal({ stage: 'negotiation', amount: { amount: 99_999, currency: 'USD' }, owner: 'ram' }),
    deal({ stage: 'negotiation', amount: npr(8000), owner: 'ram', deletedAt: '2026-11-01T00:00:00.000Z' })
  ];

  const run = (owner = '', period: 'all' | 'this-quarter' = 'all', chunk = 3) => {
    const t = new DashboardTotals(defaultStageInfo, { owner, period }, TODAY);
    for (let i = 0; i < deals.length; i += chunk) t.add(deals.slice(i, i + chunk));
    return t.finish('NPR');
  };

  it('sums open deals per open stage in the main currency, leaving deleted deals and other currencies out', () => {
    const f = run();
    expect(f.currency).toBe('NPR');
    expect(f.otherCurrencyDeals).toBe(1);
    expect(f.funnel.map((r) => [r.stage, r.count, r.amount, r.weighted])).toEqual([
      ['prospecting', 1, 1000, 100],
      ['qualification', 0, 0, 0],
      ['proposal', 2, 6000, 3800],
      ['negotiation', 0, 0, 0]
    ]);
  });

  it('counts won and lost per month by the day they closed, zero months filled in', () => {
    const f = run();
    expect(f.wonLost.map((r) => r.month)).toEqual(['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10']);
    expect(f.wonLost[0]).toEqual({ month: '2026-05', won: 1, wonAmount: 700, lost: 0, lostAmount: 0 });
    expect(f.wonLost[5]).toEqual({ month: '2026-10', won: 1, wonAmount: 5000, lost: 1, lostAmount: 3000 });
  });

  it('gives won and expected (won + weighted open) per quarter', () => {
    expect(run().quarters).toEqual([
      { quarter: '2026-Q2', won: 700, expected: 700 },
      { quarter: '2026-Q4', won: 5000, expected: 5000 + 100 + 3800 }
    ]);
  });

  it('ranks accounts by won + open amount; lost deals do not count', () => {
    expect(run().topAccounts).toEqual([
      { accountId: 'a2', won: 5000, open: 4000, deals: 2 },
      { accountId: 'a1', won: 0, open: 3000, deals: 2 },
      { accountId: 'a3', won: 700, open: 0, deals: 1 }
    ]);
  });

  it('obeys the owner filter everywhere', () => {
    const f = run('sita');
    expect(f.funnel.find((r) => r.stage === 'proposal')).toMatchObject({ count: 1, amount: 4000 });
    expect(f.funnel.find((r) => r.stage === 'prospecting')?.count).toBe(0);
    expect(f.quarters).toEqual([
      { quarter: '2026-Q2', won: 700, expected: 700 },
      { quarter: '2026-Q4', won: 0, expected: 2000 }
    ]);
    expect(f.topAccounts.map((a) => a.accountId)).toEqual(['a2', 'a3']);
    expect(f.otherCurrencyDeals).toBe(0);
  });

  it('obeys the period: this quarter leaves out the deal won in May', () => {
    const f = run('', 'this-quarter');
    expect(f.wonLost.map((r) => r.month)).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(f.quarters).toEqual([{ quarter: '2026-Q4', won: 5000, expected: 8900 }]);
    expect(f.topAccounts.find((a) => a.accountId === 'a3')).toBeUndefined();
  });

  it('gives the same figures whatever the chunk size', () => {
    expect(run('', 'all', 1)).toEqual(run('', 'all', 100));
  });

  it('is empty, in the fallback currency, when nothing matches', () => {
    const f = new DashboardTotals(defaultStageInfo, { owner: 'nobody', period: 'all' }, TODAY);
    f.add(deals);
    const out = f.finish('NPR');
    expect(out).toMatchObject({ currency: 'NPR', deals: 0, wonLost: [], quarters: [], topAccounts: [] });
    expect(out.funnel.every((r) => r.count === 0)).toBe(true);
  });
});

describe('fillMonths', () => {
  it('spans a bounded range even with no rows', () => {
    expect(fillMonths([], { from: '2026-11-01', to: '2027-01-31' }).map((r) => r.month)).toEqual(['2026-11', '2026-12', '2027-01']);
  });
});

describe('quarterlyTarget', () => {
  const reps = [
    { id: 'ram', name: 'Ram', quarterlyQuota: npr(30_000) },
    { id: 'sita', name: 'Sita', quarterlyQuota: npr(18_000) },
    { id: 'hari', name: 'Hari', quarterlyQuota: null },
    { id: 'jo', name: 'Jo', quarterlyQuota: { amount: 500, currency: 'USD' } },
    { id: 'boss', name: 'Head of sales', role: 'manager', quarterlyQuota: npr(60_000) }
  ];
  it('is one person’s quota, or for everyone the sum of the reps’ quotas in the currency (not the manager’s again)', () => {
    expect(quarterlyTarget(reps, 'ram', 'NPR')).toEqual({ amount: 30_000, reps: 1 });
    expect(quarterlyTarget(reps, 'boss', 'NPR')).toEqual({ amount: 60_000, reps: 1 });
    expect(quarterlyTarget(reps, '', 'NPR')).toEqual({ amount: 48_000, reps: 2 });
  });
  it('is null when no quota is set (or only in another currency)', () => {
    expect(quarterlyTarget(reps, 'hari', 'NPR')).toBeNull();
    expect(quarterlyTarget(reps, 'jo', 'NPR')).toBeNull();
  });
});

describe('parseTargetInput', () => {
  const errorOf = (text: string, currency = 'NPR') => {
    const r = parseTargetInput(text, currency);
    return 'error' in r ? r.error : null;
  };

  it('reads a target as people type it, in minor units of the currency', () => {
    expect(parseTargetInput('2500000', 'NPR')).toEqual({ amount: 2_500_000_00 });
    expect(parseTargetInput(' 25,00,000.50 ', 'NPR')).toEqual({ amount: 2_500_000_50 });
    expect(parseTargetInput('1500000', 'JPY')).toEqual({ amount: 1_500_000 });
    expect(parseTargetInput(MAX_TARGET.toString(), 'NPR')).toEqual({ amount: MAX_TARGET * 100 });
  });

  it('refuses empty, negative, zero, non-numeric and absurdly large targets, each with a reason', () => {
    expect(errorOf('')).toMatch(/^Enter the quarterly target.*Clear target/);
    expect(errorOf('   ')).toMatch(/^Enter the quarterly target/);
    expect(errorOf('-5000')).toMatch(/cannot be negative/);
    expect(errorOf('- 5000')).toMatch(/cannot be negative/);
    expect(errorOf('0')).toMatch(/^Enter an amount above zero/);
    for (const text of ['12x', 'abc', '1e9', '3 crore', '<script>alert(1)</script>', 'NaN', 'Infinity', '1.2.3']) expect(errorOf(text), text).toMatch(/^Enter an amount above zero/);
    expect(errorOf('10.505')).toMatch(/at most 2 decimals/);
    expect(errorOf('10.5', 'JPY')).toMatch(/at most 0 decimals/);
    expect(errorOf(String(MAX_TARGET + 1))).toMatch(/^Enter at most 1,000,000,000,000 NPR/);
    expect(errorOf('9'.repeat(400))).toMatch(/^Enter at most/);
    expect(errorOf('99999999999999999999.99')).toMatch(/^Enter at most/);
  });
});

describe('activityRows', () => {
  it('lists reps most active first, keeps reps with none, obeys the owner filter', () => {
    const reps = [
      { id: 'a', name: 'Anita' },
      { id: 'b', name: 'Bikash' },
      { id: 'c', name: 'Chandra' }
    ];
    const counts = new Map([
      ['b', 5],
      ['a', 2]
    ]);
    expect(activityRows(reps, counts, '')).toEqual([
      { owner: 'b', name: 'Bikash', count: 5 },
      { owner: 'a', name: 'Anita', count: 2 },
      { owner: 'c', name: 'Chandra', count: 0 }
    ]);
    expect(activityRows(reps, counts, 'c')).toEqual([{ owner: 'c', name: 'Chandra', count: 0 }]);
  });
});
