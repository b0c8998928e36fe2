import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import Papa from 'papaparse';
import { it } from 'vitest';
import { associationRules, basketsFromOrderLines, frequentItemsets } from './association';
type Line = Record<string, string>;
it('bench', () => {
  let t0 = performance.now();
  const text = gunzipSync(readFileSync(path.resolve(process.cwd(), '../shared/data/onlineretail.csv.gz'))).toString('utf8');
  const lines = Papa.parse<Line>(text, { header: true, skipEmptyLines: true }).data;
  console.log('parse', performance.now() - t0, lines.length);
  for (const item of ['StockCode', 'Description'] as const) {
  t0 = performance.now();
  const baskets = basketsFromOrderLines(lines, { basketKey: 'InvoiceNo', item, include: (l) => !l.InvoiceNo.startsWith('C') && Number(l.Quantity) > 0 });
  console.log('baskets', performance.now() - t0, baskets.length, baskets.reduce((s, b) => s + b.length, 0), Math.max(...baskets.map(b => b.length)));
  for (let k = 0; k < 3; k++) {
  t0 = performance.now();
  const rules = associationRules(baskets, { minSupport: 0.01, minConfidence: 0.5 });
  console.log(item, 'rules', performance.now() - t0, rules.length);
  }
  const fi = frequentItemsets(baskets, { minSupport: 0.01 });
  const bySize: Record<number, number> = {};
  for (const f of fi) bySize[f.items.length] = (bySize[f.items.length] ?? 0) + 1;
  console.log(bySize);
  }
});
