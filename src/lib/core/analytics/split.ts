// Deterministic, seeded train/test split of a data set for model validation.

/** Options of {@link trainTestSplit}. */
export type TrainTestSplitOptions = {
  /** Share of rows put in the test set, in [0, 1]; the test set has round(n × testFraction) rows. */
  testFraction: number;
  /** Seed of the pseudo-random generator: the same seed and input always give the same split. */
  seed: number;
};

/** The two parts of a split, each in the input's original order. */
export type TrainTestSplit<T> = { train: T[]; test: T[] };

/**
 * Mulberry32 (Tommy Ettinger, 2017): a 32-bit-state generator, statistically good enough for sampling
 * and tiny. Kept private here so this module does not depend on a sibling's RNG.
 */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Splits rows at random into a training and a test set.
 *
 * Algorithm: a Fisher–Yates shuffle (Knuth, TAOCP vol. 2, Algorithm 3.4.2 P) of the row indices driven
 * by a seeded Mulberry32 generator; the first round(n × testFraction) shuffled indices form the test
 * set. Both parts keep the input order, so a split is reproducible and easy to diff.
 */
export function trainTestSplit<T>(rows: readonly T[], options: TrainTestSplitOptions): TrainTestSplit<T> {
  const { testFraction, seed } = options;
  if (!(testFraction >= 0 && testFraction <= 1)) throw new RangeError('testFraction must be in [0, 1]');
  if (!Number.isFinite(seed)) throw new RangeError('seed must be a finite number');
  const n = rows.length;
  const random = mulberry32(seed);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const nTest = Math.round(n * testFraction);
  const inTest = new Uint8Array(n);
  for (let k = 0; k < nTest; k++) inTest[order[k]] = 1;
  const train: T[] = [];
  const test: T[] = [];
  for (let i = 0; i < n; i++) (inTest[i] ? test : train).push(rows[i]);
  return { train, test };
}
