// OLAP-style pivot of fact rows: slice by filters, group by row and column dimensions, aggregate one measure, drill down.

/** Calendar grains of a time dimension, coarse to fine. */
export const timeGrains = ['year', 'quarter', 'month', 'day'] as const;
export type TimeGrain = (typeof timeGrains)[number];

/**
 * What a row or column is grouped by: a plain field (a string is shorthand for `{ kind: 'field', field }`), or a
 * time field (an ISO date or instant, a Date, or epoch ms) cut at a calendar grain (UTC).
 */
export type Dimension =
  | string
  | { kind: 'field'; field: string; label?: string }
  | { kind: 'time'; field: string; grain: TimeGrain; label?: string };

export type Aggregation = 'sum' | 'avg' | 'count' | 'min' | 'max';

/** The number each cell shows. `count` counts facts and ignores `field`. */
export type Measure = { field?: string; agg: Aggregation; label?: string };

export type PivotSpec = {
  rows: readonly Dimension[];
  columns: readonly Dimension[];
  measure: Measure;
  /** A slice: only facts whose value of each named dimension ({@link dimensionId}) is one of the listed keys. */
  filters?: Readonly<Record<string, readonly (string | number)[]>>;
  /** Row order: by key (default; calendar order for time) or by row total. */
  rowOrder?: 'key' | 'total-desc' | 'total-asc';
  colOrder?: 'key' | 'total-desc' | 'total-asc';
};

export type PivotResult = {
  /** Labels of the row and column dimensions, e.g. ['orderedAt by month'] or ['category']. */
  rowLabels: string[];
  colLabels: string[];
  measureLabel: string;
  /** One key tuple per row (one string per row dimension); [[]] when there are no row dimensions. */
  rowKeys: string[][];
  colKeys: string[][];
  /** cells[r][c]; null where no fact fell (or, for sum/avg/min/max, none had a number). */
  cells: (number | null)[][];
  /** The measure over all facts of a row / column / the slice — for avg, min and max not derived from the cells. */
  rowTotals: (number | null)[];
  colTotals: (number | null)[];
  grandTotal: number | null;
  /** Facts in the slice (after filters). */
  factCount: number;
};

type Accessor = (fact: Record<string, unknown>) => string;
type NormalDimension = { kind: 'field'; field: string; label?: string } | { kind: 'time'; field: string; grain: TimeGrain; label?: string };

const normal = (d: Dimension): NormalDimension => (typeof d === 'string' ? { kind: 'field', field: d } : d);

/** The name a dimension goes by in `filters`: the field for a plain field, 'field:grain' for time (e.g. 'orderedAt:month'). */
export function dimensionId(d: Dimension): string {
  const n = normal(d);
  return n.kind === 'time' ? `${n.field}:${n.grain}` : n.field;
}

/** The dimension a {@link dimensionId} names. */
export function parseDimensionId(id: string): Dimension {
  const i = id.lastIndexOf(':');
  const grain = i > 0 ? id.slice(i + 1) : '';
  return (timeGrains as readonly string[]).includes(grain) ? { kind: 'time', field: id.slice(0, i), grain: grain as TimeGrain } : { kind: 'field', field: id };
}

/** Human label of a dimension. */
export function dimensionLabel(d: Dimension): string {
  const n = normal(d);
  return n.label ?? (n.kind === 'time' ? `${n.field} by ${n.grain}` : n.field);
}

const QUARTERS = ['Q1', 'Q1', 'Q1', 'Q2', 'Q2', 'Q2', 'Q3', 'Q3', 'Q3', 'Q4', 'Q4', 'Q4'];

/** A calendar key of a time value: 'YYYY', 'YYYY-Qn', 'YYYY-MM' or 'YYYY-MM-DD'; '' when it is not a date. */
export function timeKey(value: unknown, grain: TimeGrain): string {
  let s: string;
  if (typeof value === 'string') s = value;
  else if (value instanceof Date) s = Number.isNaN(value.getTime()) ? '' : value.toISOString();
  else if (typeof value === 'number' && Number.isFinite(value)) s = new Date(value).toISOString();
  else return '';
  // ISO strings are cut, never parsed: a slice per fact is what keeps a 200k-line pivot fast.
  if (s.length < 4 || (s.length > 4 && s.charCodeAt(4) !== 45)) return '';
  switch (grain) {
    case 'year':
      return s.slice(0, 4);
    case 'month':
      return s.length >= 7 ? s.slice(0, 7) : '';
    case 'day':
      return s.length >= 10 ? s.slice(0, 10) : '';
    case 'quarter': {
      const q = QUARTERS[(s.charCodeAt(5) - 48) * 10 + (s.charCodeAt(6) - 48) - 1];
      return q ? `${s.slice(0, 4)}-${q}` : '';
    }
  }
}

function accessorOf(d: Dimension): Accessor {
  const n = normal(d);
  const field = n.field;
  if (n.kind === 'time') {
    const grain = n.grain;
    if (grain === 'quarter') {
      // Quarter keys repeat for every fact of a month: remember them per month instead of building a string each time.
      const cache = new Map<string, string>();
      return (f) => {
        const v = f[field];
        const month = typeof v === 'string' && v.length >= 7 ? v.slice(0, 7) : timeKey(v, 'month');
        let q = cache.get(month);
        if (q === undefined) cache.set(month, (q = timeKey(month, 'quarter')));
        return q;
      };
    }
    return (f) => timeKey(f[field], grain);
  }
  return (f) => {
    const v = f[field];
    return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
  };
}

const SEP = '\u001f';

function keyOf(accessors: readonly Accessor[]): Accessor {
  if (accessors.length === 0) return () => '';
  if (accessors.length === 1) return accessors[0];
  if (accessors.length === 2) {
    const [a, b] = accessors;
    return (f) => a(f) + SEP + b(f);
  }
  if (accessors.length === 3) {
    const [a, b, c] = accessors;
    return (f) => a(f) + SEP + b(f) + SEP + c(f);
  }
  return (f) => accessors.map((a) => a(f)).join(SEP);
}

/** Accumulates one aggregation; slots grow as keys appear. */
class Acc {
  sum: number[] = [];
  n: number[] = [];
  ext: number[] = [];
  constructor(readonly agg: Aggregation) {}
  add(slot: number, v: number): void {
    if (slot === this.n.length) {
      this.sum.push(0);
      this.n.push(0);
      this.ext.push(this.agg === 'min' ? Infinity : -Infinity);
    }
    this.n[slot]++;
    if (this.agg === 'sum' || this.agg === 'avg') this.sum[slot] += v;
    else if (this.agg === 'min') {
      if (v < this.ext[slot]) this.ext[slot] = v;
    } else if (this.agg === 'max' && v > this.ext[slot]) this.ext[slot] = v;
  }
  /** Makes sure a slot exists without adding to it (a key seen only with non-numeric measures). */
  touch(slot: number): void {
    while (this.n.length <= slot) {
      this.sum.push(0);
      this.n.push(0);
      this.ext.push(this.agg === 'min' ? Infinity : -Infinity);
    }
  }
  value(slot: number): number | null {
    const n = this.n[slot] ?? 0;
    if (n === 0) return null;
    switch (this.agg) {
      case 'count':
        return n;
      case 'sum':
        return this.sum[slot];
      case 'avg':
        return this.sum[slot] / n;
      default:
        return this.ext[slot];
    }
  }
}

const collator = new Intl.Collator('en', { numeric: true });

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    // Blank keys ("no category") go last, not first.
    if (a[i] === '') return 1;
    if (b[i] === '') return -1;
    return collator.compare(a[i], b[i]);
  }
  return 0;
}

function order(keys: string[][], totals: (number | null)[], how: PivotSpec['rowOrder']): number[] {
  const idx = keys.map((_, i) => i);
  if (how === 'total-desc' || how === 'total-asc') {
    const sign = how === 'total-desc' ? -1 : 1;
    idx.sort((i, j) => {
      const a = totals[i] ?? -Infinity;
      const b = totals[j] ?? -Infinity;
      return a === b ? compareKeys(keys[i], keys[j]) : sign * (a < b ? -1 : 1);
    });
  } else idx.sort((i, j) => compareKeys(keys[i], keys[j]));
  return idx;
}

/**
 * Pivots facts: keeps the facts in the slice (`filters`), groups them by the row and the column dimensions, and
 * aggregates the measure per cell, row, column and overall. One pass over the facts with Map lookups on the joined
 * key strings; cells live in flat arrays addressed by a numeric (row, column) key, so the only per-fact allocations
 * are the key strings themselves. Facts whose measure is not a finite number add nothing to sum/avg/min/max (their
 * keys still appear). Rows and columns are sorted by key (numeric-aware, blanks last) unless asked otherwise.
 */
export function pivot<F extends object>(facts: Iterable<F>, spec: PivotSpec): PivotResult {
  const rowKeyOf = keyOf(spec.rows.map(accessorOf));
  const colKeyOf = keyOf(spec.columns.map(accessorOf));
  const filters = Object.entries(spec.filters ?? {}).map(([id, values]) => ({
    key: accessorOf(parseDimensionId(id)),
    values: new Set(values.map(String))
  }));
  const agg = spec.measure.agg;
  const field = spec.measure.field;
  if (agg !== 'count' && !field) throw new RangeError(`the ${agg} of what? measure.field is required`);

  const rowIndex = new Map<string, number>();
  const colIndex = new Map<string, number>();
  const cellIndex = new Map<number, number>();
  const cellRow: number[] = [];
  const cellCol: number[] = [];
  const cells = new Acc(agg);
  const rows = new Acc(agg);
  const cols = new Acc(agg);
  const grand = new Acc(agg);
  const COLS = 2 ** 21;
  let factCount = 0;

  for (const fact of facts as Iterable<Record<string, unknown>>) {
    let inSlice = true;
    for (const f of filters) {
      if (!f.values.has(f.key(fact))) {
        inSlice = false;
        break;
      }
    }
    if (!inSlice) continue;
    factCount++;
    const rk = rowKeyOf(fact);
    const ck = colKeyOf(fact);
    let r = rowIndex.get(rk);
    if (r === undefined) rowIndex.set(rk, (r = rowIndex.size));
    let c = colIndex.get(ck);
    if (c === undefined) {
      c = colIndex.size;
      if (c >= COLS) throw new RangeError('more than 2,097,152 columns: pivot on a coarser dimension');
      colIndex.set(ck, c);
    }
    const cellKey = r * COLS + c;
    let slot = cellIndex.get(cellKey);
    if (slot === undefined) {
      cellIndex.set(cellKey, (slot = cellIndex.size));
      cellRow.push(r);
      cellCol.push(c);
      cells.touch(slot);
    }
    rows.touch(r);
    cols.touch(c);
    grand.touch(0);
    let v = 0;
    if (agg !== 'count') {
      const raw = fact[field as string];
      v = typeof raw === 'number' ? raw : Number(raw);
      if (!Number.isFinite(v)) continue;
    }
    cells.add(slot, v);
    rows.add(r, v);
    cols.add(c, v);
    grand.add(0, v);
  }

  const split = (index: Map<string, number>, dims: number): string[][] => {
    const out: string[][] = new Array(index.size);
    for (const [k, i] of index) out[i] = dims === 0 ? [] : dims === 1 ? [k] : k.split(SEP);
    return out;
  };
  const rawRowKeys = split(rowIndex, spec.rows.length);
  const rawColKeys = split(colIndex, spec.columns.length);
  const rawRowTotals = rawRowKeys.map((_, i) => rows.value(i));
  const rawColTotals = rawColKeys.map((_, i) => cols.value(i));
  const rowOrder = order(rawRowKeys, rawRowTotals, spec.rowOrder);
  const colOrder = order(rawColKeys, rawColTotals, spec.colOrder);
  const rowPos = new Int32Array(rowOrder.length);
  rowOrder.forEach((raw, pos) => (rowPos[raw] = pos));
  const colPos = new Int32Array(colOrder.length);
  colOrder.forEach((raw, pos) => (colPos[raw] = pos));

  const matrix: (number | null)[][] = rowOrder.map(() => new Array<number | null>(colOrder.length).fill(null));
  for (let s = 0; s < cellRow.length; s++) matrix[rowPos[cellRow[s]]][colPos[cellCol[s]]] = cells.value(s);

  return {
    rowLabels: spec.rows.map(dimensionLabel),
    colLabels: spec.columns.map(dimensionLabel),
    measureLabel: spec.measure.label ?? (agg === 'count' ? 'count' : `${agg} of ${field}`),
    rowKeys: rowOrder.map((i) => rawRowKeys[i]),
    colKeys: colOrder.map((i) => rawColKeys[i]),
    cells: matrix,
    rowTotals: rowOrder.map((i) => rawRowTotals[i]),
    colTotals: colOrder.map((i) => rawColTotals[i]),
    grandTotal: factCount > 0 ? grand.value(0) : null,
    factCount
  };
}

const FINER: Record<TimeGrain, TimeGrain | null> = { year: 'quarter', quarter: 'month', month: 'day', day: null };

/**
 * The spec one level down from a row: the row's values become filters (the slice narrows to that row), and the rows
 * are cut finer — the last time dimension one grain finer (year → quarter → month → day), or else `next` appended.
 * Throws when there is nothing finer and no `next`.
 */
export function drillDown(spec: PivotSpec, rowKey: readonly string[], next?: Dimension): PivotSpec {
  if (rowKey.length !== spec.rows.length) throw new RangeError(`row key has ${rowKey.length} parts, the rows have ${spec.rows.length} dimensions`);
  const filters: Record<string, readonly (string | number)[]> = { ...(spec.filters ?? {}) };
  spec.rows.forEach((d, i) => {
    filters[dimensionId(d)] = [rowKey[i]];
  });
  const rows = spec.rows.map(normal);
  let lastTime = -1;
  rows.forEach((d, i) => {
    if (d.kind === 'time') lastTime = i;
  });
  const last = lastTime >= 0 ? rows[lastTime] : undefined;
  const finer = last && last.kind === 'time' ? FINER[last.grain] : null;
  let nextRows: Dimension[];
  if (last && last.kind === 'time' && finer && !next) {
    nextRows = [...rows];
    nextRows[lastTime] = { kind: 'time', field: last.field, grain: finer };
  } else if (next) nextRows = [...rows, next];
  else throw new RangeError('nothing to drill into: the rows have no finer time grain; name the next dimension');
  return { ...spec, rows: nextRows, filters };
}

export type CsvOptions = {
  /** How numbers are written (default: as JavaScript prints them; avg cells may have many decimals). */
  format?: (value: number) => string;
  /** Text for a blank key (default '(blank)'). */
  blankLabel?: string;
};

/**
 * A text cell a spreadsheet would run as a formula (OWASP "CSV Injection": leading = + - @ tab CR) gets a leading
 * apostrophe; every text cell is quoted per RFC 4180. Numbers are written bare so they stay numbers.
 */
function textCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * The pivot as CSV (RFC 4180, CRLF line ends): a header of the row dimension labels then one column per column key
 * (parts joined by ' / ') and 'Total'; one line per row with its total; a closing 'Total' line. Safe to open in a
 * spreadsheet: labels that look like formulas are neutralised.
 */
export function pivotToCsv(result: PivotResult, options: CsvOptions = {}): string {
  const format = options.format ?? ((v: number) => String(v));
  const blank = options.blankLabel ?? '(blank)';
  const num = (v: number | null): string => (v === null || !Number.isFinite(v) ? '' : format(v));
  const label = (k: string): string => textCell(k === '' ? blank : k);
  const hasCols = result.colLabels.length > 0;
  const rowHead = result.rowLabels.length > 0 ? result.rowLabels : [''];
  const header = [
    ...rowHead.map(textCell),
    ...(hasCols ? result.colKeys.map((k) => textCell(k.map((p) => (p === '' ? blank : p)).join(' / '))) : []),
    textCell(hasCols ? 'Total' : result.measureLabel)
  ];
  const lines = [header.join(',')];
  result.rowKeys.forEach((key, r) => {
    const head = result.rowLabels.length > 0 ? key.map(label) : [textCell('Total')];
    lines.push([...head, ...(hasCols ? result.cells[r].map(num) : []), num(result.rowTotals[r])].join(','));
  });
  if (result.rowLabels.length > 0) {
    const pad = rowHead.map((_, i) => (i === 0 ? textCell('Total') : '""'));
    lines.push([...pad, ...(hasCols ? result.colTotals.map(num) : []), num(result.grandTotal)].join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

export type HeatScale = { min: number; max: number };

/** Smallest and largest finite cell, for shading a heat map; { min: 0, max: 0 } when there is none. */
export function heatScale(cells: readonly (readonly (number | null)[])[]): HeatScale {
  let min = Infinity;
  let max = -Infinity;
  for (const row of cells) {
    for (const v of row) {
      if (v === null || !Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min === Infinity ? { min: 0, max: 0 } : { min, max };
}

/** Where a value sits on a heat scale, 0–1 (0.5 when the scale is flat); null for an empty cell. */
export function heatShade(value: number | null, scale: HeatScale): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  if (scale.max === scale.min) return 0.5;
  return Math.min(1, Math.max(0, (value - scale.min) / (scale.max - scale.min)));
}
