// Validates frequent-itemset and association-rule mining on a textbook example and on UCI Online Retail.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { associationRules, basketsFromOrderLines, frequentItemsets, type AssociationRule } from './association';

/** Tan, Steinbach & Kumar, *Introduction to Data Mining* (2006), Table 6.1: the market-basket example. */
const GROCERY = [
  ['Bread', 'Milk'],
  ['Bread', 'Diapers', 'Beer', 'Eggs'],
  ['Milk', 'Diapers', 'Beer', 'Cola'],
  ['Bread', 'Milk', 'Diapers', 'Beer'],
  ['Bread', 'Milk', 'Diapers', 'Cola']
];

const key = (items: readonly string[]): string => [...items].sort().join(' + ');

describe('frequentItemsets on the textbook grocery baskets', () => {
  it('finds exactly the 17 itemsets with support ≥ 0.4 (count ≥ 2), counted by hand', () => {
    const expected: Record<string, number> = {
      Bread: 4,
      Milk: 4,
      Diapers: 4,
      Beer: 3,
      Cola: 2,
      'Bread + Milk': 3,
      'Bread + Diapers': 3,
      'Beer + Bread': 2,
      'Diapers + Milk': 3,
      'Beer + Milk': 2,
      'Beer + Diapers': 3,
      'Cola + Milk': 2,
      'Cola + Diapers': 2,
      'Bread + Diapers + Milk': 2,
      'Beer + Bread + Diapers': 2,
      'Beer + Diapers + Milk': 2,
      'Cola + Diapers + Milk': 2
    };
    const sets = frequentItemsets(GROCERY, { minSupport: 0.4 });
    expect(Object.fromEntries(sets.map((s) => [key(s.items), s.count]))).toEqual(expected);
    for (const s of sets) expect(s.support).toBe(s.count / 5);
    // Sorted by count, then size: the four singletons of count 4 come first.
    expect(sets.slice(0, 3).every((s) => s.count === 4 && s.items.length === 1)).toBe(true);
  });

  it('matches the book at minsup 60%: four items, four pairs, no triple (TSK Figure 6.5)', () => {
    const sets = frequentItemsets(GROCERY, { minSupport: 0.6 });
    expect(sets.map((s) => key(s.items)).sort()).toEqual(
      ['Beer', 'Bread', 'Diapers', 'Milk', 'Bread + Milk', 'Bread + Diapers', 'Diapers + Milk', 'Beer + Diapers'].sort()
    );
  });

  it('respects maxLength and counts duplicate items in a basket once', () => {
    expect(frequentItemsets(GROCERY, { minSupport: 0.4, maxLength: 2 }).every((s) => s.items.length <= 2)).toBe(true);
    expect(frequentItemsets(GROCERY, { minSupport: 0.4, maxLength: 1 })).toHaveLength(5);
    const doubled = GROCERY.map((b) => [...b, ...b]);
    expect(frequentItemsets(doubled, { minSupport: 0.4 })).toEqual(frequentItemsets(GROCERY, { minSupport: 0.4 }));
  });
});

describe('associationRules on the textbook grocery baskets', () => {
  const rules = associationRules(GROCERY, { minSupport: 0.4, minConfidence: 0.6 });
  const find = (antecedent: string[], consequent: string): AssociationRule | undefined =>
    rules.find((r) => key(r.antecedent) === key(antecedent) && r.consequent === consequent);

  it('gives the book’s rules from {Milk, Diapers, Beer} with exact support, confidence and lift', () => {
    // TSK §6.1: {Milk, Diapers} ⇒ {Beer}: s = 0.4, c = 0.67; lift = c / s(Beer) = (2/3) / (3/5).
    expect(find(['Milk', 'Diapers'], 'Beer')).toEqual({
      antecedent: ['Diapers', 'Milk'],
      consequent: 'Beer',
      support: 0.4,
      confidence: 2 / 3,
      lift: 2 / 3 / (3 / 5),
      count: 2
    });
    const mb = find(['Milk', 'Beer'], 'Diapers');
    expect(mb?.confidence).toBe(1);
    expect(mb?.lift).toBeCloseTo(1.25, 15);
    const db = find(['Diapers', 'Beer'], 'Milk');
    expect(db?.confidence).toBeCloseTo(2 / 3, 15);
    expect(db?.lift).toBeCloseTo(5 / 6, 15);
    // {Bread, Milk} ⇒ Beer has support 1/5 < 0.4: not a rule.
    expect(find(['Bread', 'Milk'], 'Beer')).toBeUndefined();
  });

  it('produces every rule exactly once and only rules above both thresholds', () => {
    // Enumerate by definition: every antecedent/consequent split of every frequent itemset.
    const sets = frequentItemsets(GROCERY, { minSupport: 0.4 });
    const count = new Map(sets.map((s) => [key(s.items), s.count]));
    let expected = 0;
    for (const s of sets) {
      if (s.items.length < 2) continue;
      for (const c of s.items) {
        const a = s.items.filter((i) => i !== c);
        if (s.count / (count.get(key(a)) as number) >= 0.6) expected++;
      }
    }
    expect(rules).toHaveLength(expected);
    expect(new Set(rules.map((r) => `${key(r.antecedent)} => ${r.consequent}`)).size).toBe(expected);
    for (const r of rules) {
      expect(r.support).toBeGreaterThanOrEqual(0.4);
      expect(r.confidence).toBeGreaterThanOrEqual(0.6);
    }
    // Lift descending, then confidence descending.
    for (let i = 1; i < rules.length; i++) {
      const [p, q] = [rules[i - 1], rules[i]];
      expect(p.lift > q.lift || (p.lift === q.lift && p.confidence >= q.confidence)).toBe(true);
    }
    // The strongest rule: {Diapers, Milk} ⇒ Cola, lift (2/3) / (2/5) = 5/3.
    expect(rules[0].antecedent).toEqual(['Diapers', 'Milk']);
    expect(rules[0].consequent).toBe('Cola');
    expect(rules[0].lift).toBeCloseTo(5 / 3, 15);
    expect(rules[0].support).toBe(0.4);
  });

  it('leaves out empty-antecedent rules and honours minLength / maxLength', () => {
    expect(rules.every((r) => r.antecedent.length >= 1)).toBe(true);
    const pairsOnly = associationRules(GROCERY, { minSupport: 0.4, minConfidence: 0.6, maxLength: 2 });
    expect(pairsOnly.every((r) => r.antecedent.length === 1)).toBe(true);
    const triplesOnly = associationRules(GROCERY, { minSupport: 0.4, minConfidence: 0.6, minLength: 3 });
    expect(triplesOnly.every((r) => r.antecedent.length === 2)).toBe(true);
    expect(pairsOnly.length + triplesOnly.length).toBe(rules.length);
  });

  it('rejects thresholds outside [0, 1]', () => {
    expect(() => associationRules(GROCERY, { minSupport: 1.5, minConfidence: 0.5 })).toThrow(RangeError);
    expect(() => associationRules(GROCERY, { minSupport: 0.5, minConfidence: -1 })).toThrow(RangeError);
  });
});

describe('basketsFromOrderLines', () => {
  it('groups by key, dedupes items, skips blanks and honours include', () => {
    const lines = [
      { inv: 'A', sku: 'x', qty: 1 },
      { inv: 'A', sku: 'y', qty: 2 },
      { inv: 'B', sku: 'x', qty: 1 },
      { inv: 'A', sku: 'x', qty: 5 },
      { inv: 'C', sku: '', qty: 1 },
      { inv: 'B', sku: 'z', qty: -1 }
    ];
    expect(basketsFromOrderLines(lines, { basketKey: 'inv', item: 'sku' })).toEqual([['x', 'y'], ['x', 'z']]);
    expect(
      basketsFromOrderLines(lines, { basketKey: (l) => l.inv.toLowerCase(), item: 'sku', include: (l) => l.qty > 0 })
    ).toEqual([['x', 'y'], ['x']]);
  });
});

// ---------------------------------------------------------------------------------------------------
// UCI Online Retail. R's arules is not packaged for Debian (apt-cache policy r-cran-arules: none) and
// this machine reaches no CRAN mirror, so the reference is an independent textbook Apriori written
// below: level-wise candidate generation (join + prune), pairs counted in a triangular matrix over
// the baskets (Ullman et al., *Mining of Massive Datasets*, §6.2.2) and larger candidates counted
// against each basket's item set. It shares no code with association.ts.

type Itemset = { items: string[]; count: number };

function referenceApriori(baskets: string[][], minSupport: number, maxLength: number): Itemset[] {
  const n = baskets.length;
  const minCount = Math.ceil(minSupport * n - 1e-9);
  const sets = baskets.map((b) => new Set(b));
  const itemCount = new Map<string, number>();
  for (const s of sets) for (const i of s) itemCount.set(i, (itemCount.get(i) ?? 0) + 1);
  const l1 = [...itemCount].filter(([, c]) => c >= minCount).map(([i]) => i).sort();
  const result: Itemset[] = l1.map((i) => ({ items: [i], count: itemCount.get(i) as number }));
  if (maxLength < 2) return result;

  // L2 by a triangular count matrix over frequent items.
  const index = new Map(l1.map((i, k) => [i, k]));
  const m = l1.length;
  const tri = new Int32Array((m * (m - 1)) / 2);
  const triIndex = (a: number, b: number): number => a * m - (a * (a + 1)) / 2 + (b - a - 1);
  for (const s of sets) {
    const ids = [...s].map((i) => index.get(i)).filter((k): k is number => k !== undefined).sort((a, b) => a - b);
    for (let x = 0; x < ids.length; x++) for (let y = x + 1; y < ids.length; y++) tri[triIndex(ids[x], ids[y])]++;
  }
  let level: Itemset[] = [];
  for (let a = 0; a < m; a++)
    for (let b = a + 1; b < m; b++) {
      const c = tri[triIndex(a, b)];
      if (c >= minCount) level.push({ items: [l1[a], l1[b]], count: c });
    }
  result.push(...level);

  // Basket lists per item, to count a candidate only over baskets holding its first item.
  const holding = new Map<string, number[]>();
  sets.forEach((s, t) => {
    for (const i of s) {
      if (!index.has(i)) continue;
      const list = holding.get(i) ?? [];
      list.push(t);
      holding.set(i, list);
    }
  });
  for (let k = 3; k <= maxLength && level.length > 1; k++) {
    const prev = new Set(level.map((s) => s.items.join('\u0000')));
    const candidates: string[][] = [];
    for (let x = 0; x < level.length; x++)
      for (let y = x + 1; y < level.length; y++) {
        const a = level[x].items;
        const b = level[y].items;
        if (a.slice(0, -1).join('\u0000') !== b.slice(0, -1).join('\u0000')) continue;
        const cand = [...a, b[b.length - 1]].sort();
        const allSubsetsFrequent = cand.every((_, drop) => prev.has(cand.filter((__, j) => j !== drop).join('\u0000')));
        if (allSubsetsFrequent) candidates.push(cand);
      }
    level = [];
    for (const cand of candidates) {
      let c = 0;
      for (const t of holding.get(cand[0]) as number[]) if (cand.every((i) => sets[t].has(i))) c++;
      if (c >= minCount) level.push({ items: cand, count: c });
    }
    level.sort((p, q) => p.items.join('\u0000').localeCompare(q.items.join('\u0000')));
    result.push(...level);
  }
  return result;
}

function referenceRules(itemsets: Itemset[], n: number, minConfidence: number): Map<string, AssociationRule> {
  const count = new Map(itemsets.map((s) => [key(s.items), s.count]));
  const rules = new Map<string, AssociationRule>();
  for (const s of itemsets) {
    if (s.items.length < 2) continue;
    for (const c of s.items) {
      const a = s.items.filter((i) => i !== c);
      const confidence = s.count / (count.get(key(a)) as number);
      if (confidence < minConfidence) continue;
      rules.set(`${key(a)} => ${c}`, {
        antecedent: [...a].sort(),
        consequent: c,
        support: s.count / n,
        confidence,
        lift: confidence / ((count.get(c) as number) / n),
        count: s.count
      });
    }
  }
  return rules;
}

type RetailLine = { InvoiceNo: string; StockCode: string; Description: string; Quantity: string };

describe('associationRules on UCI Online Retail', () => {
  const lines = Papa.parse<RetailLine>(
    gunzipSync(readFileSync(path.resolve(process.cwd(), '../shared/data/onlineretail.csv.gz'))).toString('utf8'),
    { header: true, skipEmptyLines: true }
  ).data;
  // Invoices, without cancellations ('C…') and returns/adjustments (quantity ≤ 0).
  const include = (l: RetailLine): boolean => !l.InvoiceNo.startsWith('C') && Number(l.Quantity) > 0;
  const byStockCode = basketsFromOrderLines(lines, { basketKey: 'InvoiceNo', item: 'StockCode', include });
  let reference: Itemset[] | undefined;
  const referenceItemsets = (): Itemset[] => (reference ??= referenceApriori(byStockCode, 0.01, 10));

  it('builds one basket per invoice', () => {
    expect(lines).toHaveLength(541909);
    expect(byStockCode).toHaveLength(20728);
  });

  it('also mines product descriptions (lines without one are skipped)', () => {
    const byDescription = basketsFromOrderLines(lines, { basketKey: 'InvoiceNo', item: 'Description', include });
    expect(byDescription).toHaveLength(20136);
    const rules = associationRules(byDescription, { minSupport: 0.01, minConfidence: 0.5 });
    expect(rules.length).toBeGreaterThan(700);
    expect(rules[0].antecedent[0]).toMatch(/^HERB MARKER/);
  });

  it('mines support 1% / confidence 50% and equals the reference Apriori (speed: see npm run bench)', () => {
    const opts = { minSupport: 0.01, minConfidence: 0.5 };
    const rules = associationRules(byStockCode, opts);

    const reference = referenceRules(referenceItemsets(), byStockCode.length, 0.5);
    expect(rules).toHaveLength(reference.size);
    for (const r of rules) {
      const ref = reference.get(`${key(r.antecedent)} => ${r.consequent}`);
      expect(ref, `${key(r.antecedent)} => ${r.consequent}`).toBeDefined();
      expect(r.count).toBe(ref?.count);
      expect(r.support).toBe(ref?.support);
      expect(r.confidence).toBe(ref?.confidence);
      expect(r.lift).toBeCloseTo(ref?.lift as number, 12);
    }
    /*
     * Top rules, also reproduced by a plain Python brute force (itertools.combinations over every
     * basket, level by level): 775 rules; itemsets by size 790 / 817 / 215 / 18. The herb markers
     * 22916–22919 (thyme, rosemary, parsley, mint) are almost always bought together.
     */
    expect(rules.length).toBe(775);
    expect(rules.slice(0, 4).map((r) => [r.antecedent.join(','), r.consequent, r.count])).toEqual([
      ['22916', '22917', 221],
      ['22917', '22916', 221],
      ['22916', '22918', 213],
      ['22918', '22916', 213]
    ]);
    expect(rules[0].lift).toBeCloseTo(80.53600562587904, 10);
    expect(rules[0].confidence).toBeCloseTo(0.9324894514767933, 14);
    expect(rules[0].support).toBeCloseTo(221 / 20728, 15);
    expect(rules[0].lift).toBe(rules[1].lift);
  });

  it('frequent itemsets at 1% equal the reference Apriori', () => {
    const mine = frequentItemsets(byStockCode, { minSupport: 0.01 });
    const sizes = [1, 2, 3, 4, 5].map((k) => mine.filter((s) => s.items.length === k).length);
    expect(sizes).toEqual([790, 817, 215, 18, 0]);
    const ref = referenceItemsets();
    expect(new Map(mine.map((s) => [key(s.items), s.count]))).toEqual(new Map(ref.map((s) => [key(s.items), s.count])));
  });
});
