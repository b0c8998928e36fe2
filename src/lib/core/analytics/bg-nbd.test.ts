// Validates the BG/NBD fit and forecasts against Fader, Hardie & Lee (2005), lifetimes' docs and R.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCdnowMaster, parseCdnowSample, parseCdnowSummaryCsv } from './cdnow';
import { summarizeTransactions } from './transactions';
import {
  bgNbdExpectedPurchases,
  bgNbdExpectedPurchasesNew,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  fitBgNbd,
  type BgNbdParams
} from './bg-nbd';

const data = (file: string): string => readFileSync(path.resolve(process.cwd(), '../shared/data', file), 'utf8');
const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

// FHL (2005) Table/§5 and the data README: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4.
function expectPublishedFit(fit: BgNbdParams & { logLikelihood: number; converged: boolean }): void {
  expect(fit.converged).toBe(true);
  expect(fit.r.toPrecision(3)).toBe('0.243');
  expect(fit.alpha.toPrecision(3)).toBe('4.41');
  expect(fit.a.toPrecision(3)).toBe('0.793');
  expect(fit.b.toPrecision(3)).toBe('2.43');
  expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
  // lifetimes' Quickstart prints r 0.242593, alpha 4.413532, a 0.792886, b 2.425752 for the same data.
  expect(relErr(fit.r, 0.242593)).toBeLessThan(2e-5);
  expect(relErr(fit.alpha, 4.413532)).toBeLessThan(2e-5);
  expect(relErr(fit.a, 0.792886)).toBeLessThan(1e-4);
  expect(relErr(fit.b, 2.425752)).toBeLessThan(1e-4);
}

// Parameters printed by lifetimes, used to check the forecast formulas independently of the fit.
const LIFETIMES: BgNbdParams = { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };

describe('fitBgNbd on CDNOW', () => {
  it('reproduces FHL 2005 on cdnow_customers_summary.csv', () => {
    const rows = parseCdnowSummaryCsv(data('cdnow_customers_summary.csv'));
    const fit = fitBgNbd(rows);
    expectPublishedFit(fit);
    // R 4.2.2, independent optim() fit of the same likelihood (see the negll/fitbg code below):
    //   fitbg(csv) -> 0.242592865070726 4.413530838820756 0.792888173319073 2.425761076938224 -9582.425560567428
    expect(fit.logLikelihood).toBeCloseTo(-9582.425560567428, 5);
  });

  it('reproduces FHL 2005 on the summary built from CDNOW_sample.txt', () => {
    const summary = summarizeTransactions(parseCdnowSample(data('CDNOW_sample.txt')), {
      calibrationEnd: '1997-09-30',
      unit: 'weeks'
    });
    const fit = fitBgNbd(summary);
    expectPublishedFit(fit);
    // R: fitbg(summ("CDNOW_sample.txt", TRUE)) -> LL -9582.42920667412 (unrounded t_x, T)
    expect(fit.logLikelihood).toBeCloseTo(-9582.42920667412, 5);
  });

  it('gives the same fit for weighted (grouped) input as for one row per customer', () => {
    const rows = parseCdnowSummaryCsv(data('cdnow_customers_summary.csv'));
    const cells = new Map<string, { frequency: number; recency: number; T: number; weight: number }>();
    for (const r of rows) {
      const key = `${r.frequency}|${r.recency}|${r.T}`;
      const cell = cells.get(key);
      if (cell) cell.weight++;
      else cells.set(key, { frequency: r.frequency, recency: r.recency, T: r.T, weight: 1 });
    }
    expect(cells.size).toBeLessThan(rows.length);
    const fit = fitBgNbd([...cells.values()]);
    expect(fit.logLikelihood).toBeCloseTo(-9582.425560567428, 5);
    expect(bgNbdLogLikelihood(fit, rows)).toBeCloseTo(fit.logLikelihood, 8);
  });

  it('fits the full CDNOW master cohort (23,570 customers) and agrees with R', () => {
    const summary = summarizeTransactions(parseCdnowMaster(data('CDNOW_master.txt')), {
      calibrationEnd: '1997-09-30',
      unit: 'weeks'
    });
    expect(summary).toHaveLength(23570);
    const fit = fitBgNbd(summary);
    expect(fit.converged).toBe(true);
    for (const v of [fit.r, fit.alpha, fit.a, fit.b, fit.logLikelihood]) expect(Number.isFinite(v)).toBe(true);
    // R 4.2.2 (script below), Nelder–Mead then BFGS on log-parameters:
    //   fitbg(ms) -> 0.251623940666892 4.78894300424959 0.723433245096585 2.1610873335594 -95368.4439331608
    expect(relErr(fit.r, 0.251623940666892)).toBeLessThan(1e-5);
    expect(relErr(fit.alpha, 4.78894300424959)).toBeLessThan(1e-5);
    expect(relErr(fit.a, 0.723433245096585)).toBeLessThan(1e-5);
    expect(relErr(fit.b, 2.1610873335594)).toBeLessThan(1e-5);
    expect(fit.logLikelihood).toBeCloseTo(-95368.4439331608, 4);
  });

  it('is invariant to the time unit (α scales, the rest does not move)', () => {
    const tx = parseCdnowSample(data('CDNOW_sample.txt'));
    const weeks = fitBgNbd(summarizeTransactions(tx, { calibrationEnd: '1997-09-30', unit: 'weeks' }));
    const days = fitBgNbd(summarizeTransactions(tx, { calibrationEnd: '1997-09-30', unit: 'days' }));
    expect(days.converged).toBe(true);
    expect(relErr(days.r, weeks.r)).toBeLessThan(1e-5);
    expect(relErr(days.alpha, 7 * weeks.alpha)).toBeLessThan(1e-5);
    expect(relErr(days.a, weeks.a)).toBeLessThan(1e-4);
    expect(relErr(days.b, weeks.b)).toBeLessThan(1e-4);
  });

  it('stays finite for very heavy buyers', () => {
    const rows = [
      ...Array.from({ length: 50 }, () => ({ frequency: 0, recency: 0, T: 30 })),
      { frequency: 400, recency: 29.9, T: 30 },
      { frequency: 1500, recency: 29, T: 30 },
      { frequency: 3, recency: 10, T: 30 },
      { frequency: 1, recency: 2, T: 25 }
    ];
    const fit = fitBgNbd(rows);
    for (const v of [fit.r, fit.alpha, fit.a, fit.b, fit.logLikelihood]) expect(Number.isFinite(v)).toBe(true);
    const e = bgNbdExpectedPurchases(fit, 10, { frequency: 1500, recency: 29.9, T: 30 });
    expect(Number.isFinite(e)).toBe(true);
    expect(e).toBeGreaterThan(0);
  });

  it('rejects impossible histories', () => {
    expect(() => fitBgNbd([{ frequency: 1, recency: 5, T: 3 }])).toThrow();
    expect(() => fitBgNbd([])).toThrow();
  });
});

describe('BG/NBD forecasts', () => {
  it('matches the FHL 2005 worked example: x=2, t_x=30.43, T=38.86 → 1.226 purchases in 39 weeks', () => {
    const e = bgNbdExpectedPurchases(LIFETIMES, 39, { frequency: 2, recency: 30.43, T: 38.86 });
    expect(e).toBeCloseTo(1.226, 3);
  });

  it("matches lifetimes' Quickstart ranking (t = 1)", () => {
    // lifetimes docs/Quickstart.md: conditional_expected_number_of_purchases_up_to_time(1, ...)
    const cases: [number, number, number, number][] = [
      [18, 35.14, 35.86, 0.424877],
      [19, 34.0, 34.14, 0.474738],
      [17, 28.43, 28.86, 0.486526],
      [29, 37.71, 38.0, 0.662396],
      [26, 30.86, 31.0, 0.710623]
    ];
    for (const [frequency, recency, T, want] of cases) {
      expect(bgNbdExpectedPurchases(LIFETIMES, 1, { frequency, recency, T })).toBeCloseTo(want, 5);
    }
  });

  // R 4.2.2 with library(gsl) (hyperg_2F1), p <- c(0.242593, 4.413532, 0.792886, 2.425752):
  //   cet <- function(p, t, x, tx, T) { r<-p[1]; al<-p[2]; a<-p[3]; b<-p[4]; z <- t/(al+T+t)
  //     num <- (a+b+x-1)/(a-1) * (1 - ((al+T)/(al+T+t))^(r+x) * hyperg_2F1(r+x, b+x, a+b+x-1, z))
  //     num / (1 + (x>0) * a/(b+x-1) * ((al+T)/(al+tx))^(r+x)) }
  //   palive <- function(p, x, tx, T) 1/(1 + (x>0) * p[3]/(p[4]+x-1) * ((p[2]+T)/(p[2]+tx))^(p[1]+x))
  //   ex <- function(p, t) (p[3]+p[4]-1)/(p[3]-1) * (1 - (p[2]/(p[2]+t))^p[1] * hyperg_2F1(p[1], p[4], p[3]+p[4]-1, t/(p[2]+t)))
  it('matches R conditional expectations', () => {
    const cases: [number, number, number, number, number][] = [
      [39, 2, 30.43, 38.86, 1.22591038569389],
      [39, 0, 0, 38.86, 0.194780912293565],
      [39, 7, 29.43, 38.86, 3.33723949760772],
      [10, 26, 30.86, 31, 6.53058984399019],
      [52, 50, 20, 38.86, 9.12888573666955e-10]
    ];
    for (const [t, frequency, recency, T, want] of cases) {
      expect(relErr(bgNbdExpectedPurchases(LIFETIMES, t, { frequency, recency, T }), want)).toBeLessThan(1e-9);
    }
  });

  it('matches R P(alive)', () => {
    const cases: [number, number, number, number][] = [
      [2, 30.43, 38.86, 0.726609102456251],
      [7, 29.43, 38.86, 0.641800612285243],
      [26, 30.86, 31, 0.968919714242422],
      [50, 20, 38.86, 2.0993113034189e-11]
    ];
    for (const [frequency, recency, T, want] of cases) {
      expect(relErr(bgNbdProbabilityAlive(LIFETIMES, { frequency, recency, T }), want)).toBeLessThan(1e-9);
    }
    expect(bgNbdProbabilityAlive(LIFETIMES, { frequency: 0, recency: 0, T: 10 })).toBe(1);
  });

  it('matches R unconditional expectations E[X(t)]', () => {
    expect(relErr(bgNbdExpectedPurchasesNew(LIFETIMES, 39), 1.19501652449552)).toBeLessThan(1e-9);
    expect(relErr(bgNbdExpectedPurchasesNew(LIFETIMES, 78), 1.85797210520407)).toBeLessThan(1e-9);
    expect(relErr(bgNbdExpectedPurchasesNew(LIFETIMES, 1), 0.0531847553598744)).toBeLessThan(1e-9);
    expect(bgNbdExpectedPurchasesNew(LIFETIMES, 0)).toBe(0);
  });

  it('sums to the R forecast of the CDNOW holdout (actual: 1,882 repeat transactions)', () => {
    const rows = parseCdnowSummaryCsv(data('cdnow_customers_summary.csv'));
    let total = 0;
    for (const r of rows) total += bgNbdExpectedPurchases(LIFETIMES, 39, r);
    // R: csv <- read.csv("cdnow_customers_summary.csv")
    //    sum(mapply(function(x,tx,T) cet(p, 39, x, tx, T), csv$frequency, csv$recency, csv$T)) -> 1653.42330873976
    expect(relErr(total, 1653.42330873976)).toBeLessThan(1e-9);
    // At these parameters the model's 39-week forecast is about 12 % below what the customers actually bought.
    expect(Math.abs(total - 1882) / 1882).toBeLessThan(0.15);
  });

  it('is continuous through a = 1, where the closed form is 0/0', () => {
    const p = { r: 0.3, alpha: 5, a: 1, b: 2.5 };
    const at = bgNbdExpectedPurchases(p, 20, { frequency: 3, recency: 15, T: 30 });
    const near = bgNbdExpectedPurchases({ ...p, a: 1 + 1e-4 }, 20, { frequency: 3, recency: 15, T: 30 });
    expect(Number.isFinite(at)).toBe(true);
    expect(relErr(at, near)).toBeLessThan(1e-3);
  });
});

/*
R 4.2.2 script used for the reference values above (library(gsl) for hyperg_2F1):

summ <- function(file, sample) {
  d <- read.table(file, header=!sample)
  if (sample) names(d) <- c("master_id","customer_id","date","number_of_cds","dollar_value")
  d$date <- as.Date(as.character(d$date), "%Y%m%d")
  agg <- aggregate(dollar_value ~ customer_id + date, data=d, FUN=sum)
  end <- as.Date("1997-09-30")
  cal <- agg[agg$date <= end,]; cal <- cal[order(cal$customer_id, cal$date),]
  first <- tapply(as.numeric(cal$date), cal$customer_id, min)
  last <- tapply(as.numeric(cal$date), cal$customer_id, max)
  n <- tapply(cal$date, cal$customer_id, length)
  x <- as.numeric(n) - 1
  data.frame(x=x, tx=(as.numeric(last)-as.numeric(first))/7, T=(as.numeric(end)-as.numeric(first))/7) }
negll <- function(lp, s) { r<-exp(lp[1]); al<-exp(lp[2]); a<-exp(lp[3]); b<-exp(lp[4]); x<-s$x; tx<-s$tx; T<-s$T
  A1 <- lgamma(r+x) - lgamma(r) + r*log(al)
  A2 <- lgamma(a+b) + lgamma(b+x) - lgamma(b) - lgamma(a+b+x)
  A3 <- -(r+x)*log(al+T)
  A4 <- ifelse(x>0, log(a) - log(pmax(b+x-1, 1e-300)) - (r+x)*log(al+tx), -Inf)
  m <- pmax(A3, A4); -sum(A1 + A2 + m + log(exp(A3-m) + exp(A4-m))) }
fitbg <- function(s) {
  f <- optim(c(0,0,0,0), negll, s=s, method="Nelder-Mead", control=list(maxit=20000, reltol=1e-14))
  f <- optim(f$par, negll, s=s, method="BFGS", control=list(reltol=1e-16, maxit=1000))
  c(exp(f$par), -f$value) }
csv <- read.csv("cdnow_customers_summary.csv"); csv <- data.frame(x=csv$frequency, tx=csv$recency, T=csv$T)
fitbg(csv); fitbg(summ("CDNOW_sample.txt", TRUE)); ms <- summ("CDNOW_master.txt", FALSE); fitbg(ms)
*/
