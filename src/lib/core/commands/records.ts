// Typed record commands (create, update, delete, restore, resolve a conflict): validate first, then write through the sync layer.
import * as Y from 'yjs';
import { generateKeyBetween } from 'fractional-indexing';
import type { z } from 'zod';
import { newId, type Collection } from '../model/base';
import { collections, type CollectionName, type Collections } from '../model/registry';
import { docIdFor } from '../sync/doc-layout';
import { entriesOf, projectMap, stampIso, writeRegister, type RecordMap, type RecordsMap } from '../sync/record-map';
import { latestStamp, sameValue } from '../sync/registers';
import type { Workspace, WriteContext } from '../sync/workspace';

export type RecordType<N extends CollectionName> = z.infer<Collections[N]['schema']>;
/** What a caller may set: every field but identity and audit ones, which the command fills in. */
export type RecordInput<N extends CollectionName> = Partial<Omit<RecordType<N>, 'id' | 'v' | 'createdAt' | 'createdBy' | 'updatedAt' | 'updatedBy'>>;

export type FieldIssue = { path: string; message: string };

/** Input that breaks a schema rule: each issue names the field and the rule. */
export class ValidationError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.path || 'record'}: ${i.message}`).join('; '));
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends Error {
  constructor(name: string, id: string) {
    super(`No ${name} with id ${id}`);
    this.name = 'NotFoundError';
  }
}

/** Fields that commands own; a patch can never set them. */
const managed = new Set(['id', 'v', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy']);
const defaultsCache = new WeakMap<Collection, Record<string, unknown>>();

/** Each field's schema default: a new record stores only what differs from it, which keeps docs small. */
function defaultsOf(c: Collection): Record<string, unknown> {
  let d = defaultsCache.get(c);
  if (!d) {
    d = {};
    for (const [key, field] of Object.entries(c.schema.shape)) {
      const r = (field as z.ZodType).safeParse(undefined);
      if (r.success) d[key] = r.data;
    }
    defaultsCache.set(c, d);
  }
  return d;
}

function parse<N extends CollectionName>(name: N, value: Record<string, unknown>): RecordType<N> {
  const r = collections[name].schema.safeParse(value);
  if (!r.success) throw new ValidationError(r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return r.data as RecordType<N>;
}

const childFieldsOf = (c: Collection) => new Map((c.children ?? []).map((ch) => [ch.field, ch.orderBy]));

/** Gives child lines without an id or position both, appending new lines after the last one. */
function normaliseChildren(c: Collection, input: Record<string, unknown>): Record<string, unknown> {
  const out = { ...input };
  for (const [field, orderBy] of childFieldsOf(c)) {
    const list = out[field];
    if (!Array.isArray(list)) continue;
    let last: string | null = null;
    for (const line of list as Record<string, unknown>[]) {
      if (typeof line[orderBy] === 'string' && line[orderBy]) last = String(line[orderBy]);
    }
    out[field] = (list as Record<string, unknown>[]).map((line) => {
      const l = { ...line };
      if (!l.id) l.id = newId();
      if (!l[orderBy]) {
        l[orderBy] = generateKeyBetween(last, null);
        last = l[orderBy] as string;
      }
      return l;
    });
  }
  return out;
}

function writeNew(c: Collection, map: RecordMap, record: Record<string, unknown>, ctx: WriteContext): void {
  const defaults = defaultsOf(c);
  const children = childFieldsOf(c);
  for (const [key, value] of Object.entries(record)) {
    if (key === 'id' || key === 'updatedAt' || key === 'updatedBy') continue;
    if (children.has(key)) {
      for (const line of value as { id: string }[]) writeRegister(map, `${key}/${line.id}`, ctx.device, line, ctx.at, '', ctx.by);
    } else if (!(key in defaults) || !sameValue(defaults[key], value)) {
      writeRegister(map, key, ctx.device, value, ctx.at, '', ctx.by);
    }
  }
}

/** Imports and the demo generator may give a past `createdAt` (history older than the workspace); nothing else managed is taken. */
function prepareNew<N extends CollectionName>(name: N, input: RecordInput<N> & { id?: string; createdAt?: string }, ctx: WriteContext): RecordType<N> {
  const c = collections[name] as Collection;
  const iso = stampIso(ctx.at);
  const clean = Object.fromEntries(Object.entries(input).filter(([k]) => !managed.has(k)));
  return parse(name, {
    ...normaliseChildren(c, clean),
    id: input.id ?? newId(),
    v: c.version,
    createdAt: input.createdAt ?? iso,
    createdBy: ctx.by,
    updatedAt: iso,
    updatedBy: ctx.by,
    owner: (input as { owner?: string }).owner || ctx.by
  });
}

/** Creates a record; returns it as stored. */
export async function createRecord<N extends CollectionName>(ws: Workspace, name: N, input: RecordInput<N>): Promise<RecordType<N>> {
  const c = collections[name] as Collection;
  // The doc is only known once the record exists (month docs depend on a date), so validate with a provisional stamp first.
  const probe = prepareNew(name, input, { at: ws.hlc.tick(), by: ws.user, device: ws.device });
  const docId = docIdFor(c, probe as { id: string } & Record<string, unknown>);
  return ws.mutate(docId, (records, ctx) => {
    const record = prepareNew(name, { ...input, id: probe.id } as RecordInput<N> & { id: string }, ctx);
    const map = new Y.Map() as RecordMap;
    records.set(record.id as string, map);
    writeNew(c, map, record as Record<string, unknown>, ctx);
    return record;
  });
}

export type BulkResult<N extends CollectionName> = { created: RecordType<N>[]; rejected: { index: number; issues: FieldIssue[] }[] };

/**
 * Creates many records with one Yjs transaction per doc and one store step for them all: the path for imports and the
 * demo generator (one store step per record would be ~100× slower). The valid inputs are stored whole or not at all;
 * invalid ones are returned.
 */
export async function createRecords<N extends CollectionName>(ws: Workspace, name: N, inputs: (RecordInput<N> & { id?: string; createdAt?: string })[]): Promise<BulkResult<N>> {
  const c = collections[name] as Collection;
  const ctx0: WriteContext = { at: ws.hlc.tick(), by: ws.user, device: ws.device };
  const byDoc = new Map<string, RecordType<N>[]>();
  const rejected: BulkResult<N>['rejected'] = [];
  inputs.forEach((input, index) => {
    try {
      const record = prepareNew(name, input, ctx0);
      const docId = docIdFor(c, record as { id: string } & Record<string, unknown>);
      const list = byDoc.get(docId);
      if (list) list.push(record);
      else byDoc.set(docId, [record]);
    } catch (e) {
      if (e instanceof ValidationError) rejected.push({ index, issues: e.issues });
      else rejected.push({ index, issues: [{ path: '', message: (e as Error).message }] });
    }
  });
  if (byDoc.size === 0) return { created: [], rejected };
  await ws.mutateMany(
    [...byDoc].map(([docId, list]) => ({
      docId,
      fn: (records: RecordsMap, ctx: WriteContext) => {
        for (const record of list) {
          const map = new Y.Map() as RecordMap;
          records.set(record.id as string, map);
          writeNew(c, map, record as Record<string, unknown>, ctx);
        }
      }
    }))
  );
  return { created: [...byDoc.values()].flat(), rejected };
}

async function docOf(ws: Workspace, name: CollectionName, id: string): Promise<string> {
  const c = collections[name] as Collection;
  if (c.shard.kind === 'bucket') return docIdFor(c, { id });
  const row = await ws.db.rows(name).get(id);
  if (!row) throw new NotFoundError(name, id);
  return row._doc as string;
}

/**
 * Changes some fields of a record. Only fields whose value really changes are written, each as a register
 * based on the latest value this device has seen (so a concurrent edit elsewhere shows up as a conflict).
 */
export async function updateRecord<N extends CollectionName>(
  ws: Workspace,
  name: N,
  id: string,
  patch: RecordInput<N> & { deletedAt?: string | null; deletedBy?: string | null }
): Promise<RecordType<N>> {
  const c = collections[name] as Collection;
  const docId = await docOf(ws, name, id);
  return ws.mutate(docId, (records, ctx) => {
    const map = records.get(id);
    if (!map) throw new NotFoundError(name, id);
    const current = projectMap(c, map);
    const clean = normaliseChildren(c, Object.fromEntries(Object.entries(patch).filter(([k]) => !managed.has(k))));
    const iso = stampIso(ctx.at);
    const next = parse(name, { ...current.fields, ...clean, id, updatedAt: iso, updatedBy: ctx.by }) as Record<string, unknown>;
    const entries = [...entriesOf(map)];
    const children = childFieldsOf(c);
    for (const key of Object.keys(clean)) {
      if (children.has(key)) {
        const before = new Map(((current.fields[key] as { id: string }[]) ?? []).map((l) => [l.id, l]));
        const after = next[key] as { id: string }[];
        for (const line of after) {
          if (!sameValue(before.get(line.id), line)) writeRegister(map, `${key}/${line.id}`, ctx.device, line, ctx.at, latestStamp(entries, `${key}/${line.id}`), ctx.by);
          before.delete(line.id);
        }
        for (const gone of before.keys()) writeRegister(map, `${key}/${gone}`, ctx.device, null, ctx.at, latestStamp(entries, `${key}/${gone}`), ctx.by);
      } else if (!sameValue(current.fields[key] ?? defaultsOf(c)[key], next[key])) {
        writeRegister(map, key, ctx.device, next[key], ctx.at, latestStamp(entries, key), ctx.by);
      }
    }
    return next as RecordType<N>;
  });
}

/** Soft delete: the record keeps every field and can be restored; a concurrent edit elsewhere is not lost. */
export async function deleteRecord(ws: Workspace, name: CollectionName, id: string): Promise<void> {
  await updateRecord(ws, name, id, { deletedAt: new Date().toISOString(), deletedBy: ws.user } as never);
}

export async function restoreRecord(ws: Workspace, name: CollectionName, id: string): Promise<void> {
  await updateRecord(ws, name, id, { deletedAt: null, deletedBy: null } as never);
}

/** Settles a conflict by writing the chosen value with a base that covers every competing register. */
export async function resolveConflict(ws: Workspace, name: CollectionName, id: string, path: string, value: unknown): Promise<void> {
  const c = collections[name] as Collection;
  const docId = await docOf(ws, name, id);
  await ws.mutate(docId, (records, ctx) => {
    const map = records.get(id);
    if (!map) throw new NotFoundError(name, id);
    const current = projectMap(c, map);
    const slash = path.indexOf('/');
    if (slash < 0) parse(name, { ...current.fields, [path]: value, id, updatedAt: stampIso(ctx.at), updatedBy: ctx.by });
    writeRegister(map, path, ctx.device, value, ctx.at, latestStamp(entriesOf(map), path), ctx.by);
  });
}

/** The current state of a record straight from its Yjs doc (the read model holds the same; this is for commands and tests). */
export async function readRecord<N extends CollectionName>(ws: Workspace, name: N, id: string): Promise<RecordType<N> | undefined> {
  const row = await ws.db.rows(name).get(id);
  return row as RecordType<N> | undefined;
}
