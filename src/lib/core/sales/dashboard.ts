// The sales dashboard's figures: filters (owner, period), and one pass over the deals that can be fed in chunks.
import type { Money } from '../model/base';
import type { Opportunity } from '../model/opportunity';
import { currencyDigits, parseMoneyInput } from './board';
import { outcomeOf, periodOf, probabilityOf, type StageInfo } from './pipeline';

/** The periods the dashboard offers; each is a close-date range relative to today. */
export const dashboardPeriods = ['all', 'this-quarter', 'last-quarter', 'this-year', 'last-12-months'] as const;
export type DashboardPeriod = (typeof dashboardPeriods)[number];

export const periodLabels: Record<DashboardPeriod, string> = {
  all: 'All time',
  'this-quarter': 'This quarter',
  'last-quarter': 'Last quarter',
  'this-year': 'This year',
  'last-12-months': 'Last 12 months'
};

export type DashboardFilter = { owner: string; period: DashboardPeriod };
export const noDashboardFilter: DashboardFilter = { owner: '', period: 'all' };

/** An inclusive range of ISO days (`YYYY-MM-DD`); null bounds are open. */
export type DayRange = { from: string | null; to: string | null };

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The days a period covers, counted from `today` (an ISO day). Quarters are calendar quarters. */
export function periodRange(period: DashboardPeriod, today: string): DayRange {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const q = Math.floor((m - 1) / 3);
  const quarter = (year: number, qi: number): DayRange => ({
    from: `${year}-${pad(qi * 3 + 1)}-01`,
    to: `${year}-${pad(qi * 3 + 3)}-${pad(lastDay(year, qi * 3 + 3))}`
  });
  switch (period) {
    case 'all':
      return { from: null, to: null };
    case 'this-quarter':
      return quarter(y, q);
    case 'last-quarter':
      return q === 0 ? quarter(y - 1, 3) : quarter(y, q - 1);
    case 'this-year':
      return { from: `${y}-01-01`, to: `${y}-12-31` };
    case 'last-12-months': {
      // The twelve whole months ending with the current one.
      const start = m === 12 ? `${y}-01-01` : `${y - 1}-${pad(m + 1)}-01`;
      return { from: start, to: `${y}-${pad(m)}-${pad(lastDay(y, m))}` };
    }
  }
}

export const inRange = (day: string, r: DayRange): boolean => (r.from === null || day >= r.from) && (r.to === null || day <= r.to);

/** The fields of a deal the dashboard reads. */
export type DashboardDeal = Pick<Opportunity, 'id' | 'stage' | 'amount' | 'closeDate' | 'probability' | 'owner' | 'accountId' | 'closedAt'> & {
  deletedAt?: string | null;
};

/** The day a deal counts on: when it was closed for won and lost deals (falling back to its close date), else its close date. */
export const dealDay = (d: DashboardDeal, outcome: 'open' | 'won' | 'lost'): string => (outcome !== 'open' && d.closedAt ? d.closedAt.slice(0, 10) : d.closeDate);

type StageSums = { count: number; amount: number; weighted: number };
type MonthSums = { won: number; wonAmount: number; lost: number; lostAmount: number };
type QuarterSums = { won: number; weightedOpen: number };
type AccountSums = { won: number; open: number; deals: number };

/** Running totals of one currency. */
type CurrencySums = {
  deals: number;
  stages: Map<string, StageSums>;
  months: Map<string, MonthSums>;
  quarters: Map<string, QuarterSums>;
  accounts: Map<string, AccountSums>;
};

/**
 * Totals over the deals that pass the filter, fed a chunk at a time (`add`), so a large pipeline is summed in short
 * tasks between which the screen stays responsive. Amounts are in minor units and never added across currencies: each
 * currency has its own totals, and the dashboard shows the one most deals are in (see {@link DashboardTotals.finish}).
 */
export class DashboardTotals {
  readonly #stages: readonly StageInfo[];
  readonly #filter: DashboardFilter;
  readonly #range: DayRange;
  readonly #byCurrency = new Map<string, CurrencySums>();
  #seen = 0;

  constructor(stages: readonly StageInfo[], filter: DashboardFilter, today: string) {
    this.#stages = stages;
    this.#filter = filter;
    this.#range = periodRange(filter.period, today);
  }

  /** Deals read so far (whether or not they passed the filter). */
  get seen(): number {
    return this.#seen;
  }

  add(deals: readonly DashboardDeal[]): void {
    for (const d of deals) {
      this.#seen++;
      if (d.deletedAt) continue;
      if (this.#filter.owner && d.owner !== this.#filter.owner) continue;
      const outcome = outcomeOf(d, this.#stages);
      const day = dealDay(d, outcome);
      if (!inRange(day, this.#range)) continue;
      const c = this.#sumsOf(d.amount.currency);
      c.deals++;
      const amount = d.amount.amount;
      if (outcome === 'open') {
        const s = c.stages.get(d.stage) ?? { count: 0, amount: 0, weighted: 0 };
        const weighted = Math.round((amount * probabilityOf(d, this.#stages)) / 100);
        s.count++;
        s.amount += amount;
        s.weighted += weighted;
        c.stages.set(d.stage, s);
        const q = bump(c.quarters, periodOf(day, 'quarter'), () => ({ won: 0, weightedOpen: 0 }));
        q.weightedOpen += weighted;
      } else {
        const mo = bump(c.months, day.slice(0, 7), () => ({ won: 0, wonAmount: 0, lost: 0, lostAmount: 0 }));
        if (outcome === 'won') {
          mo.won++;
          mo.wonAmount += amount;
          bump(c.quarters, periodOf(day, 'quarter'), () => ({ won: 0, weightedOpen: 0 })).won += amount;
        } else {
          mo.lost++;
          mo.lostAmount += amount;
        }
      }
      if (d.accountId && outcome !== 'lost') {
        const a = bump(c.accounts, d.accountId, () => ({ won: 0, open: 0, deals: 0 }));
        a.deals++;
        if (outcome === 'won') a.won += amount;
        else a.open += amount;
      }
    }
  }

  #sumsOf(currency: string): CurrencySums {
    let c = this.#byCurrency.get(currency);
    if (!c) {
      c = { deals: 0, stages: new Map(), months: new Map(), quarters: new Map(), accounts: new Map() };
      this.#byCurrency.set(currency, c);
    }
    return c;
  }

  /** The figures, in the currency most matching deals are in (`fallbackCurrency` when none match). */
  finish(fallbackCurrency: string, topAccounts = 10): DashboardFigures {
    const ranked = [...this.#byCurrency].sort((a, b) => b[1].deals - a[1].deals || a[0].localeCompare(b[0]));
    const [currency, sums] = ranked[0] ?? [fallbackCurrency, this.#sumsOf(fallbackCurrency)];
    const otherCurrencyDeals = ranked.slice(1).reduce((n, [, s]) => n + s.deals, 0);
    const funnel = this.#stages
      .filter((s) => s.outcome === 'open')
      .map((s) => ({ stage: s.id, name: s.name, ...(sums.stages.get(s.id) ?? { count: 0, amount: 0, weighted: 0 }) }));
    const months = [...sums.months].sort((a, b) => a[0].localeCompare(b[0])).map(([month, m]) => ({ month, ...m }));
    const quarters = [...sums.quarters]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([quarter, q]) => ({ quarter, won: q.won, expected: q.won + q.weightedOpen }));
    const accounts = [...sums.accounts]
      .map(([accountId, a]) => ({ accountId, ...a }))
      .sort((a, b) => b.won + b.open - (a.won + a.open) || a.accountId.localeCompare(b.accountId))
      .slice(0, topAccounts);
    return { currency, otherCurrencyDeals, deals: sums.deals, funnel, wonLost: fillMonths(months, this.#range), quarters, topAccounts: accounts };
  }
}

function bump<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

export type FunnelRow = { stage: string; name: string; count: number; amount: number; weighted: number };
export type WonLostRow = { month: string; won: number; wonAmount: number; lost: number; lostAmount: number };
export type QuarterRow = { quarter: string; won: number; expected: number };
export type AccountRow = { accountId: string; won: number; open: number; deals: number };

export type DashboardFigures = {
  currency: string;
  /** Matching deals in other currencies: left out, never converted. */
  otherCurrencyDeals: number;
  deals: number;
  /** Open deals per open stage, in stage order. */
  funnel: FunnelRow[];
  /** Deals won and lost per month (by the day they closed), months without any filled with zeros. */
  wonLost: WonLostRow[];
  /** Per quarter: won, and won + probability-weighted open (expected). */
  quarters: QuarterRow[];
  /** Accounts by won + open amount, largest first. */
  topAccounts: AccountRow[];
};

/** Every month from the first to the last row (or across the range when it is bounded), so gaps show as zero. */
export function fillMonths(rows: readonly WonLostRow[], range: DayRange): WonLostRow[] {
  if (rows.length === 0 && (range.from === null || range.to === null)) return [];
  const first = range.from?.slice(0, 7) ?? rows[0].month;
  const last = range.to?.slice(0, 7) ?? rows[rows.length - 1].month;
  const byMonth = new Map(rows.map((r) => [r.month, r]));
  const out: WonLostRow[] = [];
  let y = Number(first.slice(0, 4));
  let m = Number(first.slice(5, 7));
  // 600 months is a 50-year bound against a corrupt date running this forever.
  for (let i = 0; i < 600; i++) {
    const key = `${y}-${pad(m)}`;
    if (key > last) break;
    out.push(byMonth.get(key) ?? { month: key, won: 0, wonAmount: 0, lost: 0, lostAmount: 0 });
    m++;
    if (m === 13) {
      m = 1;
      y++;
    }
  }
  return out;
}

// -- targets ---------------------------------------------------------------------------------------------------------

/** A team member as the dashboard sees them: a name, a role and an optional quarterly quota. */
export type Rep = { id: string; name: string; role?: string; quarterlyQuota: Money | null };

/**
 * The quarterly target of the people the owner filter selects: the one person's quota, or for everyone the sum of
 * the sales reps' quotas in the dashboard's currency (a manager's quota is the team's number again, so adding it
 * would count the team twice). Null when nobody selected has a quota in that currency: "no target set".
 */
export function quarterlyTarget(reps: readonly Rep[], owner: string, currency: string): { amount: number; reps: number } | null {
  const chosen = reps.filter((r) => (owner ? r.id === owner : (r.role ?? 'rep') === 'rep') && r.quarterlyQuota && r.quarterlyQuota.currency === currency);
  if (chosen.length === 0) return null;
  return { amount: chosen.reduce((n, r) => n + r.quarterlyQuota!.amount, 0), reps: chosen.length };
}

/**
 * The largest quarterly target accepted, in major units. Far above any real team's quarter in any currency, far below
 * where minor units stop being exact integers (2^53): a typo of a few extra digits is caught instead of stored.
 */
export const MAX_TARGET = 1_000_000_000_000;

/**
 * A quarterly target as typed in the target form, in minor units of `currency`, or the reason it is refused. Empty is
 * refused too: a cleared field must not silently remove a stored target (the form has its own "Clear target").
 */
export function parseTargetInput(text: string, currency: string): { amount: number } | { error: string } {
  const digits = currencyDigits(currency);
  const example = 'e.g. 3000000';
  const clean = text.replace(/[\s,_']/g, '');
  if (clean === '') return { error: `Enter the quarterly target, ${example}. To remove a target, use Clear target.` };
  if (/^-/.test(clean)) return { error: `A target cannot be negative: enter an amount above zero, ${example}` };
  const whole = /^(\d+)(?:\.\d*)?$/.exec(clean)?.[1];
  if (whole !== undefined && BigInt(whole) > BigInt(MAX_TARGET)) return { error: `Enter at most ${MAX_TARGET.toLocaleString('en')} ${currency}: that is more than any quarterly target.` };
  const amount = parseMoneyInput(clean, digits);
  if (amount === null || amount <= 0) return { error: `Enter an amount above zero, with at most ${digits} decimals, ${example}` };
  return { amount };
}

// -- activity --------------------------------------------------------------------------------------------------------

export type ActivityRow = { owner: string; name: string; count: number };

/** Interactions logged per rep, most active first; reps with none are kept (a rep with nothing logged is news too). */
export function activityRows(reps: readonly Pick<Rep, 'id' | 'name'>[], counts: ReadonlyMap<string, number>, owner: string): ActivityRow[] {
  return reps
    .filter((r) => !owner || r.id === owner)
    .map((r) => ({ owner: r.id, name: r.name, count: counts.get(r.id) ?? 0 }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}
