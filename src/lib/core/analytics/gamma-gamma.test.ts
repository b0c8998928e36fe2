// Validates the Gamma-Gamma spend model and CLV against Fader & Hardie (2013), lifetimes' docs and R.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCdnowMaster, parseCdnowSummaryCsv } from './cdnow';
import { summarizeTransactions } from './transactions';
import { fitBgNbd, type BgNbdParams } from './bg-nbd';
import {
  customerLifetimeValue,
  fitGammaGamma,
  gammaGammaExpectedSpend,
  gammaGammaLogLikelihood,
  gammaGammaMeanSpend,
  type GammaGammaParams
} from './gamma-gamma';

const data = (file: string): string => readFileSync(path.resolve(process.cwd(), '../shared/data', file), 'utf8');
const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

const customers = parseCdnowSummaryCsv(data('cdnow_customers_summary_with_transactions.csv')).map((r) => ({
  ...r,
  monetaryValue: r.monetaryValue ?? NaN
}));

describe('fitGammaGamma on CDNOW', () => {
  const fit = fitGammaGamma(customers);

  it('reproduces Fader & Hardie (2013): p = 6.25, q = 3.74, v = 15.44', () => {
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(946);
    expect(fit.p.toFixed(2)).toBe('6.25');
    expect(fit.q.toFixed(2)).toBe('3.74');
    // The note prints 15.44, lifetimes' Quickstart 15.45: the optimum is 15.4477.
    expect(Math.abs(fit.v - 15.44)).toBeLessThan(0.01);
    expect(fit.v.toFixed(2)).toBe('15.45');
  });

  it('agrees with an independent R fit', () => {
    // R 4.2.2:
    //   gg_negll <- function(lp, x, m) { p<-exp(lp[1]); q<-exp(lp[2]); v<-exp(lp[3])
    //     -sum(lgamma(p*x+q) - lgamma(p*x) - lgamma(q) + q*log(v) + (p*x-1)*log(m) + p*x*log(x) - (p*x+q)*log(x*m+v)) }
    //   fitgg <- function(x, m) { keep <- x > 0 & m > 0; x <- x[keep]; m <- m[keep]
    //     f <- optim(c(0,0,0), gg_negll, x=x, m=m, method="Nelder-Mead", control=list(maxit=20000, reltol=1e-14))
    //     f <- optim(f$par, gg_negll, x=x, m=m, method="BFGS", control=list(reltol=1e-16, maxit=1000))
    //     c(exp(f$par), -f$value, length(x)) }
    //   s <- read.csv("cdnow_customers_summary_with_transactions.csv"); fitgg(s$x, s$zbar)
    //   -> 6.24879520554514 3.74458933310251 15.44777207798334 -4055.92324350288 946
    expect(relErr(fit.p, 6.24879520554514)).toBeLessThan(1e-5);
    expect(relErr(fit.q, 3.74458933310251)).toBeLessThan(1e-5);
    expect(relErr(fit.v, 15.44777207798334)).toBeLessThan(1e-5);
    expect(fit.logLikelihood).toBeCloseTo(-4055.92324350288, 5);
    expect(gammaGammaLogLikelihood(fit, customers)).toBeCloseTo(fit.logLikelihood, 9);
  });

  it("matches lifetimes' Quickstart expected average profit", () => {
    // lifetimes docs/Quickstart.md: ggf.conditional_expected_average_profit(...).head(10) and .mean()
    const head = [24.658619, 18.911489, 35.170981, 35.170981, 35.170981, 71.462843, 18.911489, 35.170981, 27.282408, 35.170981];
    head.forEach((want, i) => expect(relErr(gammaGammaExpectedSpend(fit, customers[i]), want)).toBeLessThan(1e-6));
    const mean = customers.reduce((sum, c) => sum + gammaGammaExpectedSpend(fit, c), 0) / customers.length;
    expect(relErr(mean, 35.2529588256)).toBeLessThan(1e-7);
    // The population mean p·v/(q−1) is what a customer with no repeat purchases gets.
    expect(relErr(gammaGammaMeanSpend(fit), 35.170981)).toBeLessThan(1e-6);
    // Observed average repeat spend of repeat buyers, printed beside it in the docs: 35.078551797.
    const repeat = customers.filter((c) => c.frequency > 0);
    expect(repeat.reduce((s, c) => s + c.monetaryValue, 0) / repeat.length).toBeCloseTo(35.078551797, 8);
  });

  it('uses the weights of grouped input', () => {
    const doubled = customers.map((c) => ({ ...c, weight: 2 }));
    const f2 = fitGammaGamma(doubled);
    expect(relErr(f2.p, fit.p)).toBeLessThan(1e-6);
    expect(f2.logLikelihood).toBeCloseTo(2 * fit.logLikelihood, 5);
  });

  it('fits the repeat buyers of CDNOW master and agrees with R', () => {
    const summary = summarizeTransactions(parseCdnowMaster(data('CDNOW_master.txt')), {
      calibrationEnd: '1997-09-30',
      unit: 'weeks'
    });
    const master = fitGammaGamma(summary);
    // 9,451 repeat buyers, one of whom has a $0 mean repeat spend and cannot enter a gamma likelihood.
    expect(master.customers).toBe(9450);
    // R: same summary built in R (see bg-nbd.test.ts, plus zbar), fitgg(x, zbar)
    //   -> 6.27535716094586 3.62444943126949 14.98368943448302 -40763.4762613908 9450
    expect(relErr(master.p, 6.27535716094586)).toBeLessThan(1e-5);
    expect(relErr(master.q, 3.62444943126949)).toBeLessThan(1e-5);
    expect(relErr(master.v, 14.98368943448302)).toBeLessThan(1e-5);
    expect(master.logLikelihood).toBeCloseTo(-40763.4762613908, 4);
  });

  it('refuses data without repeat buyers', () => {
    expect(() => fitGammaGamma([{ frequency: 0, monetaryValue: 0 }])).toThrow();
  });
});

describe('customerLifetimeValue', () => {
  it("reproduces lifetimes' Quickstart CLV (which ran with its default freq='D', i.e. 30 units a month)", () => {
    const bg = fitBgNbd(customers);
    const gg = fitGammaGamma(customers);
    // lifetimes docs/Quickstart.md: ggf.customer_lifetime_value(bgf, ..., time=12, discount_rate=0.01).head(10)
    const head = [140.096211, 18.943467, 38.180574, 38.180574, 38.180574, 1003.868107, 28.109683, 38.180574, 167.418216, 38.180574];
    head.forEach((want, i) => {
      const got = customerLifetimeValue(bg, gg, customers[i], { months: 12, discountRate: 0.01, unitsPerMonth: 30 });
      expect(relErr(got, want)).toBeLessThan(1e-6);
    });
  });

  // R 4.2.2 with library(gsl), cet() as in bg-nbd.test.ts:
  //   spend <- function(g, x, m) g[1]*(g[3] + x*m)/(g[1]*x + g[2] - 1)
  //   clv <- function(p, g, x, tx, T, m, months=12, d=0.01, u=4.345) { s <- spend(g, x, m); v <- 0
  //     for (i in 1:months) v <- v + s * (cet(p, i*u, x, tx, T) - cet(p, (i-1)*u, x, tx, T)) / (1+d)^i; v }
  //   p <- c(0.242593, 4.413532, 0.792886, 2.425752); g <- c(6.25, 3.74, 15.44)
  it('matches R for weekly units', () => {
    const bg: BgNbdParams = { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };
    const gg: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };
    const weekly = { unitsPerMonth: 4.345 };
    // clv(p, g, 2, 30.43, 38.86, 22.35); clv(p, g, 0, 0, 38.86, 0); clv(p, g, 7, 29.43, 38.86, 73.74)
    expect(relErr(customerLifetimeValue(bg, gg, { frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.35 }, weekly), 36.2859943747747)).toBeLessThan(1e-9);
    expect(relErr(customerLifetimeValue(bg, gg, { frequency: 0, recency: 0, T: 38.86, monetaryValue: 0 }, weekly), 8.35547739475704)).toBeLessThan(1e-9);
    const c7 = { frequency: 7, recency: 29.43, T: 38.86, monetaryValue: 73.74 };
    expect(relErr(customerLifetimeValue(bg, gg, c7, weekly), 283.550637087825)).toBeLessThan(1e-9);
    // clv(p, g, 7, 29.43, 38.86, 73.74, months=24, d=0.02, u=30.4375/7)
    const long = customerLifetimeValue(bg, gg, c7, { months: 24, discountRate: 0.02, unitsPerMonth: 30.4375 / 7 });
    expect(relErr(long, 407.285641084914)).toBeLessThan(1e-9);
  });

  it('rejects a missing time unit', () => {
    const bg: BgNbdParams = { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 };
    expect(() =>
      customerLifetimeValue(bg, { p: 6, q: 3, v: 15 }, { frequency: 1, recency: 1, T: 2, monetaryValue: 5 }, { unitsPerMonth: 0 })
    ).toThrow();
  });
});
