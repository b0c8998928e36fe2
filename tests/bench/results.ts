// Bench result recording: each figure is appended to a scratch file; the global teardown writes bench-results.json.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PARTIAL = join(ROOT, '.bench-partial.jsonl');

export type Direction = 'max' | 'min' | 'report';
export type BenchFigure = { name: string; value: number; unit: string; target: string; met: boolean | null; note?: string };

/**
 * Records one figure. `target` is a number with a direction ("≤ 500" when lower is better, "≥ 5000" when higher is
 * better) or null for figures the issue asks to report without a target.
 */
export function record(name: string, value: number, unit: string, target: { max?: number; min?: number } | null, note?: string): BenchFigure {
  const rounded = Math.round(value * 100) / 100;
  let figure: BenchFigure;
  if (target?.max !== undefined) figure = { name, value: rounded, unit, target: `≤ ${target.max} ${unit}`, met: value <= target.max };
  else if (target?.min !== undefined) figure = { name, value: rounded, unit, target: `≥ ${target.min} ${unit}`, met: value >= target.min };
  else figure = { name, value: rounded, unit, target: 'report', met: null };
  if (note) figure.note = note;
  appendFileSync(PARTIAL, `${JSON.stringify(figure)}\n`);
  const mark = figure.met === null ? '  ' : figure.met ? 'ok' : '!!';
  console.log(`[bench] ${mark} ${name}: ${figure.value} ${unit} (target ${figure.target})${note ? ` — ${note}` : ''}`);
  return figure;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** Runs fn `runs` times after `warmup` untimed runs and returns the timings in ms. */
export async function timeRuns(fn: () => unknown | Promise<unknown>, runs = 5, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}
