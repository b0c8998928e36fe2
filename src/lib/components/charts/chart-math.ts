// Pure chart geometry for the D3-backed charts: scales, ticks, paths, bar and cell layouts, colours that keep text legible.
import { area, bisector, line, scaleBand, scaleLinear, type ScaleLinear } from 'd3';

export type Margin = { top: number; right: number; bottom: number; left: number };
export type Tick = { value: number; position: number; label: string };

/** Lines and bars: 3:1 or more against white (WCAG 1.4.11 non-text contrast), told apart by more than hue too (dash, order). */
export const palette = ['#1f4e79', '#c2410c', '#2f7d32', '#7c3aed', '#9a3412', '#0f766e'] as const;

/** Size of the plot area inside the margins; never negative (a chart in a collapsed container). */
export function plotSize(width: number, height: number, margin: Margin): { width: number; height: number } {
  return { width: Math.max(0, width - margin.left - margin.right), height: Math.max(0, height - margin.top - margin.bottom) };
}

/** The extent of every finite value in the lists, widened to include `include` (e.g. 0 for bars); [0, 1] when empty. */
export function extentOf(lists: readonly (readonly (number | null | undefined)[])[], include: readonly number[] = []): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const list of lists) {
    for (const v of list) {
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  for (const v of include) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return lo === 0 ? [0, 1] : lo > 0 ? [0, lo * 1.1] : [lo * 1.1, 0];
  return [lo, hi];
}

/** A linear scale from a domain to pixels, rounded outwards to nice tick values unless told not to. */
export function linear(domain: [number, number], range: [number, number], isNice = true): ScaleLinear<number, number> {
  const s = scaleLinear().domain(domain).range(range);
  return isNice ? s.nice() : s;
}

/** Tick values of a scale with their pixel positions and labels. */
export function ticksOf(scale: ScaleLinear<number, number>, count: number, format: (v: number) => string): Tick[] {
  return scale.ticks(Math.max(2, count)).map((value) => ({ value, position: scale(value), label: format(value) }));
}

/** Roughly one tick per `pixels` of axis length, between 2 and 10. */
export const tickCount = (length: number, pixels = 70): number => Math.max(2, Math.min(10, Math.floor(length / pixels)));

/** Integer ticks for an index axis (months, k): at most `max` labels, evenly spaced, always the first and the last. */
export function indexTicks(n: number, max: number): number[] {
  if (n <= 0) return [];
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const step = Math.ceil((n - 1) / (max - 1));
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(i);
  if (out[out.length - 1] !== n - 1) {
    // Keep the last label and drop the one before if they would crowd each other.
    if (n - 1 - out[out.length - 1] < step / 2) out.pop();
    out.push(n - 1);
  }
  return out;
}

export type XY = { x: number; y: number | null };

/** SVG path of a line through the points, broken where y is missing. */
export function linePath(points: readonly XY[], x: (v: number) => number, y: (v: number) => number): string {
  const gen = line<XY>()
    .defined((p) => p.y !== null && Number.isFinite(p.y))
    .x((p) => x(p.x))
    .y((p) => y(p.y as number));
  return gen(points as XY[]) ?? '';
}

export type Band = { x: number; lower: number | null; upper: number | null };

/** SVG path of the area between lower and upper (an uncertainty band), broken where either is missing. */
export function bandPath(points: readonly Band[], x: (v: number) => number, y: (v: number) => number): string {
  const gen = area<Band>()
    .defined((p) => p.lower !== null && p.upper !== null && Number.isFinite(p.lower) && Number.isFinite(p.upper))
    .x((p) => x(p.x))
    .y0((p) => y(p.lower as number))
    .y1((p) => y(p.upper as number));
  return gen(points as Band[]) ?? '';
}

/** Index of the x value nearest to `value` in an ascending list (the point a pointer is over). */
export function nearestIndex(xs: readonly number[], value: number): number {
  if (xs.length === 0) return -1;
  const i = bisector((d: number) => d).center(xs as number[], value);
  return Math.max(0, Math.min(xs.length - 1, i));
}

export type BarSlot = { category: string; y: number; height: number; bars: { series: number; y: number; height: number }[] };

/**
 * Horizontal grouped bars: one band per category, split evenly among the series. Returns pixel positions of each
 * category band and each bar in it.
 */
export function barLayout(categories: readonly string[], seriesCount: number, height: number, padding = 0.25): BarSlot[] {
  const outer = scaleBand<string>().domain(categories as string[]).range([0, height]).paddingInner(padding).paddingOuter(padding / 2);
  const inner = scaleBand<number>()
    .domain(Array.from({ length: seriesCount }, (_, i) => i))
    .range([0, outer.bandwidth()])
    .paddingInner(seriesCount > 1 ? 0.1 : 0);
  return categories.map((category) => {
    const y = outer(category) ?? 0;
    return { category, y, height: outer.bandwidth(), bars: Array.from({ length: seriesCount }, (_, s) => ({ series: s, y: y + (inner(s) ?? 0), height: inner.bandwidth() })) };
  });
}

/** Index of the row whose band (with `slack` px above and below) holds `y`, the pointer's offset into the plot; -1 for none. */
export function slotAt(slots: readonly BarSlot[], y: number, slack = 4): number {
  return slots.findIndex((s) => y >= s.y - slack && y <= s.y + s.height + slack);
}

/** x and width of a bar from 0 to `value` on a scale whose domain may include negatives. */
export function barSpan(value: number, scale: (v: number) => number): { x: number; width: number } {
  const a = scale(0);
  const b = scale(value);
  return { x: Math.min(a, b), width: Math.abs(b - a) };
}

// -- colour -----------------------------------------------------------------------------------------------------------

const channel = (c: number): number => {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};

/** WCAG 2.x relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** WCAG 2.x contrast ratio of two #rrggbb colours (1–21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const HEAT_LOW = [0xf4, 0xf6, 0xf9];
const HEAT_HIGH = [0x1f, 0x4e, 0x79];
const hex = (rgb: number[]): string => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

/**
 * Shade of a heat-map cell for t in [0, 1] (light to the app's primary blue) and the text colour, black or white,
 * that contrasts most with it — every colour reaches 4.5:1 against one of the two, so the value stays readable.
 */
export function heatColor(t: number | null): { background: string; text: string } {
  if (t === null || !Number.isFinite(t)) return { background: '#ffffff', text: '#000000' };
  const u = Math.min(1, Math.max(0, t));
  const background = hex(HEAT_LOW.map((lo, i) => lo + (HEAT_HIGH[i] - lo) * u));
  const text = contrastRatio(background, '#000000') >= contrastRatio(background, '#ffffff') ? '#000000' : '#ffffff';
  return { background, text };
}

// -- numbers ----------------------------------------------------------------------------------------------------------

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/** Short axis labels: 1.2K, 3.4M. */
export const formatCompact = (v: number): string => (Math.abs(v) < 1000 ? String(Math.round(v * 100) / 100) : compact.format(v));

export const formatPercent = (v: number, digits = 0): string => `${(v * 100).toFixed(digits)}%`;

/** Keys that move a chart's keyboard cursor one item on or back (the rest are Home, End and Escape). */
export type CursorKeys = { forward: readonly string[]; back: readonly string[]; step?: number; backFromEnd?: boolean };
/** Bars and funnel stages run top to bottom: down and right go on. */
export const listCursor: CursorKeys = { forward: ['ArrowDown', 'ArrowRight'], back: ['ArrowUp', 'ArrowLeft'] };

/**
 * The item a key moves a chart's keyboard cursor to among `count` items: `null` (Escape) hides it, `undefined` means
 * the key is not the chart's to handle. One rule for every chart, so each moves the same way under the keyboard.
 */
export function cursorStep(key: string, active: number | null, count: number, keys: CursorKeys): number | null | undefined {
  if (count === 0) return undefined;
  const last = count - 1;
  const step = keys.step ?? 1;
  if (keys.forward.includes(key)) return active === null ? 0 : Math.min(last, active + step);
  if (keys.back.includes(key)) return active === null ? (keys.backFromEnd ? last : 0) : Math.max(0, active - step);
  if (key === 'Home') return 0;
  if (key === 'End') return last;
  if (key === 'Escape') return null;
  return undefined;
}
