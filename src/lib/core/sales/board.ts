// The pipeline board's logic: stage order, column totals, card windows, money input, and the two board commands (move a deal, save stages).
import { generateKeyBetween } from 'fractional-indexing';
import { closeOpportunity, createRecord, createRecords, deleteRecord, updateRecord, type RecordInput } from '../commands';
import type { Workspace } from '../sync/workspace';
import { defaultStageInfo, probabilityOf, type Deal, type StageInfo } from './pipeline';

/** The fields of a stage record the board reads (the read-model row has more). */
export type StageRecordLike = {
  id: string;
  name: string;
  position: string;
  probability: number;
  outcome: 'open' | 'won' | 'lost';
  deletedAt?: string | null;
};

/**
 * Stages in board order: live stage records by fractional position (ties by id, so two devices that picked the same
 * position still agree); the default stages when the workspace has no stage records yet.
 */
export function orderStages(records: readonly StageRecordLike[]): StageInfo[] {
  const live = records.filter((r) => !r.deletedAt);
  if (live.length === 0) return defaultStageInfo.map((s) => ({ ...s }));
  return [...live]
    .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((r) => ({ id: r.id, name: r.name, probability: r.probability, outcome: r.outcome, position: r.position }));
}

/** One currency's part of a column: the amount and the probability-weighted amount, in minor units. */
export type CurrencyTotal = { currency: string; amount: number; weighted: number };
export type ColumnTotals = { count: number; byCurrency: CurrencyTotal[] };

/**
 * Count and totals of a set of deals. Amounts in different currencies are never added together (there is no exchange
 * rate on a device offline): each currency gets its own line, the largest first.
 */
export function columnTotals(deals: readonly Deal[], stages: readonly StageInfo[]): ColumnTotals {
  const byCurrency = new Map<string, CurrencyTotal>();
  let count = 0;
  for (const d of deals) {
    if (d.deletedAt) continue;
    count++;
    const t = byCurrency.get(d.amount.currency) ?? { currency: d.amount.currency, amount: 0, weighted: 0 };
    t.amount += d.amount.amount;
    t.weighted += Math.round((d.amount.amount * probabilityOf(d, stages)) / 100);
    byCurrency.set(d.amount.currency, t);
  }
  return { count, byCurrency: [...byCurrency.values()].sort((a, b) => b.amount - a.amount || a.currency.localeCompare(b.currency)) };
}

/** The column a keyboard move lands on: the next or previous stage, staying put at either end. */
export function neighbourStage(stages: readonly StageInfo[], currentId: string, direction: -1 | 1): string {
  const i = stages.findIndex((s) => s.id === currentId);
  if (i < 0) return stages[0]?.id ?? currentId;
  return stages[Math.max(0, Math.min(stages.length - 1, i + direction))].id;
}

/**
 * The cards of a virtual column to render: those inside the scrolled viewport plus `overscan` on each side, so a
 * fast flick does not show blank space. Fixed card heights make this arithmetic instead of measurement.
 */
export function visibleRange(scrollTop: number, viewport: number, itemHeight: number, total: number, overscan = 4): { start: number; end: number } {
  if (total <= 0 || itemHeight <= 0) return { start: 0, end: 0 };
  const start = Math.max(0, Math.floor(scrollTop / itemHeight) - overscan);
  const end = Math.min(total, Math.ceil((scrollTop + Math.max(viewport, 0)) / itemHeight) + overscan);
  return { start: Math.min(start, total), end: Math.max(end, Math.min(start, total)) };
}

/** Board order inside a column: the deal closing soonest first, then by name, then by id (stable across devices). */
export function byCloseDate<T extends { closeDate: string; name: string; id: string }>(a: T, b: T): number {
  return a.closeDate < b.closeDate ? -1 : a.closeDate > b.closeDate ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1;
}

/** Digits after the decimal point of a currency (2 for NPR, 0 for JPY), from Intl; 2 when Intl does not know it. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * An amount typed by a person ("1,50,000.50", "2500", " 12.5 ") in minor units, or null when it is not a plain
 * non-negative decimal with at most `digits` decimals. Works on the digits as text, so no float rounding creeps in.
 */
export function parseMoneyInput(text: string, digits = 2): number | null {
  const clean = text.replace(/[\s,_']/g, '');
  if (clean === '') return null;
  const m = /^(\d+)(?:\.(\d*))?$/.exec(clean);
  if (!m) return null;
  const fraction = m[2] ?? '';
  if (fraction.length > digits) return null;
  const minor = Number(m[1] + fraction.padEnd(digits, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Minor units back to the plain decimal a form field shows ("150000.50"); whole amounts lose the ".00". */
export function minorToInput(amount: number, digits = 2): string {
  if (digits === 0) return String(amount);
  const sign = amount < 0 ? '-' : '';
  const s = String(Math.abs(amount)).padStart(digits + 1, '0');
  const whole = s.slice(0, -digits);
  const fraction = s.slice(-digits);
  return `${sign}${whole}${/^0+$/.test(fraction) ? '' : `.${fraction}`}`;
}

/**
 * Fractional positions for a list the person reordered (stages moved up or down): the longest run of items whose old
 * positions are already in order keeps them, and every other item gets a fresh key between its new neighbours. So a
 * single move rewrites one position, and a concurrent reorder on another device merges item by item instead of one
 * device's whole order overwriting the other's. Returns only the positions that change (new items included).
 */
export function reorderPositions(items: readonly { id: string; position: string | null }[]): Map<string, string> {
  const keep = longestIncreasing(items.map((i) => i.position));
  const out = new Map<string, string>();
  const final: string[] = [];
  for (let i = 0; i < items.length; i++) {
    if (keep.has(i)) {
      final.push(items[i].position!);
      continue;
    }
    const before = i > 0 ? final[i - 1] : null;
    // The next kept position bounds this one from above; items after it not yet placed are placed after this one.
    let after: string | null = null;
    for (let j = i + 1; j < items.length; j++) {
      if (keep.has(j)) {
        after = items[j].position;
        break;
      }
    }
    const key = generateKeyBetween(before, after);
    final.push(key);
    out.set(items[i].id, key);
  }
  return out;
}

/** Indices of a longest strictly increasing subsequence of the non-null positions (patience sorting, O(n log n)). */
function longestIncreasing(positions: readonly (string | null)[]): Set<number> {
  const tails: number[] = [];
  const prev: number[] = new Array(positions.length).fill(-1);
  positions.forEach((p, i) => {
    if (p === null) return;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (positions[tails[mid]]! < p) lo = mid + 1;
      else hi = mid;
    }
    prev[i] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = i;
  });
  const out = new Set<number>();
  for (let i = tails.length > 0 ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) out.add(i);
  return out;
}

/** A kiosk PIN: 4 to 6 digits, nothing else. */
export const isValidPin = (pin: string): boolean => /^\d{4,6}$/.test(pin);

/**
 * Splits a name typed into one box into first and last name: the last word is the family name ("Ram Bahadur Thapa" →
 * "Ram Bahadur" + "Thapa"); one word is kept as the first name.
 */
export function splitName(full: string): { firstName: string; lastName: string } {
  const parts = full.trim().split(/\s+/).filter(Boolean);
  if (parts.length <= 1) return { firstName: parts[0] ?? '', lastName: '' };
  return { firstName: parts.slice(0, -1).join(' '), lastName: parts[parts.length - 1] };
}

// -- board commands ---------------------------------------------------------------------------------------------

/**
 * Moves a deal to a stage. Won and lost go through `closeOpportunity` (stage, close time, reason); a closing stage of
 * the user's own gets the same fields; back to an open stage clears the close time.
 */
export async function moveOpportunity(ws: Workspace, id: string, from: string, target: StageInfo, reason = ''): Promise<void> {
  if (target.outcome !== 'open') {
    if (target.id === target.outcome) await closeOpportunity(ws, id, target.outcome, reason);
    else {
      await updateRecord(ws, 'opportunity', id, {
        stage: target.id,
        closedAt: new Date().toISOString(),
        ...(target.outcome === 'won' ? { wonReason: reason } : { lostReason: reason })
      });
    }
    return;
  }
  if (target.id === from) return;
  await updateRecord(ws, 'opportunity', id, { stage: target.id, closedAt: null });
}

/** One stage as the Stages dialog edits it; `isNew` ones are created on save, `isRemoved` ones deleted. */
export type StageDraft = { id: string; name: string; probability: number; outcome: StageInfo['outcome']; position: string | null; isNew?: boolean; isRemoved?: boolean };

/**
 * Saves the Stages dialog: the first save turns the defaults into records (with the default ids, which existing deals
 * already use); later saves write only what changed. A reorder rewrites as few positions as possible (see
 * reorderPositions), so a concurrent reorder on another tablet merges instead of being overwritten.
 */
export async function saveStages(ws: Workspace, before: readonly StageInfo[], drafts: readonly StageDraft[], isDefault: boolean): Promise<void> {
  const kept = drafts.filter((d) => !d.isRemoved);
  const positions = reorderPositions(kept.map((d) => ({ id: d.id, position: isDefault || d.isNew ? null : d.position })));
  const positionOf = (d: StageDraft) => positions.get(d.id) ?? d.position!;
  if (isDefault) {
    const { rejected } = await createRecords(
      ws,
      'stage',
      kept.map((d) => ({ id: d.id, name: d.name, probability: d.probability, outcome: d.outcome, position: positionOf(d) }))
    );
    if (rejected.length > 0) throw new Error(`Stage ${rejected[0].index + 1}: ${rejected[0].issues.map((i) => `${i.path} ${i.message}`).join(', ')}`);
    return;
  }
  const old = new Map(before.map((s) => [s.id, s]));
  for (const d of drafts) {
    if (d.isRemoved) {
      if (!d.isNew) await deleteRecord(ws, 'stage', d.id);
      continue;
    }
    if (d.isNew) {
      await createRecord(ws, 'stage', { name: d.name, probability: d.probability, outcome: d.outcome, position: positionOf(d) });
      continue;
    }
    const o = old.get(d.id);
    const patch: RecordInput<'stage'> = {};
    if (o?.name !== d.name) patch.name = d.name;
    if (o?.probability !== d.probability) patch.probability = d.probability;
    if (o?.outcome !== d.outcome) patch.outcome = d.outcome;
    if (positions.has(d.id)) patch.position = positions.get(d.id);
    if (Object.keys(patch).length > 0) await updateRecord(ws, 'stage', d.id, patch);
  }
}
