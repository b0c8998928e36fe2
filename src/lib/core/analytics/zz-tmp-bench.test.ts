import { readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { it } from 'vitest';
import { fitLogisticRegression } from './logistic';
const telco = Papa.parse<Record<string,string>>(readFileSync(path.resolve(process.cwd(), '../shared/data/Telco-Customer-Churn.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
const FEATURES = ['tenure','MonthlyCharges','TotalCharges','Contract','InternetService','PaymentMethod','PaperlessBilling','SeniorCitizen'];
it('bench', () => {
  for (let k = 0; k < 30; k++) fitLogisticRegression(telco, { target: 'Churn', features: FEATURES });
  const t0 = performance.now();
  let it = 0;
  for (let k = 0; k < 20; k++) it = fitLogisticRegression(telco, { target: 'Churn', features: FEATURES }).iterations;
  console.log('ms', (performance.now() - t0) / 20, 'iters', it);
});
