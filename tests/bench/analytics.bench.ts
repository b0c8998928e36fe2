// Analytics engine figures on the real data sets (Node, the same code the app's worker runs): fit and scoring times.
import { describe, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCdnowMaster } from '$lib/core/analytics/cdnow';
import { summarizeTransactions } from '$lib/core/analytics/transactions';
import { fitBgNbd } from '$lib/core/analytics/bg-nbd';
import { fitGammaGamma } from '$lib/core/analytics/gamma-gamma';
import { rfm } from '$lib/core/analytics/rfm';
import { kMeans, standardize } from '$lib/core/analytics/kmeans';
import { mulberry32, randomNormal } from '$lib/core/analytics/random';
import { fitLogisticRegression } from '$lib/core/analytics/logistic';
import { associationRules, basketsFromOrderLines } from '$lib/core/analytics/association';
import { holtWinters } from '$lib/core/analytics/holt-winters';
import { gunzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { median, record, timeRuns } from './results';

const data = (file: string) => resolve(process.cwd(), '../shared/data', file);

describe('analytics engine', () => {
  it('BG/NBD and Gamma-Gamma on the CDNOW master file', async () => {
    const tx = parseCdnowMaster(readFileSync(data('CDNOW_master.txt'), 'utf8'));
    const summaries = summarizeTransactions(tx, { calibrationEnd: '1997-09-30', unit: 'weeks' });
    const bg = await timeRuns(() => fitBgNbd(summaries), 7, 2);
    record('BG/NBD fit, CDNOW master (23,570 customers), median of 7', median(bg), 'ms', { max: 500 }, 'lifetimes (Python) ≈ 330 ms on this kind of machine');
    const repeat = summaries.filter((s) => s.frequency > 0 && s.monetaryValue > 0);
    const gg = await timeRuns(() => fitGammaGamma(repeat), 7, 2);
    record(`Gamma-Gamma fit, CDNOW master repeat buyers (${repeat.length}), median of 7`, median(gg), 'ms', { max: 200 }, 'lifetimes ≈ 130 ms');
  });

  it('RFM + k-means (k = 5) for 100,000 customers', async () => {
    const random = mulberry32(42);
    const customers = Array.from({ length: 100_000 }, (_, i) => {
      const T = 10 + random() * 90;
      const frequency = Math.floor(Math.exp(randomNormal(random) * 0.9));
      return { customerId: `c${i}`, frequency, recency: frequency > 0 ? random() * T : 0, T, monetaryValue: frequency > 0 ? Math.exp(3 + randomNormal(random) * 0.6) : 0 };
    });
    const times = await timeRuns(
      () => {
        const scores = rfm(customers);
        const points = standardize(scores.map((s) => [s.recencyScore, s.frequencyScore, s.monetaryScore])).points;
        kMeans(points, 5, { seed: 1 });
      },
      5,
      1
    );
    record('RFM + k-means (k = 5), 100,000 customers, median of 5', median(times), 'ms', { max: 300 });
  });

  it('logistic regression on the Telco churn data (7,043 rows)', async () => {
    const rows = Papa.parse<Record<string, string>>(readFileSync(data('Telco-Customer-Churn.csv'), 'utf8'), { header: true, skipEmptyLines: true, dynamicTyping: false }).data;
    const numeric = rows.map((r) => ({ ...r, tenure: Number(r.tenure), MonthlyCharges: Number(r.MonthlyCharges), TotalCharges: r.TotalCharges.trim() === '' ? NaN : Number(r.TotalCharges), SeniorCitizen: Number(r.SeniorCitizen) }));
    const features = ['tenure', 'MonthlyCharges', 'TotalCharges', 'Contract', 'InternetService', 'PaymentMethod', 'PaperlessBilling', 'SeniorCitizen'];
    const times = await timeRuns(() => fitLogisticRegression(numeric, { target: 'Churn', features }), 9, 3);
    record('Logistic regression, Telco 7,043 rows (13 terms, IRLS), median of 9', median(times), 'ms', { max: 50 });
  });

  it('association rules on the Online Retail invoices (support 1%)', async () => {
    type Line = { InvoiceNo: string; StockCode: string; Quantity: string };
    const lines = Papa.parse<Line>(gunzipSync(readFileSync(data('onlineretail.csv.gz'))).toString('utf8'), { header: true, skipEmptyLines: true }).data;
    const baskets = basketsFromOrderLines(lines, { basketKey: 'InvoiceNo', item: 'StockCode', include: (l: Line) => !l.InvoiceNo.startsWith('C') && Number(l.Quantity) > 0 });
    const times = await timeRuns(() => associationRules(baskets, { minSupport: 0.01, minConfidence: 0.5 }), 5, 1);
    record(`Association rules, Online Retail ${baskets.length} baskets, support 1%, median of 5`, median(times), 'ms', { max: 3000 });
  });

  it('Holt-Winters on AirPassengers with optimised parameters', async () => {
    const series = readFileSync(data('AirPassengers.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',').at(-1)));
    const times = await timeRuns(() => holtWinters(series, { period: 12, seasonal: 'multiplicative' }), 9, 2);
    record('Holt-Winters fit (multiplicative, optimised), AirPassengers, median of 9', median(times), 'ms', null);
  });
});
