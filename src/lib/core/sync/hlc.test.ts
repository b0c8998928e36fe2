// Hybrid logical clock: monotonic under clock skew, ordered as text, immune to absurd remote stamps.
import { describe, expect, it } from 'vitest';
import { Hlc, formatStamp, parseStamp, stampTime } from './hlc';

describe('Hlc', () => {
  it('issues strictly increasing stamps even when the wall clock stands still or goes back', () => {
    let now = 1_000;
    const h = new Hlc(7, () => now);
    const a = h.tick();
    const b = h.tick();
    now = 500;
    const c = h.tick();
    expect(a < b && b < c).toBe(true);
    expect(stampTime(c)).toBe(1_000);
  });

  it('orders its next stamp after one observed from a device whose clock runs ahead', () => {
    const h = new Hlc(1, () => 1_000);
    h.observe(formatStamp(5_000, 3, 2));
    const next = h.tick();
    expect(next > formatStamp(5_000, 3, 2)).toBe(true);
  });

  it('ignores a stamp more than a day in the future (broken clock or hostile peer)', () => {
    const h = new Hlc(1, () => 1_000);
    h.observe(formatStamp(1_000 + 2 * 86_400_000, 0, 2));
    expect(stampTime(h.tick())).toBe(1_000);
  });

  it('round-trips and compares as text in numeric order', () => {
    const s = formatStamp(Date.UTC(2026, 10, 23), 42, 0xffffffff);
    expect(parseStamp(s)).toEqual({ wall: Date.UTC(2026, 10, 23), counter: 42, client: 0xffffffff });
    expect(formatStamp(9, 0, 1) < formatStamp(10, 0, 1)).toBe(true);
    expect(parseStamp('garbage')).toBeNull();
  });
});
