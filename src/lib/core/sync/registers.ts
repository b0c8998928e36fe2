// Field registers: how a record is stored inside a Y.Map so that merges keep every field edit and surface real conflicts.
/**
 * A record is a Y.Map whose keys are `path|device` and whose values are registers `[value, at, base, by]`:
 * - `path` is a field name, or `field/childId` for one line of a child list (quote lines, order lines);
 * - `device` is the Yjs client id of the device that wrote it; a device only ever overwrites its own key, so
 *   Yjs itself never has to pick a winner between two devices and no concurrent write is dropped;
 * - `at` is the writer's hybrid-logical-clock stamp, `base` the latest stamp the writer had seen for that path
 *   (what it was editing), `by` the user.
 *
 * Projection picks, per path, the register with the greatest `at` ("later edit wins", which is what users expect
 * of stage, amount, status and owner, and harmless everywhere else). A register that the winner had not seen
 * (`at > winner.base`) and that holds another value is a conflict: the loser stays visible for review until
 * somebody writes the path again having seen both (their base then covers every register).
 * Different fields never interact, so concurrent edits of different fields always both survive.
 */
import type { Stamp } from './hlc';

export type Register = [value: unknown, at: Stamp, base: Stamp, by: string];
export type RegisterEntry = { path: string; device: string; reg: Register };

export type FieldVersion = { value: unknown; at: Stamp; by: string; device: string };
export type FieldConflict = { path: string; winner: FieldVersion; losers: FieldVersion[] };

export type Projection = {
  /** Field values by path; child lines are gathered into arrays. */
  fields: Record<string, unknown>;
  conflicts: FieldConflict[];
  /** Latest register of the record: its updatedAt/updatedBy. */
  latest: { at: Stamp; by: string };
  /** Winning stamp per path, for the next write's base and for history. */
  stamps: Record<string, FieldVersion>;
};

export const registerKey = (path: string, device: number | string): string => `${path}|${device}`;

export function splitKey(key: string): { path: string; device: string } | null {
  const bar = key.lastIndexOf('|');
  if (bar <= 0) return null;
  return { path: key.slice(0, bar), device: key.slice(bar + 1) };
}

/** True when a value read from a peer has the register shape; anything else is corrupt data. */
export function isRegister(value: unknown): value is Register {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    typeof value[1] === 'string' &&
    typeof value[2] === 'string' &&
    typeof value[3] === 'string'
  );
}

/** Structural equality of JSON values (register values are JSON). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** Folds a record's registers into its current fields, the conflicts still open, and per-path stamps. */
export function project(
  entries: Iterable<RegisterEntry>,
  childFields: readonly { field: string; orderBy: string }[] = []
): Projection {
  const byPath = new Map<string, RegisterEntry[]>();
  for (const e of entries) {
    const list = byPath.get(e.path);
    if (list) list.push(e);
    else byPath.set(e.path, [e]);
  }
  const fields: Record<string, unknown> = {};
  const conflicts: FieldConflict[] = [];
  const stamps: Record<string, FieldVersion> = {};
  const children = new Map<string, Record<string, unknown>[]>();
  for (const { field } of childFields) children.set(field, []);
  let latest = { at: '', by: '' };

  for (const [path, list] of byPath) {
    let win = list[0];
    for (const e of list) if (e.reg[1] > win.reg[1]) win = e;
    const winner: FieldVersion = { value: win.reg[0], at: win.reg[1], by: win.reg[3], device: win.device };
    stamps[path] = winner;
    if (winner.at > latest.at) latest = { at: winner.at, by: winner.by };
    const losers: FieldVersion[] = [];
    for (const e of list) {
      if (e === win || e.reg[1] <= win.reg[2] || sameValue(e.reg[0], win.reg[0])) continue;
      losers.push({ value: e.reg[0], at: e.reg[1], by: e.reg[3], device: e.device });
    }
    if (losers.length > 0) conflicts.push({ path, winner, losers });

    const slash = path.indexOf('/');
    const childList = slash > 0 ? children.get(path.slice(0, slash)) : undefined;
    if (childList) {
      // A null register is a removed line: kept as a tombstone so a concurrent edit of that line cannot revive it silently.
      if (winner.value !== null && typeof winner.value === 'object') childList.push(winner.value as Record<string, unknown>);
    } else {
      fields[path] = winner.value;
    }
  }
  for (const { field, orderBy } of childFields) {
    const list = children.get(field) ?? [];
    list.sort((a, b) => {
      const pa = String(a[orderBy] ?? '');
      const pb = String(b[orderBy] ?? '');
      // Plain code-unit order, as fractional-indexing requires (localeCompare would reorder keys).
      return pa < pb ? -1 : pa > pb ? 1 : String(a.id) < String(b.id) ? -1 : 1;
    });
    fields[field] = list;
  }
  return { fields, conflicts, latest, stamps };
}

/** The greatest stamp any device wrote for a path: the base of the next write, so it supersedes all of them. */
export function latestStamp(entries: Iterable<RegisterEntry>, path: string): Stamp {
  let max = '';
  for (const e of entries) if (e.path === path && e.reg[1] > max) max = e.reg[1];
  return max;
}
