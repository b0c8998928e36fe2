// Validates the logistic regression against R's glm on the IBM Telco churn data.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { fitLogisticRegression } from './logistic';
import { rocAuc } from './roc';
import { trainTestSplit } from './split';

type Row = Record<string, string>;

const telco: Row[] = Papa.parse<Row>(
  readFileSync(path.resolve(process.cwd(), '../shared/data/Telco-Customer-Churn.csv'), 'utf8'),
  { header: true, skipEmptyLines: true }
).data;

const FEATURES = [
  'tenure',
  'MonthlyCharges',
  'TotalCharges',
  'Contract',
  'InternetService',
  'PaymentMethod',
  'PaperlessBilling',
  'SeniorCitizen'
];

/*
 * Reference values from R 4.2.2 (Debian r-base-core 4.2.2.20221110-2):
 *
 *   d <- read.csv("Telco-Customer-Churn.csv", stringsAsFactors = FALSE)
 *   d$TotalCharges <- as.numeric(d$TotalCharges)   # 11 blanks become NA
 *   d <- d[!is.na(d$TotalCharges), ]                # 7032 rows
 *   d$Churn <- as.integer(d$Churn == "Yes")
 *   fit <- glm(Churn ~ tenure + MonthlyCharges + TotalCharges + Contract + InternetService +
 *                PaymentMethod + PaperlessBilling + SeniorCitizen, data = d, family = binomial,
 *              control = glm.control(epsilon = 1e-14, maxit = 100))
 *   sprintf("%.15g", coef(fit)); sprintf("%.15g", sqrt(diag(vcov(fit))))
 *   sprintf("%.15g", c(deviance(fit), fit$null.deviance, AIC(fit)))
 *
 * The tight epsilon only removes glm's own convergence slack (default epsilon = 1e-8 moves the
 * coefficients by < 1e-7 relative, e.g. the intercept is -0.263286503694211 instead).
 */
const R_COEF: Record<string, number> = {
  '(Intercept)': -0.263286491895206,
  tenure: -0.0607741222919025,
  MonthlyCharges: -0.00555533184150702,
  TotalCharges: 0.000344137960113862,
  'Contract=One year': -0.726848312805038,
  'Contract=Two year': -1.52356001934599,
  'InternetService=Fiber optic': 0.935864687772318,
  'InternetService=No': -0.904783575362527,
  'PaymentMethod=Credit card (automatic)': -0.0879548328101825,
  'PaymentMethod=Electronic check': 0.392420331014458,
  'PaymentMethod=Mailed check': -0.0929795038620352,
  'PaperlessBilling=Yes': 0.405607257396282,
  SeniorCitizen: 0.315266955571263
};
const R_SE: Record<string, number> = {
  '(Intercept)': 0.218095026531374,
  tenure: 0.00624132145012324,
  MonthlyCharges: 0.0035182380130976,
  TotalCharges: 7.06558110830337e-5,
  'Contract=One year': 0.105461762415376,
  'Contract=Two year': 0.174190814955152,
  'InternetService=Fiber optic': 0.131325740829321,
  'InternetService=No': 0.157986899045671,
  'PaymentMethod=Credit card (automatic)': 0.112610412622361,
  'PaymentMethod=Electronic check': 0.0929062332740401,
  'PaymentMethod=Mailed check': 0.113141010803184,
  'PaperlessBilling=Yes': 0.0732572440894611,
  SeniorCitizen: 0.0815568062812961
};
const R_DEVIANCE = 5935.14555463092;
const R_NULL_DEVIANCE = 8143.35514649339;
const R_AIC = 5961.14555463092;
/** R: sprintf("%.15g", fitted(fit)[1:5]) */
const R_FITTED_1_5 = [0.578937399706335, 0.0564890082771915, 0.417232890228616, 0.0346735597461596, 0.732723380427285];
/**
 * R: y <- d$Churn; r <- rank(fitted(fit)); n1 <- sum(y == 1); n0 <- sum(y == 0)
 *    (sum(r[y == 1]) - n1 * (n1 + 1) / 2) / (n1 * n0)
 */
const R_AUC = 0.841547053482889;

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

describe('fitLogisticRegression on Telco churn', () => {
  const model = fitLogisticRegression(telco, { target: 'Churn', features: FEATURES });

  it('drops the 11 rows with blank TotalCharges', () => {
    expect(telco.length).toBe(7043);
    expect(model.droppedRows).toBe(11);
    expect(model.n).toBe(7032);
    expect(model.positive).toBe('Yes');
    expect(model.converged).toBe(true);
  });

  it('has the same terms as R, in R order', () => {
    expect(model.terms).toEqual(Object.keys(R_COEF));
    expect(model.aliased).toEqual([]);
  });

  it('matches every glm coefficient to 1e-6 relative', () => {
    for (const [term, value] of Object.entries(R_COEF)) {
      expect(relErr(model.coefficients[term], value), term).toBeLessThan(1e-6);
    }
    expect(model.intercept).toBe(model.coefficients['(Intercept)']);
  });

  it('matches the standard errors, deviance, null deviance and AIC', () => {
    for (const [term, value] of Object.entries(R_SE)) {
      expect(relErr(model.standardErrors[term], value), term).toBeLessThan(1e-5);
    }
    expect(relErr(model.deviance, R_DEVIANCE)).toBeLessThan(1e-10);
    expect(relErr(model.nullDeviance, R_NULL_DEVIANCE)).toBeLessThan(1e-12);
    expect(relErr(model.aic, R_AIC)).toBeLessThan(1e-10);
    expect(model.degreesOfFreedom).toBe(13);
  });

  it('predicts the same probabilities as fitted(fit)', () => {
    const complete = telco.filter((r) => r.TotalCharges.trim() !== '');
    for (let i = 0; i < 5; i++) expect(relErr(model.predict(complete[i]), R_FITTED_1_5[i])).toBeLessThan(1e-6);
    expect(model.predict({ ...complete[0], TotalCharges: ' ' })).toBeNaN();
    expect(model.predict({ ...complete[0], Contract: 'Three year' })).toBeNaN();
  });

  it('gives the in-sample AUC that R computes from the same fitted values', () => {
    const complete = telco.filter((r) => r.TotalCharges.trim() !== '');
    const scores = complete.map((r) => model.predict(r));
    const labels = complete.map((r) => r.Churn === 'Yes');
    expect(rocAuc(scores, labels)).toBeCloseTo(R_AUC, 8);
  });
  // Speed is measured by `npm run bench` (tests/bench/analytics.bench.ts), not asserted in a unit test.
});

describe('fitLogisticRegression options', () => {
  it('honours a reference level', () => {
    /*
     * R: d$Contract <- relevel(factor(d$Contract), ref = "Two year")
     *    glm(Churn ~ Contract + MonthlyCharges, data = d, family = binomial,
     *        control = glm.control(epsilon = 1e-14, maxit = 100))   # same d as above (7032 rows)
     */
    const r = {
      '(Intercept)': -4.84513274121513,
      'Contract=Month-to-month': 3.30075440754843,
      'Contract=One year': 1.44909932438907,
      MonthlyCharges: 0.0185115420605715
    };
    const complete = telco.filter((row) => row.TotalCharges.trim() !== '');
    const m = fitLogisticRegression(complete, {
      target: 'Churn',
      features: ['Contract', 'MonthlyCharges'],
      referenceLevels: { Contract: 'Two year' }
    });
    expect(m.terms).toEqual(Object.keys(r));
    for (const [term, value] of Object.entries(r)) expect(relErr(m.coefficients[term], value), term).toBeLessThan(1e-6);
    expect(relErr(m.deviance, 6483.565879284)).toBeLessThan(1e-10);
  });

  it('reports aliased terms as NaN like glm reports NA', () => {
    /*
     * "No internet service" in OnlineSecurity is exactly InternetService == "No":
     * R: glm(Churn ~ tenure + InternetService + OnlineSecurity, data = d, family = binomial)
     *    -> OnlineSecurityNo internet service is NA; deviance 6158.28371236715
     */
    const r = {
      '(Intercept)': -0.166824765128164,
      tenure: -0.0426310191559746,
      'InternetService=Fiber optic': 1.27373541041121,
      'InternetService=No': -1.43694511801662,
      'OnlineSecurity=Yes': -0.603203802954032
    };
    const complete = telco.filter((row) => row.TotalCharges.trim() !== '');
    const m = fitLogisticRegression(complete, {
      target: 'Churn',
      features: ['tenure', 'InternetService', 'OnlineSecurity']
    });
    expect(m.aliased).toEqual(['OnlineSecurity=No internet service']);
    expect(m.coefficients['OnlineSecurity=No internet service']).toBeNaN();
    for (const [term, value] of Object.entries(r)) expect(relErr(m.coefficients[term], value), term).toBeLessThan(1e-6);
    expect(relErr(m.deviance, 6158.28371236715)).toBeLessThan(1e-10);
    expect(m.degreesOfFreedom).toBe(5);
    expect(Number.isFinite(m.predict(complete[0]))).toBe(true);
  });

  it('accepts boolean and 0/1 targets and numeric cells', () => {
    const complete = telco.filter((row) => row.TotalCharges.trim() !== '');
    const typed = complete.map((row) => ({
      churned: row.Churn === 'Yes',
      churn01: row.Churn === 'Yes' ? 1 : 0,
      tenure: Number(row.tenure),
      MonthlyCharges: Number(row.MonthlyCharges),
      Contract: row.Contract
    }));
    const features = ['tenure', 'MonthlyCharges', 'Contract'];
    const a = fitLogisticRegression(typed, { target: 'churned', features });
    const b = fitLogisticRegression(typed, { target: 'churn01', features });
    const c = fitLogisticRegression(complete, { target: 'Churn', features, positive: 'Yes' });
    expect(a.positive).toBe(true);
    expect(b.positive).toBe(1);
    for (const term of a.terms) {
      expect(b.coefficients[term]).toBeCloseTo(a.coefficients[term], 10);
      expect(c.coefficients[term]).toBeCloseTo(a.coefficients[term], 10);
    }
    // Choosing the other class as positive flips every sign.
    const d = fitLogisticRegression(complete, { target: 'Churn', features, positive: 'No' });
    for (const term of a.terms) expect(d.coefficients[term]).toBeCloseTo(-a.coefficients[term], 8);
  });

  it('treats a numeric column as categorical on request', () => {
    const complete = telco.filter((row) => row.TotalCharges.trim() !== '');
    const m = fitLogisticRegression(complete, { target: 'Churn', features: ['SeniorCitizen'], categorical: ['SeniorCitizen'] });
    expect(m.terms).toEqual(['(Intercept)', 'SeniorCitizen=1']);
    // One binary predictor: the MLE reproduces the two observed churn rates exactly.
    const rate = (v: string): number => {
      const g = complete.filter((r) => r.SeniorCitizen === v);
      return g.filter((r) => r.Churn === 'Yes').length / g.length;
    };
    expect(m.predict({ SeniorCitizen: '0' })).toBeCloseTo(rate('0'), 10);
    expect(m.predict({ SeniorCitizen: 1 })).toBeCloseTo(rate('1'), 10);
  });

  it('ridge penalty satisfies the optimality conditions Xᵀ(y − μ) = l2·β', () => {
    const complete = telco.filter((row) => row.TotalCharges.trim() !== '');
    const features = ['tenure', 'MonthlyCharges', 'Contract', 'PaperlessBilling'];
    const l2 = 50;
    const m = fitLogisticRegression(complete, { target: 'Churn', features, penalty: { l2 } });
    expect(m.converged).toBe(true);
    const grad: Record<string, number> = Object.fromEntries(m.terms.map((t) => [t, 0]));
    for (const row of complete) {
      const r = (row.Churn === 'Yes' ? 1 : 0) - m.predict(row);
      grad['(Intercept)'] += r;
      grad.tenure += r * Number(row.tenure);
      grad.MonthlyCharges += r * Number(row.MonthlyCharges);
      if (row.Contract !== 'Month-to-month') grad[`Contract=${row.Contract}`] += r;
      if (row.PaperlessBilling === 'Yes') grad['PaperlessBilling=Yes'] += r;
    }
    expect(Math.abs(grad['(Intercept)'])).toBeLessThan(1e-6);
    for (const term of m.terms.slice(1)) {
      expect(Math.abs(grad[term] - l2 * m.coefficients[term]), term).toBeLessThan(1e-6 * (1 + Math.abs(grad[term])));
    }
    // Shrinkage pulls the dummies towards zero relative to the unpenalised fit.
    const free = fitLogisticRegression(complete, { target: 'Churn', features });
    expect(Math.abs(m.coefficients['Contract=Two year'])).toBeLessThan(Math.abs(free.coefficients['Contract=Two year']));
    expect(m.degreesOfFreedom).toBeLessThan(free.degreesOfFreedom);
    expect(m.degreesOfFreedom).toBeGreaterThan(1);
  });

  it('does not diverge silently under complete separation', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ x: i, y: i >= 20 ? 1 : 0 }));
    const m = fitLogisticRegression(rows, { target: 'y', features: ['x'], maxIter: 30 });
    expect(m.converged).toBe(false);
    const p = fitLogisticRegression(rows, { target: 'y', features: ['x'], penalty: { l2: 1 } });
    expect(p.converged).toBe(true);
    expect(p.predict({ x: 0 })).toBeLessThan(0.5);
    expect(p.predict({ x: 39 })).toBeGreaterThan(0.5);
  });

  it('rejects a target with more than two values', () => {
    const rows = [{ t: 'a', x: 1 }, { t: 'b', x: 2 }, { t: 'c', x: 3 }];
    expect(() => fitLogisticRegression(rows, { target: 't', features: ['x'], positive: 'a' })).toThrow(/binary/);
  });
});

describe('trainTestSplit', () => {
  it('is deterministic, disjoint, exhaustive and order-preserving', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => i);
    const a = trainTestSplit(rows, { testFraction: 0.25, seed: 42 });
    const b = trainTestSplit(rows, { testFraction: 0.25, seed: 42 });
    const c = trainTestSplit(rows, { testFraction: 0.25, seed: 43 });
    expect(a).toEqual(b);
    expect(a.test).not.toEqual(c.test);
    expect(a.test.length).toBe(250);
    expect(a.train.length).toBe(750);
    expect([...a.train, ...a.test].sort((x, y) => x - y)).toEqual(rows);
    expect(a.test).toEqual([...a.test].sort((x, y) => x - y));
    expect(trainTestSplit(rows, { testFraction: 0, seed: 1 }).test).toEqual([]);
    expect(() => trainTestSplit(rows, { testFraction: 1.5, seed: 1 })).toThrow(RangeError);
  });

  it('gives a held-out AUC close to the in-sample one on Telco', () => {
    const { train, test } = trainTestSplit(telco, { testFraction: 0.3, seed: 2024 });
    const m = fitLogisticRegression(train, { target: 'Churn', features: FEATURES });
    const scored = test.filter((r) => r.TotalCharges.trim() !== '');
    const auc = rocAuc(
      scored.map((r) => m.predict(r)),
      scored.map((r) => r.Churn === 'Yes')
    );
    expect(auc).toBeGreaterThan(0.8);
    expect(auc).toBeLessThan(0.88);
  });
});
