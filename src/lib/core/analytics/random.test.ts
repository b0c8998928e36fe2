// Tests the seeded generators: fixed sequences, ranges and rough distribution checks.
import { describe, it, expect } from 'vitest';
import { mulberry32, randomInt, randomNormal, shuffleInPlace } from './random';

describe('mulberry32', () => {
  it('produces the reference sequence', () => {
    // Cross-checked with an independent Python port of Tommy Ettinger's C original (32-bit masks).
    const a = mulberry32(1);
    expect([a(), a(), a()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
    const b = mulberry32(42);
    expect([b(), b(), b()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('stays in [0, 1) with mean about 1/2', () => {
    const random = mulberry32(123);
    let sum = 0;
    let inRange = true;
    for (let i = 0; i < 100_000; i++) {
      const u = random();
      inRange &&= u >= 0 && u < 1;
      sum += u;
    }
    expect(inRange).toBe(true);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });
});

describe('helpers', () => {
  it('randomInt covers [0, n)', () => {
    const random = mulberry32(5);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(randomInt(random, 6));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('randomNormal has mean 0 and variance 1', () => {
    const random = mulberry32(8);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = randomNormal(random);
      s += z;
      s2 += z * z;
    }
    expect(s / n).toBeCloseTo(0, 1);
    expect(s2 / n).toBeCloseTo(1, 1);
  });

  it('shuffleInPlace permutes', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const shuffled = shuffleInPlace([...items], mulberry32(3));
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });
});
