// Market-basket analysis: frequent itemsets and single-consequent association rules.

/** Options of {@link frequentItemsets}. */
export type FrequentItemsetOptions = {
  /** Minimum support, a fraction of all baskets in [0, 1]: an itemset is frequent if count ≥ minSupport × N. */
  minSupport: number;
  /** Largest itemset size to mine (default 10, as arules' `maxlen`). */
  maxLength?: number;
};

/** Options of {@link associationRules}. */
export type AssociationRuleOptions = FrequentItemsetOptions & {
  /** Minimum confidence P(consequent | antecedent), in [0, 1]. */
  minConfidence: number;
  /** Smallest rule size, antecedent plus consequent (default 2: rules with an empty antecedent are left out). */
  minLength?: number;
};

/** An itemset that reaches the minimum support. */
export type FrequentItemset = {
  /** Items in code-unit order. */
  items: string[];
  /** Number of baskets containing every item. */
  count: number;
  /** count / number of baskets. */
  support: number;
};

/** A rule antecedent ⇒ consequent. */
export type AssociationRule = {
  /** Items in code-unit order. */
  antecedent: string[];
  consequent: string;
  /** Fraction of baskets containing antecedent ∪ {consequent}. */
  support: number;
  /** support(antecedent ∪ {consequent}) / support(antecedent). */
  confidence: number;
  /** confidence / support({consequent}): how much more often than by chance the two co-occur. */
  lift: number;
  /** Number of baskets containing antecedent ∪ {consequent}. */
  count: number;
};

/** Options of {@link basketsFromOrderLines}. */
export type BasketsFromOrderLinesOptions<T> = {
  /** Field (or function) identifying the basket a line belongs to, e.g. the invoice number. */
  basketKey: (keyof T & string) | ((line: T) => unknown);
  /** Field (or function) naming the item, e.g. a SKU or product description. */
  item: (keyof T & string) | ((line: T) => unknown);
  /** Keep only lines for which this returns true (e.g. drop cancellations and returns). */
  include?: (line: T) => boolean;
};

type Mined = {
  /** Item names by rank (ranks ordered by ascending support). */
  names: string[];
  /** Support count per rank. */
  itemCount: Int32Array;
  /** Frequent itemsets of size ≥ 1 as ascending rank lists with their counts. */
  sets: { ids: number[]; count: number }[];
  /** Count by key ids.join(','). */
  countByKey: Map<string, number>;
  nBaskets: number;
};

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Intersection of two ascending tid-lists, abandoned (null) as soon as it can no longer reach
 * `minCount` — most candidate intersections in sparse retail data fail early.
 */
function intersect(a: Int32Array, b: Int32Array, minCount: number): Int32Array | null {
  const la = a.length;
  const lb = b.length;
  if (la < minCount || lb < minCount) return null;
  const out = new Int32Array(Math.min(la, lb));
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < la && j < lb) {
    if (k + Math.min(la - i, lb - j) < minCount) return null;
    const x = a[i];
    const y = b[j];
    if (x === y) {
      out[k++] = x;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return k >= minCount ? out.subarray(0, k) : null;
}

function validate(options: FrequentItemsetOptions): number {
  const { minSupport } = options;
  if (!(minSupport >= 0 && minSupport <= 1)) throw new RangeError('minSupport must be in [0, 1]');
  const maxLength = options.maxLength ?? 10;
  if (!(maxLength >= 1)) throw new RangeError('maxLength must be ≥ 1');
  return maxLength;
}

/**
 * Mines all frequent itemsets: item ids, then pair counts by scanning each item's baskets (one
 * counter array per item, so memory stays O(items)), then Eclat depth-first intersections of
 * tid-lists for sizes ≥ 3 (Zaki 2000, "Scalable algorithms for association mining", IEEE TKDE 12(3)).
 */
function mine(baskets: readonly (readonly string[])[], minSupport: number, maxLength: number): Mined {
  const nBaskets = baskets.length;
  // The small tolerance keeps e.g. 0.3 × 10 = 3.0000000000000004 from demanding 4 baskets.
  const minCount = Math.max(1, Math.ceil(minSupport * nBaskets - 1e-9));

  // Raw ids, duplicates within a basket counted once.
  const rawId = new Map<string, number>();
  const rawNames: string[] = [];
  const rawCount: number[] = [];
  const stamp: number[] = [];
  const flat: number[] = [];
  const offsets = new Int32Array(nBaskets + 1);
  for (let t = 0; t < nBaskets; t++) {
    for (const item of baskets[t]) {
      let id = rawId.get(item);
      if (id === undefined) {
        id = rawNames.length;
        rawId.set(item, id);
        rawNames.push(item);
        rawCount.push(0);
        stamp.push(-1);
      }
      if (stamp[id] === t) continue;
      stamp[id] = t;
      rawCount[id]++;
      flat.push(id);
    }
    offsets[t + 1] = flat.length;
  }

  // Ranks of the frequent items by ascending support: Eclat's classes stay small that way.
  const frequentRaw = rawNames.map((_, id) => id).filter((id) => rawCount[id] >= minCount);
  frequentRaw.sort((a, b) => rawCount[a] - rawCount[b] || byCodeUnit(rawNames[a], rawNames[b]));
  const m = frequentRaw.length;
  const rankOf = new Int32Array(rawNames.length).fill(-1);
  frequentRaw.forEach((id, r) => (rankOf[id] = r));
  const names = frequentRaw.map((id) => rawNames[id]);
  const itemCount = Int32Array.from(frequentRaw.map((id) => rawCount[id]));

  const sets: { ids: number[]; count: number }[] = [];
  const countByKey = new Map<string, number>();
  const record = (ids: number[], count: number): void => {
    sets.push({ ids, count });
    countByKey.set(ids.join(','), count);
  };
  for (let r = 0; r < m; r++) record([r], itemCount[r]);
  if (maxLength < 2 || m < 2) return { names, itemCount, sets, countByKey, nBaskets };

  // Baskets restricted to frequent items, as ascending ranks; and each item's tid-list.
  const rankedOffsets = new Int32Array(nBaskets + 1);
  const ranked: number[] = [];
  const tids = Array.from({ length: m }, (_, r) => new Int32Array(itemCount[r]));
  const fill = new Int32Array(m);
  for (let t = 0; t < nBaskets; t++) {
    const start = ranked.length;
    for (let k = offsets[t]; k < offsets[t + 1]; k++) {
      const r = rankOf[flat[k]];
      if (r < 0) continue;
      ranked.push(r);
      tids[r][fill[r]++] = t;
    }
    const slice = ranked.slice(start).sort((a, b) => a - b);
    for (let k = 0; k < slice.length; k++) ranked[start + k] = slice[k];
    rankedOffsets[t + 1] = ranked.length;
  }
  const rankedArr = Int32Array.from(ranked);

  type Member = { item: number; tids: Int32Array };
  const extend = (prefix: number[], members: Member[]): void => {
    for (let i = 0; i < members.length - 1; i++) {
      const a = members[i];
      const next: Member[] = [];
      for (let j = i + 1; j < members.length; j++) {
        const b = members[j];
        const t = intersect(a.tids, b.tids, minCount);
        if (!t) continue;
        record([...prefix, a.item, b.item], t.length);
        next.push({ item: b.item, tids: t });
      }
      if (next.length >= 2 && prefix.length + 3 <= maxLength) extend([...prefix, a.item], next);
    }
  };

  // Pairs: for item a, count every larger-ranked item sharing a basket with it.
  const pairCount = new Int32Array(m);
  const touched: number[] = [];
  for (let a = 0; a < m - 1; a++) {
    const ta = tids[a];
    for (let k = 0; k < ta.length; k++) {
      const t = ta[k];
      for (let q = rankedOffsets[t + 1] - 1; q >= rankedOffsets[t]; q--) {
        const b = rankedArr[q];
        if (b <= a) break;
        if (pairCount[b]++ === 0) touched.push(b);
      }
    }
    touched.sort((x, y) => x - y);
    const members: Member[] = [];
    for (const b of touched) {
      const c = pairCount[b];
      pairCount[b] = 0;
      if (c < minCount) continue;
      record([a, b], c);
      if (maxLength >= 3) {
        const t = intersect(ta, tids[b], minCount) as Int32Array;
        members.push({ item: b, tids: t });
      }
    }
    touched.length = 0;
    if (members.length >= 2) extend([a], members);
  }
  return { names, itemCount, sets, countByKey, nBaskets };
}

/**
 * All itemsets contained in at least minSupport × N of the N baskets (an item repeated within a
 * basket counts once), largest support first.
 *
 * Algorithm: Eclat (Zaki 2000, "Scalable algorithms for association mining", IEEE TKDE 12(3):372–390)
 * — vertical tid-lists intersected depth-first — with pairs counted directly from the baskets. The
 * result is exactly Apriori's (Agrawal & Srikant 1994, "Fast algorithms for mining association rules",
 * VLDB): the same itemsets with the same counts; only the search order differs.
 */
export function frequentItemsets(
  baskets: readonly (readonly string[])[],
  options: FrequentItemsetOptions
): FrequentItemset[] {
  const maxLength = validate(options);
  const { names, sets, nBaskets } = mine(baskets, options.minSupport, maxLength);
  const out = sets.map(({ ids, count }) => ({
    items: ids.map((r) => names[r]).sort(byCodeUnit),
    count,
    support: count / nBaskets
  }));
  out.sort(
    (a, b) => b.count - a.count || a.items.length - b.items.length || byCodeUnit(a.items.join('\u0000'), b.items.join('\u0000'))
  );
  return out;
}

/**
 * Association rules X ⇒ y with a single-item consequent, support ≥ minSupport and confidence ≥
 * minConfidence — the rules `arules::apriori(…, parameter = list(supp, conf, minlen = 2, maxlen))`
 * returns — sorted by lift, then confidence, then support (all descending).
 *
 * Algorithm: mine the frequent itemsets (see {@link frequentItemsets}); every frequent itemset Z with
 * |Z| ≥ 2 yields the candidate rules Z∖{y} ⇒ y for each y ∈ Z, whose antecedent is frequent too
 * (downward closure), so confidence = count(Z) / count(Z∖{y}) is a look-up (Agrawal & Srikant 1994).
 * maxLength bounds |Z| (antecedent plus consequent), as arules' maxlen does.
 */
export function associationRules(
  baskets: readonly (readonly string[])[],
  options: AssociationRuleOptions
): AssociationRule[] {
  const maxLength = validate(options);
  const { minConfidence } = options;
  if (!(minConfidence >= 0 && minConfidence <= 1)) throw new RangeError('minConfidence must be in [0, 1]');
  const minLength = Math.max(2, options.minLength ?? 2);
  const { names, itemCount, sets, countByKey, nBaskets } = mine(baskets, options.minSupport, maxLength);

  const rules: AssociationRule[] = [];
  for (const { ids, count } of sets) {
    if (ids.length < minLength) continue;
    for (let c = 0; c < ids.length; c++) {
      const rest = ids.filter((_, k) => k !== c);
      const antecedentCount = countByKey.get(rest.join(',')) as number;
      const confidence = count / antecedentCount;
      if (confidence < minConfidence - 1e-12) continue;
      rules.push({
        antecedent: rest.map((r) => names[r]).sort(byCodeUnit),
        consequent: names[ids[c]],
        support: count / nBaskets,
        confidence,
        // count·N / (count(X)·count(y)) rather than confidence / support(y): the product is symmetric,
        // so the two directions of a pair get bit-identical lifts and then sort by confidence.
        lift: (count * nBaskets) / (antecedentCount * itemCount[ids[c]]),
        count
      });
    }
  }
  rules.sort(
    (a, b) =>
      b.lift - a.lift ||
      b.confidence - a.confidence ||
      b.support - a.support ||
      byCodeUnit(a.antecedent.join('\u0000'), b.antecedent.join('\u0000')) ||
      byCodeUnit(a.consequent, b.consequent)
  );
  return rules;
}

function accessor<T>(spec: (keyof T & string) | ((line: T) => unknown)): (line: T) => unknown {
  return typeof spec === 'function' ? spec : (line: T) => line[spec];
}

/**
 * Groups order lines into baskets (one per distinct basket key, in order of first appearance), each
 * holding its distinct items in order of first appearance. Lines whose key or item is missing or blank
 * are skipped; non-string values are converted with String().
 */
export function basketsFromOrderLines<T>(lines: Iterable<T>, options: BasketsFromOrderLinesOptions<T>): string[][] {
  const keyOf = accessor(options.basketKey);
  const itemOf = accessor(options.item);
  const baskets = new Map<string, Set<string>>();
  for (const line of lines) {
    if (options.include && !options.include(line)) continue;
    const k = keyOf(line);
    const v = itemOf(line);
    if (k === null || k === undefined || v === null || v === undefined) continue;
    const key = String(k);
    const item = String(v);
    if (key.trim() === '' || item.trim() === '') continue;
    let basket = baskets.get(key);
    if (!basket) {
      basket = new Set();
      baskets.set(key, basket);
    }
    basket.add(item);
  }
  return [...baskets.values()].map((b) => [...b]);
}
