// Bench run bookends: start with no figures, and at the end print them all and write bench-results.json.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PARTIAL, ROOT, type BenchFigure } from './results';

export function setup(): () => void {
  rmSync(PARTIAL, { force: true });
  return () => {
    const figures: BenchFigure[] = existsSync(PARTIAL)
      ? readFileSync(PARTIAL, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as BenchFigure)
      : [];
    writeFileSync(join(ROOT, 'bench-results.json'), `${JSON.stringify(figures, null, 2)}\n`);
    rmSync(PARTIAL, { force: true });
    const width = Math.max(...figures.map((f) => f.name.length), 10);
    console.log('\nFieldbook benchmarks (also in bench-results.json)');
    for (const f of figures) {
      const status = f.met === null ? 'report' : f.met ? 'met' : 'MISSED';
      console.log(`  ${f.name.padEnd(width)}  ${String(f.value).padStart(10)} ${f.unit.padEnd(8)} target ${f.target.padEnd(16)} ${status}`);
    }
  };
}
