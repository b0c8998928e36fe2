// The demo's randomness is reproducible and has the shapes the generator relies on.
import { describe, expect, test } from 'vitest';
import { AliasTable, mix, Rng, rngFor } from './random';

describe('Rng', () => {
  test('the same seed gives the same stream, another seed another one', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 50 }, () => a.u32());
    expect(Array.from({ length: 50 }, () => b.u32())).toEqual(sa);
    expect(Array.from({ length: 50 }, () => c.u32())).not.toEqual(sa);
  });

  test('per-record streams do not depend on the order they are made in', () => {
    const forward = [0, 1, 2, 3].map((i) => rngFor(7, 8, i).next());
    const backward = [3, 2, 1, 0].map((i) => rngFor(7, 8, i).next()).reverse();
    expect(backward).toEqual(forward);
    expect(mix(1, 2, 3)).not.toBe(mix(1, 3, 2));
  });

  test('uniform draws stay in range and fill it', () => {
    const r = new Rng(1);
    const counts = new Array(10).fill(0);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = r.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      counts[r.int(10)]++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const c of counts) expect(c).toBeGreaterThan(1_800);
    const seen = new Set(Array.from({ length: 1_000 }, () => r.range(3, 5)));
    expect([...seen].sort()).toEqual([3, 4, 5]);
  });

  test('normal, exponential and gamma draws have the expected means', () => {
    const r = new Rng(9);
    const n = 40_000;
    let normal = 0;
    let exp = 0;
    let gamma = 0;
    let small = 0;
    for (let i = 0; i < n; i++) {
      normal += r.normal(5, 2);
      exp += r.exponential(3);
      gamma += r.gamma(2.5, 2);
      small += r.gamma(0.5, 1);
    }
    expect(normal / n).toBeCloseTo(5, 1);
    expect(exp / n).toBeCloseTo(3, 0);
    expect(gamma / n).toBeCloseTo(5, 0);
    expect(small / n).toBeCloseTo(0.5, 1);
  });

  test('weighted picks follow the weights', () => {
    const r = new Rng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.weightedIndex([1, 2, 7])]++;
    expect(counts[2] / 30_000).toBeCloseTo(0.7, 1);
    expect(counts[0] / 30_000).toBeCloseTo(0.1, 1);
  });
});

describe('AliasTable', () => {
  test('draws indices in proportion to their weights and never a zero-weight one', () => {
    const table = new AliasTable([0, 1, 3, 0, 6]);
    const r = new Rng(5);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 50_000; i++) counts[table.draw(r)]++;
    expect(counts[0]).toBe(0);
    expect(counts[3]).toBe(0);
    expect(counts[1] / 50_000).toBeCloseTo(0.1, 1);
    expect(counts[4] / 50_000).toBeCloseTo(0.6, 1);
  });
});
