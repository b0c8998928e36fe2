// Shared building blocks of every record schema: identity, audit and soft-delete fields, money, and the collection descriptor.
import { z } from 'zod';
import { uuidv7 } from 'uuidv7';

/** A device-generated, time-ordered id (UUIDv7, RFC 9562 §5.7): sortable by creation time, no server needed. */
export const newId = (): string => uuidv7();

export const idSchema = z.string().min(1, { error: 'is required' }).max(64, { error: 'must be at most 64 characters' });
/** ISO-8601 instant, e.g. 2026-11-23T18:20:00.000Z. */
export const instantSchema = z.iso.datetime({ offset: true, error: 'must be a date and time (ISO 8601)' });
/** Calendar date, e.g. 2026-11-23. */
export const dateSchema = z.iso.date({ error: 'must be a date (YYYY-MM-DD)' });
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, { error: 'must be a 3-letter currency code (ISO 4217)' });

/** Money is integer minor units (paisa, cents) plus a currency: never a float, so sums are exact. */
export const moneySchema = z.object({
  amount: z.int({ error: 'must be a whole number of minor units' }),
  currency: currencySchema
});
export type Money = z.infer<typeof moneySchema>;

export const requiredText = (max = 200) =>
  z.string().trim().min(1, { error: 'is required' }).max(max, { error: `must be at most ${max} characters` });
export const optionalText = (max = 2000) =>
  z.string().max(max, { error: `must be at most ${max} characters` }).default('');
export const emailSchema = z.union([z.literal(''), z.email({ error: 'must be an email address' })]).default('');
export const phoneSchema = z
  .string()
  .max(40, { error: 'must be at most 40 characters' })
  .regex(/^[+()\d\s./-]*(?:(?:ext|x)\.?\s*\d+)?$/i, { error: 'may contain only digits, spaces and + ( ) - . /' })
  .default('');
export const refSchema = z.string().max(64).default('');
export const tagsSchema = z.array(z.string().max(60)).max(50).default([]);

/**
 * Fields every record carries. updatedAt/updatedBy are derived from the field registers on projection
 * (the latest write), so they are never written directly and never conflict.
 */
export const baseShape = {
  id: idSchema,
  v: z.int().min(1),
  createdAt: instantSchema,
  createdBy: z.string().default(''),
  updatedAt: instantSchema,
  updatedBy: z.string().default(''),
  owner: z.string().max(64).default(''),
  deletedAt: instantSchema.nullable().default(null),
  deletedBy: z.string().nullable().default(null)
};
export const metaFields = ['id', 'v', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy'] as const;

/** Where a collection's records live in Yjs: hash buckets for mutable records, one doc per month for history. */
export type Shard = { kind: 'bucket'; buckets: number } | { kind: 'month'; field: string };

/** A child list stored one register per child (so edits to different lines merge), ordered by a fractional index. */
export type ChildList = { field: string; orderBy: string };

export type Migration = (record: Record<string, unknown>) => Record<string, unknown>;

/** Columns the read model adds to every row: never part of the record itself. */
export type DerivedColumns = {
  /** Yjs doc the record lives in. */
  _doc: string;
  /** 1 when soft-deleted: IndexedDB cannot index null, so a number keeps `[_del+…]` indexes usable. */
  _del: 0 | 1;
  /**
   * 1 when a concurrent edit of a field lost and waits for review; absent otherwise, so the index on it holds only
   * conflicted rows (rows stored before schema version 2 may carry 0).
   */
  _conflict?: 0 | 1;
  /** Lower-cased prefixes-searchable words (multi-entry index). */
  _terms: string[];
  /** Lower-cased sort key for list order. */
  _sort: string;
};

/**
 * Everything the app knows about one record type. The schema is the only place fields are named; the Dexie
 * index string, the shard layout and the search terms sit beside it.
 */
export type Collection<S extends z.ZodObject = z.ZodObject> = {
  name: string;
  /** Dexie table name. */
  table: string;
  label: string;
  labelPlural: string;
  schema: S;
  version: number;
  /** Stored record version → migration to version+1. */
  migrations: Record<number, Migration>;
  shard: Shard;
  children?: readonly ChildList[];
  /** Dexie indexes after the primary key `id` (shared derived indexes are appended by storage). */
  indexes: readonly string[];
  /** Words for prefix search. */
  terms: (record: z.infer<S>) => string[];
  /** Also index the title's words in pairs (`pairTerms`): the types people look up by name, where two-word searches are common. */
  pairs?: boolean;
  /** Display title of a record. */
  title: (record: z.infer<S>) => string;
};

export type RecordOf<C extends Collection> = z.infer<C['schema']>;
export type Row<C extends Collection = Collection> = RecordOf<C> & DerivedColumns;

/** Identity helper that keeps the literal types of a collection descriptor. */
export const defineCollection = <S extends z.ZodObject>(c: Collection<S>): Collection<S> => c;

/** Starts every pair term: no typed word can start with it, so a pair term never answers a one-word search. */
export const PAIR_MARK = '\u0001';
/** Letters of a pair's first word kept in its term. */
export const PAIR_LETTERS = 2;

/**
 * Pair terms of a title, for two-word searches ("pu tha" for Puja Thapa): for each ordered pair of its first three
 * words, the first word's first two letters and the whole second word, `\u0001pu\u0001thapa`. Two words both common
 * on their own ("pu" starts 1,700 of 50,000 contacts' words, "tha" 3,000) are then one short index range instead of
 * two long ones to intersect. At most six terms a record; both orders, so "thapa pu" finds her too.
 */
export function pairTerms(title: string): string[] {
  // A record with no name is titled by its e-mail address, which is no name to look up by two words.
  if (title.includes('@')) return [];
  const ws = words(title).slice(0, 3);
  const out = new Set<string>();
  for (const a of ws) {
    if (a.length < PAIR_LETTERS) continue;
    for (const b of ws) if (b !== a) out.add(pairKey(a, b));
  }
  return [...out];
}

/** The pair term (or the start of one, for a prefix search) of two words; `first` is cut to PAIR_LETTERS. */
export const pairKey = (first: string, second: string): string => `${PAIR_MARK}${first.slice(0, PAIR_LETTERS)}${PAIR_MARK}${second}`;

/** Every term a read-model row is indexed under: its words, and for types with `pairs` its title's word pairs. */
export function searchTerms<S extends z.ZodObject>(c: Collection<S>, record: z.infer<S>): string[] {
  const terms = c.terms(record);
  return c.pairs ? terms.concat(pairTerms(c.title(record))) : terms;
}

/** Splits free text into lower-cased words for a prefix index; keeps e-mail addresses whole as well as split. */
export function words(...parts: (string | undefined | null)[]): string[] {
  const out = new Set<string>();
  for (const p of parts) {
    if (!p) continue;
    const lower = p.toLocaleLowerCase();
    if (lower.includes('@')) out.add(lower.trim());
    for (const w of lower.split(/[^\p{L}\p{N}]+/u)) if (w.length > 0) out.add(w);
  }
  return [...out];
}
