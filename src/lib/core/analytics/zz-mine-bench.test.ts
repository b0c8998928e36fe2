import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCdnowMaster } from './cdnow';
import { summarizeTransactions } from './transactions';
import { fitBgNbd } from './bg-nbd';
import { fitGammaGamma } from './gamma-gamma';
import { rfm } from './rfm';
import { kMeans, kMeansFlat, standardize } from './kmeans';
import { mulberry32 } from './random';
const data = (f: string) => readFileSync(path.resolve(process.cwd(), '../shared/data', f), 'utf8');
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
it('bench', () => {
  let t0 = performance.now();
  const tx = parseCdnowMaster(data('CDNOW_master.txt'));
  const t1 = performance.now();
  const m = summarizeTransactions(tx, { calibrationEnd: '1997-09-30', unit: 'weeks' });
  const t2 = performance.now();
  console.log(`parse master ${(t1 - t0).toFixed(1)} ms, summarize ${(t2 - t1).toFixed(1)} ms`);
  const bg: number[] = []; const gg: number[] = [];
  for (let i = 0; i < 15; i++) { t0 = performance.now(); fitBgNbd(m); bg.push(performance.now() - t0); }
  for (let i = 0; i < 15; i++) { t0 = performance.now(); fitGammaGamma(m); gg.push(performance.now() - t0); }
  console.log(`BG/NBD master: first ${bg[0].toFixed(1)} ms, median ${med(bg).toFixed(1)} ms, max ${Math.max(...bg).toFixed(1)}`);
  console.log(`GG master: first ${gg[0].toFixed(1)} ms, median ${med(gg).toFixed(1)} ms, max ${Math.max(...gg).toFixed(1)}`);
  const rnd = mulberry32(99);
  const N = 100_000;
  const big = Array.from({ length: N }, (_, i) => { const s = m[Math.floor(rnd() * m.length)]; return { ...s, customerId: String(i), monetaryValue: s.monetaryValue * (0.9 + 0.2 * rnd()) }; });
  for (let rep = 0; rep < 5; rep++) {
    t0 = performance.now();
    const scores = rfm(big);
    const t1 = performance.now();
    const feats = standardize(scores.map((s) => [s.recencyScore, s.frequencyScore, s.monetaryScore]));
    const t2 = performance.now();
    const km = kMeans(feats.points, 5, { seed: 1 });
    const t3 = performance.now();
    const feats2 = standardize(big.map((s) => [s.T - s.recency, Math.log1p(s.frequency), Math.log1p(s.monetaryValue)]));
    const t4 = performance.now();
    const km2 = kMeans(feats2.points, 5, { seed: 1 });
    const t5 = performance.now();
    console.log(`100k: rfm ${(t1 - t0).toFixed(1)} standardize ${(t2 - t1).toFixed(1)} kmeans(scores) ${(t3 - t2).toFixed(1)} iters ${km.iterations} | total ${(t3 - t0).toFixed(1)} ms ;; raw-feature kmeans ${(t5 - t4).toFixed(1)} ms iters ${km2.iterations} conv ${km2.converged}`);
  }
});
