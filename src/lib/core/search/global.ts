// Global search: one query over every record type, each on its own prefix index, merged and ranked for one result list.
import { PAIR_LETTERS, pairKey } from '../model/base';
import { collections, type CollectionName } from '../model/registry';
import type { FieldbookDb } from '../storage/db';
import { pairedTypes } from '../storage/pair-backfill';
import { queryWords, searchPrefix } from '../storage/queries';

/**
 * The types searched, in the order their groups are shown: people and companies first, then sales, service and
 * marketing records. Interactions (500,000 at field scale) are searched only when nothing else matches: their
 * summaries ("Call", "Visit") match almost any short prefix and would bury the records a person is looking for.
 */
export const searchTypes = ['contact', 'account', 'lead', 'opportunity', 'quote', 'order', 'product', 'task', 'ticket', 'partner', 'campaign', 'article', 'segment'] as const satisfies readonly CollectionName[];
export type SearchType = (typeof searchTypes)[number] | 'interaction';

export type SearchHit = {
  type: SearchType;
  id: string;
  title: string;
  /** What tells two hits of the same title apart: a company, a stage, a date. */
  subtitle: string;
  /** The record's page (without the workspace query), or null when the type has no page of its own yet. */
  href: string | null;
  /** How many query words equal a whole word of the record (the rest only start one). */
  exact: number;
};
export type SearchAllOptions = {
  /** Most hits in all. */
  limit?: number;
  /** Most hits of one type. */
  perType?: number;
};

/** Below this many hits from the other types, interactions are searched too. */
const HISTORY_BELOW = 3;
/** Index keys read per word of a multi-word query (keys only: no rows are read for them). */
const KEYS_PER_WORD = 300;
/** Rows a multi-word query of common words reads and checks at most. */
const SCAN_ROWS = 300;
/** Keys read of a pair range: records whose name holds both of a two-word query's words. */
const PAIR_KEYS = 200;
/**
 * Index keys first read per word of a multi-word query: a word with fewer is rare, and its keys are every candidate
 * (a surname and a company are intersected exactly). Only when every word has more are KEYS_PER_WORD read, and not at
 * all for types with pair terms, whose names the pair range already searched.
 */
const RARE_KEYS = 50;

const pages: Partial<Record<SearchType, string>> = {
  contact: '/contacts',
  account: '/accounts',
  lead: '/leads',
  opportunity: '/opportunities',
  quote: '/quotes',
  product: '/products',
  task: '/tasks'
};

type Row = Record<string, unknown> & { id: string; _terms: string[] };

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const join = (...parts: unknown[]): string => parts.map(text).filter(Boolean).join(' · ');
const day = (v: unknown): string => text(v).slice(0, 10);
const cap = (s: string): string => (s ? s.charAt(0).toUpperCase() + s.slice(1).replace(/-/g, ' ') : s);
const money = (m: unknown): string => {
  const v = m as { amount?: number; currency?: string } | null;
  return v && typeof v.amount === 'number' ? `${v.currency ?? ''} ${(v.amount / 100).toLocaleString('en', { maximumFractionDigits: 2 })}`.trim() : '';
};

/** The second line of a hit, per type. */
function subtitleOf(type: SearchType, r: Row): string {
  switch (type) {
    case 'contact':
      return join([text(r.title), text(r.company)].filter(Boolean).join(' at '), r.email || r.mobile || r.phone);
    case 'account':
      return join(cap(text(r.kind)), r.industry, (r.address as { city?: string } | undefined)?.city);
    case 'lead':
      return join(r.company, cap(text(r.status)), r.email);
    case 'opportunity':
      return join(cap(text(r.stage)), money(r.amount), r.closeDate ? `closes ${day(r.closeDate)}` : '');
    case 'quote':
      return join(cap(text(r.status)), r.validUntil ? `valid until ${day(r.validUntil)}` : '');
    case 'order':
      return join(cap(text(r.status)), day(r.orderedAt));
    case 'product':
      return join(r.sku, r.category);
    case 'task':
      return join(cap(text(r.status)), r.due ? `due ${day(r.due)}` : '');
    case 'ticket':
      return join(cap(text(r.status)), cap(text(r.priority)));
    case 'interaction':
      return join(cap(text(r.channel)), day(r.at));
    default:
      return join(cap(text(r.status)), cap(text(r.kind)));
  }
}

function hrefOf(type: SearchType, r: Row): string | null {
  // An interaction opens on the timeline of the person (or company) it was with.
  if (type === 'interaction') {
    if (text(r.contactId)) return `/contacts/${encodeURIComponent(text(r.contactId))}`;
    if (text(r.accountId)) return `/accounts/${encodeURIComponent(text(r.accountId))}`;
    return null;
  }
  const base = pages[type];
  return base ? `${base}/${encodeURIComponent(r.id)}` : null;
}

function toHits(type: SearchType, rows: readonly Row[], words: readonly string[]): SearchHit[] {
  const title = collections[type].title as unknown as (r: Row) => string;
  return rows.map((r) => ({
    type,
    id: r.id,
    title: title(r) || '(untitled)',
    subtitle: subtitleOf(type, r),
    href: hrefOf(type, r),
    exact: words.filter((w) => r._terms.includes(w)).length
  }));
}

/** Within a type: more whole-word matches first, then by title. */
const byRank = (a: SearchHit, b: SearchHit): number => b.exact - a.exact || a.title.localeCompare(b.title);

type Table = ReturnType<FieldbookDb['rows']>;

/**
 * The live rows of one type matching every word, at most `want` of them, in index order (so a whole-word match, which
 * sorts before longer words, comes first). Few rows are read, and as few requests made as possible:
 * - one word: the first rows of its prefix range, in one request;
 * - several words, on a type with pair terms (contacts, leads, accounts, deals, partners): first the pair range of the
 *   first two words, which holds every record whose name has both; only when that gives too few, the words' own
 *   ranges as below, without the bounded scan of common words;
 * - several words: RARE_KEYS keys of each word's range, then KEYS_PER_WORD when none was complete; when every range is
 *   complete their intersection is exact; when one is, its rows are read and checked; when every word is common
 *   ("ra sha") the rows of the longest word's range are checked, at most SCAN_ROWS of them, so a quick-jump box asks
 *   for more letters rather than scanning on.
 * When deleted rows leave a one-word search short, it falls back to `searchPrefix`, the list screens' exact search.
 */
async function matching(db: FieldbookDb, type: SearchType, query: string, words: readonly string[], want: number, hasPairs: boolean): Promise<Row[]> {
  const t: Table = db.rows(type);
  const range = (w: string) => t.where('_terms').startsWith(w);
  const isMatch = (r: Row | undefined): r is Row => !!r && r._del === 0 && words.every((w) => r._terms.some((term) => term.startsWith(w)));
  const read = async (keys: readonly string[], enough: number, batch: number): Promise<Row[]> => {
    const found: Row[] = [];
    for (let at = 0; at < keys.length && found.length < enough; at += batch) {
      found.push(...((await t.bulkGet(keys.slice(at, at + batch))) as (Row | undefined)[]).filter(isMatch));
    }
    return found.slice(0, enough);
  };
  if (words.length === 1) {
    // One request: the first rows of the prefix range (a row whose two words both match comes twice).
    const raw = (await range(words[0]).limit(want * 2).toArray()) as Row[];
    const found = [...new Map(raw.map((r) => [r.id, r])).values()].filter(isMatch).slice(0, want);
    if (found.length >= want || raw.length < want * 2) return found;
    return (await searchPrefix(db, type, query, want)) as unknown as Row[];
  }
  // Types looked up by name hold pair terms (model/base.ts pairTerms): every record whose title has both of the first
  // two words is in one short range, however common each word is on its own. `hasPairs`: every row of the type has
  // them (a workspace stored before they existed gets them in the background: storage/pair-backfill.ts).
  const isPaired = hasPairs && words[0].length >= PAIR_LETTERS;
  let named: Row[] = [];
  if (isPaired) {
    const keys = [...new Set((await t.where('_terms').startsWith(pairKey(words[0], words[1])).limit(PAIR_KEYS).primaryKeys()) as string[])];
    named = await read(keys, want, want);
    // Half of `want` is as many as the group shows: the rows that are not names would only rank below them.
    if (named.length >= want / 2) return named;
  }
  const isNamed = new Set(named.map((r) => r.id));
  const rest = (keys: readonly string[]) => keys.filter((k) => !isNamed.has(k));
  const keysOf = async (w: string, limit: number) => {
    const keys = [...new Set((await range(w).limit(limit).primaryKeys()) as string[])];
    return { word: w, keys, isComplete: keys.length < limit };
  };
  // A short look at every word first: one rare word (its whole range read) settles the search, so the common words'
  // ranges are not read further ("su jha" on tickets: no "jha" at all, nothing else to read).
  let sets = await Promise.all(words.map((w) => keysOf(w, RARE_KEYS)));
  if (!sets.some((x) => x.isComplete)) {
    // Every word common, none complete: where names are paired they were the search (a name word and a company word,
    // both common, ask for more letters); elsewhere longer ranges are read for the bounded scan below.
    if (isPaired) return named;
    sets = await Promise.all(words.map((w) => keysOf(w, KEYS_PER_WORD)));
  }
  // Every range complete: their intersection is exactly the candidates.
  if (sets.every((x) => x.isComplete)) {
    const [first, ...others] = sets.sort((a, b) => a.keys.length - b.keys.length);
    const otherKeys = others.map((x) => new Set(x.keys));
    return named.concat(await read(rest(first.keys.filter((k) => otherKeys.every((o) => o.has(k)))), want - named.length, want * 2));
  }
  // One complete range holds every candidate: read its rows and check the other words on them, starting with the keys
  // the other words' (cut short) ranges also hold.
  const complete = sets.filter((x) => x.isComplete).sort((a, b) => a.keys.length - b.keys.length)[0];
  // Every word common ("ra sha"), none complete: the longest word's range (the likeliest to be rare) is checked, up to
  // a bound — a quick-jump box asks for more letters rather than scanning on.
  const driver = complete ?? [...sets].sort((a, b) => b.word.length - a.word.length)[0];
  const keys = rest(complete ? driver.keys : driver.keys.slice(0, SCAN_ROWS));
  // A key in every word's (cut short) range matches every word: those rows are read first, exactly as many as wanted,
  // so a common pair of words ("jo bha") reads about `want` rows instead of batches of rows that mostly fail.
  const others = sets.filter((x) => x !== driver).map((x) => new Set(x.keys));
  const sure = keys.filter((k) => others.every((o) => o.has(k)));
  const need = want - named.length;
  const found = named.concat(await read(sure, need, need));
  if (found.length >= want) return found;
  const isSure = new Set(sure);
  return found.concat(await read(keys.filter((k) => !isSure.has(k)), want - found.length, 100));
}

/**
 * Searches every record type for a query: each word must start a word of the record (name, e-mail, company, number…),
 * the same rule as the list screens' search, on each table's multi-entry `_terms` index, all types in parallel and
 * empty types skipped. Hits come back grouped in `searchTypes` order (contacts and accounts first), and within a type
 * whole-word matches rank above prefix matches. Deleted records are left out. Each type reads a few index keys and
 * about `perType` rows, so the cost stays flat as tables grow (see tests/bench/import-search.bench.ts).
 */
export async function searchAll(db: FieldbookDb, query: string, o: SearchAllOptions = {}): Promise<SearchHit[]> {
  const words = queryWords(query);
  if (words.length === 0) return [];
  const perType = o.perType ?? 5;
  const limit = o.limit ?? 40;
  const types: SearchType[] = [...searchTypes, 'interaction'];
  // One read transaction for every query: opening one per table costs more than the reads themselves in Chromium.
  return db.transaction('r', [db.meta, ...types.map((t) => db.rows(t))], async () => {
    const [counters, paired] = await Promise.all([db.meta.bulkGet(types.map((t) => `count:${t}`)), pairedTypes(db)]);
    const hasRows = (i: number) => ((counters[i]?.value as { live?: number } | undefined)?.live ?? 0) > 0;
    // Up to twice the hits shown, so whole-word matches further down the index still rank first.
    const search = async (type: SearchType): Promise<SearchHit[]> =>
      toHits(type, await matching(db, type, query, words, perType * 2, paired.has(type)), words)
        .sort(byRank)
        .slice(0, perType);
    const groups = await Promise.all(searchTypes.map((type, i) => (hasRows(i) ? search(type) : [])));
    let hits = groups.flat();
    if (hits.length < HISTORY_BELOW && hasRows(searchTypes.length)) hits = hits.concat(await search('interaction'));
    return hits.slice(0, limit);
  });
}

/** Labels of the result groups. */
export const searchTypeLabels: Record<SearchType, string> = Object.fromEntries(
  [...searchTypes, 'interaction' as const].map((t) => [t, collections[t].labelPlural])
) as Record<SearchType, string>;
