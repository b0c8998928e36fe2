// Pipeline figures: stage probabilities, weighted pipeline, and the forecast by month and quarter against last year.
import type { Opportunity } from '../model/opportunity';
import { defaultStages } from '../model/opportunity';

export type StageInfo = { id: string; name: string; probability: number; outcome: 'open' | 'won' | 'lost'; position?: string };
export type Deal = Pick<Opportunity, 'stage' | 'amount' | 'closeDate' | 'probability' | 'owner'> & { deletedAt?: string | null };

export const defaultStageInfo: StageInfo[] = defaultStages.map((s) => ({ ...s }));

/** The deal's probability: its own when set, else its stage's (an unknown stage counts as 0 rather than guessing). */
export function probabilityOf(deal: Deal, stages: readonly StageInfo[]): number {
  if (deal.probability !== null && deal.probability !== undefined) return deal.probability;
  return stages.find((s) => s.id === deal.stage)?.probability ?? 0;
}

export const outcomeOf = (deal: Deal, stages: readonly StageInfo[]) => stages.find((s) => s.id === deal.stage)?.outcome ?? 'open';

export type PeriodGrain = 'month' | 'quarter';
export const periodOf = (isoDate: string, grain: PeriodGrain): string =>
  grain === 'month' ? isoDate.slice(0, 7) : `${isoDate.slice(0, 4)}-Q${Math.floor((Number(isoDate.slice(5, 7)) - 1) / 3) + 1}`;

export type StageTotal = { stage: string; name: string; count: number; amount: number; weighted: number };

/** Totals per stage in stage order (the funnel), in minor units of one currency. */
export function pipelineByStage(deals: readonly Deal[], stages: readonly StageInfo[]): StageTotal[] {
  const out = new Map(stages.map((s) => [s.id, { stage: s.id, name: s.name, count: 0, amount: 0, weighted: 0 }]));
  for (const d of deals) {
    if (d.deletedAt) continue;
    const t = out.get(d.stage);
    if (!t) continue;
    t.count++;
    t.amount += d.amount.amount;
    t.weighted += Math.round((d.amount.amount * probabilityOf(d, stages)) / 100);
  }
  return [...out.values()];
}

export type ForecastRow = { period: string; won: number; weightedOpen: number; bestCase: number; count: number };

/**
 * Forecast per period by close date: won amounts, plus open deals weighted by probability (the "expected" figure),
 * and best case (all open deals won). Lost deals count nowhere.
 */
export function forecast(deals: readonly Deal[], stages: readonly StageInfo[], grain: PeriodGrain): ForecastRow[] {
  const rows = new Map<string, ForecastRow>();
  for (const d of deals) {
    if (d.deletedAt) continue;
    const outcome = outcomeOf(d, stages);
    if (outcome === 'lost') continue;
    const period = periodOf(d.closeDate, grain);
    const r = rows.get(period) ?? { period, won: 0, weightedOpen: 0, bestCase: 0, count: 0 };
    r.count++;
    if (outcome === 'won') {
      r.won += d.amount.amount;
      r.bestCase += d.amount.amount;
    } else {
      r.weightedOpen += Math.round((d.amount.amount * probabilityOf(d, stages)) / 100);
      r.bestCase += d.amount.amount;
    }
    rows.set(period, r);
  }
  return [...rows.values()].sort((a, b) => a.period.localeCompare(b.period));
}

/** The quarter a date falls in and the same quarter one year earlier, e.g. 2026-Q4 and 2025-Q4. */
export function quarterAndLastYear(isoDate: string): { current: string; lastYear: string } {
  const current = periodOf(isoDate, 'quarter');
  return { current, lastYear: `${Number(current.slice(0, 4)) - 1}${current.slice(4)}` };
}

/** This quarter's won + expected against the same quarter last year (won only: last year is settled). */
export function quarterVsLastYear(deals: readonly Deal[], stages: readonly StageInfo[], today: string) {
  const { current, lastYear } = quarterAndLastYear(today);
  const rows = forecast(deals, stages, 'quarter');
  const cur = rows.find((r) => r.period === current);
  const prev = rows.find((r) => r.period === lastYear);
  const thisQuarter = { period: current, won: cur?.won ?? 0, expected: (cur?.won ?? 0) + (cur?.weightedOpen ?? 0) };
  const lastYearQuarter = { period: lastYear, won: prev?.won ?? 0 };
  const change = lastYearQuarter.won > 0 ? (thisQuarter.expected - lastYearQuarter.won) / lastYearQuarter.won : null;
  return { thisQuarter, lastYearQuarter, change };
}
