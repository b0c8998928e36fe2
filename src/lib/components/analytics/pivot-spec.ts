// The pivot screen's spec moves: drill into a row, slice by a value, describe the slice — pure, so they are tested in Node.
import type { PivotDimension, PivotRequest } from '$lib/core/analytics/views';

const FINER: Partial<Record<PivotDimension, PivotDimension>> = { year: 'quarter', quarter: 'month', month: 'day' };
const TIME: readonly PivotDimension[] = ['year', 'quarter', 'month', 'day'];
/** What a drill from a non-time row goes into, in order of preference. */
const NEXT: readonly PivotDimension[] = ['category', 'channel', 'region', 'segment', 'owner', 'year'];

export const dimensionLabels: Record<PivotDimension, string> = {
  year: 'Year',
  quarter: 'Quarter',
  month: 'Month',
  day: 'Day',
  region: 'Region',
  segment: 'Segment',
  category: 'Product category',
  owner: 'Owner',
  channel: 'Channel'
};

export const defaultPivot: PivotRequest = { rows: ['year'], columns: ['region'], measure: 'revenue', agg: 'sum', filters: {} };

const used = (spec: PivotRequest): Set<PivotDimension> =>
  new Set<PivotDimension>([...spec.rows, ...spec.columns, ...(Object.keys(spec.filters) as PivotDimension[]).filter((d) => (spec.filters[d] ?? []).length > 0)]);

/** Whether a row of this spec can be drilled into (a time grain finer than day does not exist, but another dimension does). */
export function canDrill(spec: PivotRequest): boolean {
  return spec.rows.length > 0;
}

/** The dimension a drill from a non-time row goes into: the first sensible one not already in play. */
export function nextDimension(spec: PivotRequest): PivotDimension | null {
  const u = used(spec);
  const hasTime = [...u].some((d) => TIME.includes(d));
  return NEXT.find((d) => !u.has(d) && !(d === 'year' && hasTime)) ?? null;
}

/**
 * One level down from a row: the row's values become filters (the slice narrows to that row); a time row is cut one
 * grain finer (year → quarter → month → day), any other row is replaced by `next` (default {@link nextDimension}).
 * Returns null when there is nowhere finer to go.
 */
export function drill(spec: PivotRequest, rowKey: readonly string[], next: PivotDimension | null = nextDimension(spec)): PivotRequest | null {
  if (rowKey.length !== spec.rows.length || spec.rows.length === 0) return null;
  const filters: PivotRequest['filters'] = { ...spec.filters };
  spec.rows.forEach((d, i) => (filters[d] = [rowKey[i]]));
  const last = spec.rows[spec.rows.length - 1];
  const finer = FINER[last];
  let rows: PivotDimension[];
  if (finer) rows = [...spec.rows.slice(0, -1), finer];
  else if (next && !spec.columns.includes(next)) rows = [next];
  else return null;
  return { ...spec, rows, filters };
}

/** The slice in words, e.g. "Year 2025 · Region Kathmandu"; '' for everything. */
export function describeSlice(spec: PivotRequest): string {
  return (Object.entries(spec.filters) as [PivotDimension, string[] | undefined][])
    .filter(([, v]) => v && v.length > 0)
    .map(([d, v]) => `${dimensionLabels[d]} ${v!.map((x) => (x === '' ? '(none)' : x)).join(' or ')}`)
    .join(' · ');
}

/** Sets (or with an empty value, removes) the filter on one dimension. */
export function withFilter(spec: PivotRequest, dimension: PivotDimension, value: string | null): PivotRequest {
  const filters = { ...spec.filters };
  if (value === null) delete filters[dimension];
  else filters[dimension] = [value];
  return { ...spec, filters };
}
