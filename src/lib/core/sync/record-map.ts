// Reading and writing one record's Y.Map of field registers, and turning it into a validated read-model row.
import * as Y from 'yjs';
import { z } from 'zod';
import { searchTerms, type Collection, type DerivedColumns } from '../model/base';
import type { Stamp } from './hlc';
import { stampTime } from './hlc';
import { isRegister, project, registerKey, splitKey, type Projection, type Register, type RegisterEntry } from './registers';

export type RecordMap = Y.Map<Register>;
export type RecordsMap = Y.Map<RecordMap>;

/** The top-level map of a bucket or month doc: record id → record map. */
export const recordsOf = (doc: Y.Doc): RecordsMap => doc.getMap('records') as RecordsMap;

/** A record that broke the rules on the way in: the whole update carrying it is refused. */
export class CorruptRecordError extends Error {
  constructor(
    readonly recordId: string,
    readonly reason: string
  ) {
    super(`record ${recordId}: ${reason}`);
    this.name = 'CorruptRecordError';
  }
}

export function* entriesOf(map: RecordMap, strict = false): Generator<RegisterEntry> {
  for (const [key, reg] of map.entries()) {
    const k = splitKey(key);
    if (!k || !isRegister(reg)) {
      if (strict) throw new CorruptRecordError('?', `malformed field register "${key.slice(0, 60)}"`);
      continue;
    }
    yield { path: k.path, device: k.device, reg };
  }
}

export function projectMap(collection: Collection, map: RecordMap, strict = false): Projection {
  return project(entriesOf(map, strict), collection.children ?? []);
}

export const stampIso = (at: Stamp): string => new Date(stampTime(at)).toISOString();

const looseCache = new WeakMap<Collection, z.ZodObject>();
/** The collection's schema without its record-level refinements. */
function fieldsOnly(collection: Collection): z.ZodObject {
  let s = looseCache.get(collection);
  if (!s) looseCache.set(collection, (s = z.object(collection.schema.shape)));
  return s;
}

export type RowResult = { ok: true; row: Record<string, unknown> & DerivedColumns } | { ok: false; error: string };

/**
 * Assembles the read-model row of a record: migrate old shapes, validate with the schema, add derived columns.
 * The schema is the gate for data from peers too: a record that does not parse never reaches the screen.
 */
export function toRow(collection: Collection, docId: string, id: string, p: Projection): RowResult {
  let fields: Record<string, unknown> = { ...p.fields, id, updatedAt: stampIso(p.latest.at), updatedBy: p.latest.by };
  const v = typeof fields.v === 'number' ? fields.v : 1;
  for (let from = v; from < collection.version; from++) {
    const m = collection.migrations[from];
    if (m) fields = m(fields);
    fields.v = from + 1;
  }
  let parsed: { success: boolean; data?: unknown; error?: { issues: { path: PropertyKey[]; message: string }[] } } = collection.schema.safeParse(fields);
  if (!parsed.success) {
    // Two valid concurrent edits can together break a rule that spans fields (first *or* last name): show the merged
    // record anyway — dropping it would hide data — and let the next local edit, which is checked in full, fix it.
    const loose = fieldsOnly(collection).safeParse(fields);
    if (loose.success) parsed = loose;
  }
  if (!parsed.success) {
    const issue = parsed.error!.issues[0];
    return { ok: false, error: `${issue.path.join('.') || 'record'} ${issue.message}` };
  }
  const record = parsed.data as Record<string, unknown> & { id: string; deletedAt: string | null };
  const row = {
    ...record,
    _doc: docId,
    _del: record.deletedAt ? 1 : 0,
    // Present only when in conflict: the `_conflict` index is sparse (see storage/db.ts).
    ...(p.conflicts.length > 0 ? { _conflict: 1 } : {}),
    _terms: searchTerms(collection, record),
    _sort: collection.title(record).toLocaleLowerCase()
  } as Record<string, unknown> & DerivedColumns;
  return { ok: true, row };
}

/** Writes one register for this device; `base` is the latest stamp the writer saw for the path. */
export function writeRegister(map: RecordMap, path: string, device: number, value: unknown, at: Stamp, base: Stamp, by: string): void {
  map.set(registerKey(path, device), [value, at, base, by]);
}
