// Checks a peer's Yjs update struct by struct before it touches a doc: every field register it writes must pass its field's schema.
/**
 * Reading the update itself (Y.decodeUpdate) costs time in proportion to the update, not to the doc it lands in, and
 * it sees every register — also ones that would lose the "later edit wins" race and so never show, but would be
 * offered for review as a conflict. The rules follow the doc layout (registers.ts, record-map.ts):
 * - a struct under the root is a record: `records[id] = Y.Map`;
 * - a struct under a record is a register: key `path|device`, value `[value, at, base, by]`, where `value` passes
 *   the schema of field `path`, or of one child line for `field/childId` (null removes a line);
 * - deletions (the delete set) are always fine: overwriting a register deletes the old one.
 * Record-level rules that span fields (a contact needs a first *or* last name) are enforced on local commands, not
 * here: two valid concurrent edits may combine into a state that breaks such a rule, and refusing the merge would
 * split the team's data for good.
 */
import * as Y from 'yjs';
import type { z } from 'zod';
import type { Collection } from '../model/base';
import { parseStamp } from './hlc';
import { isRegister, splitKey } from './registers';

export class InvalidUpdateError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidUpdateError';
  }
}

type Unwrappable = { unwrap?: () => unknown; element?: unknown };
const schemaCache = new WeakMap<Collection, Map<string, z.ZodType | null | undefined>>();

/** The schema of one element of a child list (quote lines), unwrapping .default()/.optional(). */
function elementSchema(field: z.ZodType): z.ZodType | null {
  let s = field as unknown as Unwrappable;
  for (let i = 0; i < 5 && s && !s.element && typeof s.unwrap === 'function'; i++) s = s.unwrap() as Unwrappable;
  return (s?.element as z.ZodType | undefined) ?? null;
}

function schemaFor(collection: Collection, path: string): z.ZodType | null | undefined {
  let cache = schemaCache.get(collection);
  if (!cache) schemaCache.set(collection, (cache = new Map()));
  if (cache.has(path)) return cache.get(path);
  const shape = collection.schema.shape as Record<string, z.ZodType>;
  const slash = path.indexOf('/');
  let schema: z.ZodType | null | undefined;
  if (slash > 0) {
    const field = path.slice(0, slash);
    const isChild = (collection.children ?? []).some((c) => c.field === field);
    schema = isChild && shape[field] ? elementSchema(shape[field]) : undefined;
  } else if (path === 'updatedAt' || path === 'updatedBy' || path === 'id') {
    schema = undefined; // derived on projection: never written as registers
  } else {
    // An unknown field may come from a peer on a newer version: kept, ignored by this version's projection.
    schema = shape[path] ?? null;
  }
  cache.set(path, schema);
  return schema;
}

/** A struct's key as the local doc knows it (for an overwrite whose key the update leaves implicit). */
export type KeyLookup = (id: Y.ID) => { parentSub: string | null; isRoot: boolean } | null;

/** Resolves keys of structs in the local doc: Yjs writes a map overwrite without its key, which is its origin's. */
export function docKeyLookup(doc: Y.Doc): KeyLookup {
  return (id) => {
    if (Y.getState(doc.store, id.client) <= id.clock) return null;
    const item = Y.getItem(doc.store, id);
    if (!(item instanceof Y.Item)) return null;
    return { parentSub: item.parentSub, isRoot: item.parent === doc.getMap('records') };
  };
}

/**
 * Throws InvalidUpdateError naming the first problem. Returns the number of registers checked, or -1 when some struct
 * builds on content that neither the update nor the local doc has (it arrived before what it depends on): the
 * caller must then check the result on a scratch copy of the doc instead.
 */
export function validateUpdate(collection: Collection, update: Uint8Array, lookup: KeyLookup = () => null): number {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (e) {
    throw new InvalidUpdateError(`it is not a valid Yjs update (${(e as Error).message})`);
  }
  let checked = 0;
  // Keys of the structs in this update, so an overwrite later in the same update can find its origin's key.
  const own = new Map<string, { parentSub: string | null; isRoot: boolean }>();
  const idKey = (id: Y.ID) => `${id.client}:${id.clock}`;
  const keyOf = (id: Y.ID) => own.get(idKey(id)) ?? lookup(id);
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue; // GC and Skip structs carry no content
    const { content } = struct;
    let parentSub = struct.parentSub;
    let isRoot = typeof struct.parent === 'string';
    if (struct.parent === null) {
      // Written relative to its neighbours: same key and parent as its origin (map items only ever have a left origin).
      const anchor = struct.origin ?? struct.rightOrigin;
      const known = anchor ? keyOf(anchor) : null;
      if (!known) return -1;
      parentSub = known.parentSub;
      isRoot = known.isRoot;
    }
    for (let i = 0; i < struct.length; i++) own.set(`${struct.id.client}:${struct.id.clock + i}`, { parentSub, isRoot });
    if (content instanceof Y.ContentDeleted) continue;
    if (struct.parent === null ? isRoot : typeof struct.parent === 'string') {
      if (typeof struct.parent === 'string' && struct.parent !== 'records') throw new InvalidUpdateError(`unexpected shared type "${String(struct.parent).slice(0, 40)}"`);
      if (parentSub === null || !(content instanceof Y.ContentType) || !(content.type instanceof Y.Map)) {
        throw new InvalidUpdateError('a record must be a map under its id');
      }
      continue;
    }
    if (parentSub === null) throw new InvalidUpdateError('a record holds keyed field registers only');
    const key = splitKey(parentSub);
    if (!key) throw new InvalidUpdateError(`malformed field register key "${parentSub.slice(0, 60)}"`);
    if (!(content instanceof Y.ContentAny) || content.arr.length !== 1 || !isRegister(content.arr[0])) {
      throw new InvalidUpdateError(`malformed field register "${parentSub.slice(0, 60)}"`);
    }
    const [value, at, base] = content.arr[0];
    if (!parseStamp(at) || (base !== '' && !parseStamp(base))) throw new InvalidUpdateError(`field ${key.path}: malformed clock stamp`);
    const schema = schemaFor(collection, key.path);
    if (schema === undefined) throw new InvalidUpdateError(`field ${key.path} cannot be written`);
    const slash = key.path.indexOf('/');
    if (slash > 0 && value !== null && (value as { id?: unknown })?.id !== key.path.slice(slash + 1)) {
      throw new InvalidUpdateError(`field ${key.path}: the line's id does not match its key`);
    }
    if (schema !== null && !(slash > 0 && value === null)) {
      const r = schema.safeParse(value);
      if (!r.success) {
        const issue = r.error.issues[0];
        throw new InvalidUpdateError(`field ${[key.path, ...issue.path].join('.')}: ${issue.message}`);
      }
    }
    checked++;
  }
  return checked;
}
