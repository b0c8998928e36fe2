// Tests for the special functions and BFGS minimiser against R reference values.
import { describe, it, expect } from 'vitest';
import {
  digamma,
  hyp2f1,
  lbeta,
  lgamma,
  logAddExp,
  logHyp2f1,
  logSumExp,
  minimizeBfgs
} from './special';

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

// R 4.2.2: options(digits=17); xs <- c(1e-8, 0.1, 0.5, 1, 1.5, 2, 2.5, 3.7, 10, 33.3, 100, 1234.5, 1e6, -0.5, -2.5)
//          cbind(xs, lgamma(xs)); cbind(xs, digamma(xs))
const R_LGAMMA: [number, number][] = [
  [1e-8, 1.8420680738180209e1],
  [0.1, 2.252712651734206],
  [0.5, 5.7236494292470008e-1],
  [1, 0],
  [1.5, -1.2078223763524518e-1],
  [2, 0],
  [2.5, 2.8468287047291918e-1],
  [3.7, 1.4280723266653881],
  [10, 1.2801827480081469e1],
  [33.3, 8.2603723581654933e1],
  [100, 3.591342053695754e2],
  [1234.5, 7.5505509010778942e3],
  [1e6, 1.2815504569147611e7],
  [-0.5, 1.2655121234846454],
  [-2.5, -5.6243716497674033e-2]
];
const R_DIGAMMA: [number, number][] = [
  [1e-8, -1.0000000057721566e8],
  [0.1, -1.0423754940411076e1],
  [0.5, -1.9635100260214231],
  [1, -5.7721566490153231e-1],
  [1.5, 3.6489973978576895e-2],
  [2, 4.2278433509846747e-1],
  [2.5, 7.0315664064524341e-1],
  [3.7, 1.1671535393615113],
  [10, 2.2517525890667214],
  [33.3, 3.4904672385202429],
  [100, 4.6001618527380881],
  [1234.5, 7.1180162318279976],
  [1e6, 1.381551005796419e1],
  [-0.5, 3.6489973978577089e-2],
  [-2.5, 1.1031566406452442]
];

describe('lgamma', () => {
  it('matches R lgamma() to ~2e-14', () => {
    for (const [x, want] of R_LGAMMA) {
      // Absolute near the zeros of lnΓ (x = 1, 2, ≈ −2.46), relative elsewhere.
      expect(Math.abs(lgamma(x) - want)).toBeLessThan(2e-14 * Math.max(1, Math.abs(want)));
    }
  });
  it('is infinite at the poles and satisfies lnΓ(x+1) = lnΓ(x) + ln x', () => {
    expect(lgamma(0)).toBe(Infinity);
    expect(lgamma(-3)).toBe(Infinity);
    for (const x of [0.01, 0.7, 3.3, 17.2, 250.5]) {
      expect(lgamma(x + 1)).toBeCloseTo(lgamma(x) + Math.log(x), 12);
    }
  });
  it('lbeta is consistent with lgamma', () => {
    expect(lbeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 14);
  });
});

describe('digamma', () => {
  it('matches R digamma() to ~1e-13', () => {
    for (const [x, want] of R_DIGAMMA) expect(relErr(digamma(x), want)).toBeLessThan(1e-13);
  });
  it('is the derivative of lgamma (central difference)', () => {
    for (const x of [0.3, 2.2, 45.1]) {
      const h = 1e-5;
      expect(digamma(x)).toBeCloseTo((lgamma(x + h) - lgamma(x - h)) / (2 * h), 7);
    }
  });
});

describe('log-sum-exp', () => {
  it('does not overflow', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(logSumExp([1000, 1000, 1000])).toBeCloseTo(1000 + Math.log(3), 12);
    expect(logSumExp([])).toBe(-Infinity);
  });
});

describe('hyp2f1', () => {
  // R: library(gsl); options(digits=17)
  it('matches GSL hyperg_2F1', () => {
    expect(relErr(hyp2f1(1, 2, 3, 0.5), 1.5451774444795618)).toBeLessThan(1e-14); // hyperg_2F1(1, 2, 3, 0.5)
    expect(relErr(hyp2f1(2.243, 4.426, 4.219, 0.5009), 5.1838940440384116)).toBeLessThan(1e-13); // hyperg_2F1(2.243, 4.426, 4.219, 0.5009)
    expect(relErr(hyp2f1(0.243, 2.426, 2.219, 0.9), 1.9476311698185991)).toBeLessThan(1e-13); // hyperg_2F1(0.243, 2.426, 2.219, 0.9)
    expect(relErr(hyp2f1(30.243, 32.426, 32.219, 0.4), 5663057.7187375939)).toBeLessThan(1e-12); // hyperg_2F1(30.243, 32.426, 32.219, 0.4)
    expect(relErr(hyp2f1(2, 3, 4, 0.99), 280.67531645819008)).toBeLessThan(1e-11); // hyperg_2F1(2, 3, 4, 0.99)
    expect(relErr(hyp2f1(1.5, -0.3, 2.2, -0.5), 1.0908620335917685)).toBeLessThan(1e-13); // hyperg_2F1(1.5, -0.3, 2.2, -0.5)
  });
  it('handles z <= -1 through Pfaff (R: hypergeo::hypergeo(1.5, -0.3, 2.2, -3))', () => {
    expect(relErr(hyp2f1(1.5, -0.3, 2.2, -3), 1.3852088635781463)).toBeLessThan(1e-13);
  });
  it('stays finite in log space where the value overflows a double', () => {
    // 2F1(a, b; b; z) = (1 − z)^(−a) exactly.
    expect(relErr(logHyp2f1(2000, 7, 7, 0.9), -2000 * Math.log(0.1))).toBeLessThan(1e-12);
    expect(Number.isNaN(logHyp2f1(1, 1, 1, 1))).toBe(true);
  });
});

describe('minimizeBfgs', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const res = minimizeBfgs(
      (x, g) => {
        const a = 1 - x[0];
        const b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
      },
      [-1.2, 1]
    );
    expect(res.converged).toBe(true);
    expect(res.x[0]).toBeCloseTo(1, 6);
    expect(res.x[1]).toBeCloseTo(1, 6);
  });
  it('recovers from an objective that is infinite outside its domain', () => {
    // f(x) = x − ln x on x > 0, minimum at x = 1; starts far away so the first step overshoots into x < 0.
    const res = minimizeBfgs(
      (x, g) => {
        if (x[0] <= 0) {
          g[0] = NaN;
          return Infinity;
        }
        g[0] = 1 - 1 / x[0];
        return x[0] - Math.log(x[0]);
      },
      [0.01],
      { maxStep: 1000 }
    );
    expect(res.x[0]).toBeCloseTo(1, 6);
  });
});
