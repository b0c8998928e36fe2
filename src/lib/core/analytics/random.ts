// Small seeded pseudo-random generators so analytics results are reproducible run to run.

/** A generator of uniform numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * mulberry32: a 32-bit state PRNG by Tommy Ettinger (public domain, 2017). Period 2³², passes
 * gjrand/PractRand at the sizes analytics needs; chosen because it is tiny and identical in every
 * JavaScript engine, so a seed reproduces the same clustering everywhere.
 */
export function mulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, n) drawn from `random`. */
export function randomInt(random: RandomSource, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

/**
 * Standard normal deviate by the Box–Muller transform (Box & Muller 1958, Ann. Math. Stat. 29(2)).
 * Uses 1 − u so the logarithm never sees 0.
 */
export function randomNormal(random: RandomSource): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** In-place Fisher–Yates shuffle (Knuth, TAOCP vol. 2, Algorithm P); returns the same array. */
export function shuffleInPlace<T>(items: T[], random: RandomSource): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}
