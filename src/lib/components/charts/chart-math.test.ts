import { describe, expect, it } from 'vitest';
import {
  bandPath,
  cursorStep,
  listCursor,
  barLayout,
  barSpan,
  contrastRatio,
  extentOf,
  formatCompact,
  heatColor,
  indexTicks,
  linear,
  linePath,
  nearestIndex,
  palette,
  plotSize,
  slotAt,
  tickCount,
  ticksOf
} from './chart-math';

describe('chart geometry', () => {
  it('fits scales to the data: extents ignore gaps, bars include zero, ticks land on the axis', () => {
    expect(extentOf([[3, null, 7], [5, NaN]])).toEqual([3, 7]);
    expect(extentOf([[3, 7]], [0])).toEqual([0, 7]);
    expect(extentOf([[]])).toEqual([0, 1]);
    expect(extentOf([[4, 4]])).toEqual([0, 4.4]);
    const y = linear([0, 97], [200, 0]);
    expect(y.domain()).toEqual([0, 100]);
    const ticks = ticksOf(y, 5, (v) => `${v}`);
    expect(ticks[0]).toEqual({ value: 0, position: 200, label: '0' });
    expect(ticks.at(-1)).toEqual({ value: 100, position: 0, label: '100' });
    expect(tickCount(700)).toBe(10);
    expect(tickCount(100)).toBe(2);
    expect(plotSize(100, 50, { top: 10, right: 10, bottom: 30, left: 95 })).toEqual({ width: 0, height: 10 });
  });

  it('labels an index axis sparsely but always shows both ends', () => {
    expect(indexTicks(5, 10)).toEqual([0, 1, 2, 3, 4]);
    const t = indexTicks(25, 6);
    expect(t[0]).toBe(0);
    expect(t.at(-1)).toBe(24);
    expect(t.length).toBeLessThanOrEqual(7);
    expect(indexTicks(0, 5)).toEqual([]);
  });

  it('draws lines that break at gaps and bands between lower and upper', () => {
    const id = (v: number) => v;
    expect(linePath([{ x: 0, y: 1 }, { x: 1, y: 2 }, { x: 2, y: null }, { x: 3, y: 4 }, { x: 4, y: 5 }], id, id)).toBe('M0,1L1,2M3,4L4,5');
    expect(bandPath([{ x: 0, lower: 1, upper: 3 }, { x: 1, lower: 2, upper: 4 }], id, id)).toBe('M0,3L1,4L1,2L0,1Z');
    expect(linePath([], id, id)).toBe('');
  });

  it('finds the point nearest the pointer', () => {
    expect(nearestIndex([0, 10, 20, 30], 14)).toBe(1);
    expect(nearestIndex([0, 10, 20, 30], 16)).toBe(2);
    expect(nearestIndex([0, 10, 20, 30], 99)).toBe(3);
    expect(nearestIndex([], 5)).toBe(-1);
  });

  it('lays out grouped bars inside their category band, and spans bars from zero either way', () => {
    const slots = barLayout(['a', 'b'], 2, 100);
    expect(slots.map((s) => s.category)).toEqual(['a', 'b']);
    for (const s of slots) {
      expect(s.bars).toHaveLength(2);
      expect(s.bars[0].y).toBeGreaterThanOrEqual(s.y);
      expect(s.bars[1].y + s.bars[1].height).toBeLessThanOrEqual(s.y + s.height + 1e-9);
    }
    expect(slots[1].y).toBeGreaterThan(slots[0].y + slots[0].height);
    const x = linear([-10, 10], [0, 200], false);
    expect(barSpan(5, x)).toEqual({ x: 100, width: 50 });
    expect(barSpan(-5, x)).toEqual({ x: 50, width: 50 });
  });

  it('finds the bar row under the pointer, a little beyond its band too, and none in the gap between far rows', () => {
    const slots = barLayout(['a', 'b', 'c'], 1, 300, 0.5);
    const [a, b] = slots;
    expect(slotAt(slots, a.y + a.height / 2)).toBe(0);
    expect(slotAt(slots, b.y - 3)).toBe(1);
    expect(slotAt(slots, a.y + a.height + 5)).toBe(-1);
    expect(slotAt(slots, -20)).toBe(-1);
    expect(slotAt(slots, 299)).toBe(-1);
    expect(slotAt([], 10)).toBe(-1);
  });

  it('keeps text on heat-map cells at 4.5:1 or more, and chart colours at 3:1 against white', () => {
    for (let t = 0; t <= 1.0001; t += 0.02) {
      const { background, text } = heatColor(t);
      expect(contrastRatio(background, text)).toBeGreaterThanOrEqual(4.5);
    }
    expect(heatColor(0).text).toBe('#000000');
    expect(heatColor(1).text).toBe('#ffffff');
    expect(heatColor(null).background).toBe('#ffffff');
    for (const c of palette) expect(contrastRatio(c, '#ffffff')).toBeGreaterThanOrEqual(3);
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 6);
  });

  it('writes short axis numbers', () => {
    expect(formatCompact(950)).toBe('950');
    expect(formatCompact(12_345)).toBe('12.3K');
    expect(formatCompact(4_200_000)).toBe('4.2M');
  });
});

describe('cursorStep', () => {
  it('moves a list cursor on and back, stops at the ends, jumps with Home and End, hides with Escape', () => {
    expect(cursorStep('ArrowDown', null, 3, listCursor)).toBe(0);
    expect(cursorStep('ArrowRight', 1, 3, listCursor)).toBe(2);
    expect(cursorStep('ArrowDown', 2, 3, listCursor)).toBe(2);
    expect(cursorStep('ArrowUp', 0, 3, listCursor)).toBe(0);
    expect(cursorStep('ArrowLeft', 2, 3, listCursor)).toBe(1);
    expect(cursorStep('Home', 2, 3, listCursor)).toBe(0);
    expect(cursorStep('End', null, 3, listCursor)).toBe(2);
    expect(cursorStep('Escape', 1, 3, listCursor)).toBeNull();
  });

  it('leaves other keys and empty charts alone, and honours a step and a start from the end', () => {
    expect(cursorStep('Tab', 1, 3, listCursor)).toBeUndefined();
    expect(cursorStep('ArrowDown', null, 0, listCursor)).toBeUndefined();
    const series = { forward: ['ArrowRight'], back: ['ArrowLeft'], step: 10, backFromEnd: true };
    expect(cursorStep('ArrowLeft', null, 30, series)).toBe(29);
    expect(cursorStep('ArrowRight', 5, 30, series)).toBe(15);
    expect(cursorStep('ArrowLeft', 5, 30, series)).toBe(0);
  });
});
