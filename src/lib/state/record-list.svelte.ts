// A record list as rune state: search (debounced), sort and filters, the total, and the window of rows on screen.
import type { FieldbookDb } from '$lib/core/storage/db';
import { listCount, listPage, searchPrefix, type ListFilter, type ListSort, type RowOf } from '$lib/core/storage/queries';
import type { Workspace } from '$lib/core/sync/workspace';
import { LiveQuery, recordCommands, type RecordKind } from './records.svelte';
import { toasts } from './toasts.svelte';

export type ListView = 'live' | 'trash' | 'conflicts';
export type ListScope = 'everyone' | 'mine';

/** Rows are fetched in aligned chunks, so scrolling a few rows does not start a new query. */
const CHUNK = 50;
/** A search shows at most this many matches; one more is asked for to know whether to say "100+". */
export const SEARCH_LIMIT = 100;
/** Typing pauses this long before a search runs: fast typists start one query, not one per key. */
const DEBOUNCE_MS = 80;

type Page<K extends RecordKind> = { offset: number; rows: RowOf<K>[] };

/**
 * The state behind a list screen. The total comes from the meta counters (or an index count for filtered views),
 * the rows from `listPage` for the chunks around the visible range, or from `searchPrefix` while a search is typed.
 * Every part is a live query, so edits anywhere (another tab, a sync) show up without a refresh.
 */
export class RecordListState<K extends RecordKind> {
  readonly kind: K;
  sort = $state<ListSort>('name');
  scope = $state<ListScope>('everyone');
  view = $state<ListView>('live');
  #query = $state('');
  #debounced = $state('');
  #timer: ReturnType<typeof setTimeout> | undefined;
  #range = $state.raw({ start: 0, end: CHUNK });
  #count: LiveQuery<number | null>;
  #page: LiveQuery<Page<K>>;
  #search: LiveQuery<RowOf<K>[] | null>;

  /** The search that has run (the box may be ahead of it by one debounce). */
  readonly searchText = $derived(this.#debounced.trim());
  readonly isSearching = $derived(this.searchText.length > 0);
  readonly #spanStart = $derived(Math.floor(this.#range.start / CHUNK) * CHUNK);
  readonly #spanEnd = $derived(Math.max(this.#spanStart + CHUNK, Math.ceil(this.#range.end / CHUNK) * CHUNK));
  /** Changes whenever the list starts over (new search, sort or filter): the view scrolls back to the top. */
  readonly viewKey = $derived(`${this.searchText}|${this.sort}|${this.scope}|${this.view}`);

  readonly db: FieldbookDb;
  readonly ws: Workspace;
  /** Who "mine" means: read when the filter changes, since the user can switch in Settings. */
  readonly userId: () => string;

  constructor(ws: Workspace, kind: K, userId: () => string) {
    this.ws = ws;
    this.db = ws.db;
    this.kind = kind;
    this.userId = userId;
    this.#count = new LiveQuery(() => {
      const filter = this.filter;
      return () => listCount(this.db, kind, filter);
    }, null);
    this.#page = new LiveQuery<Page<K>>(
      () => {
        if (this.isSearching) return null;
        const { filter, sort } = this;
        const offset = this.#spanStart;
        const limit = this.#spanEnd - offset;
        return async () => ({ offset, rows: await listPage(this.db, kind, { offset, limit, sort, filter }) });
      },
      { offset: 0, rows: [] }
    );
    this.#search = new LiveQuery(() => {
      const text = this.searchText;
      if (!text) return null;
      const { owner, trash, conflicts } = this.filter;
      return () => searchPrefix(this.db, kind, text, SEARCH_LIMIT + 1, { owner, trash, conflicts });
    }, null);
  }

  /** The search box text. Setting it searches after a short pause; clearing it shows the whole list at once. */
  get query(): string {
    return this.#query;
  }

  set query(value: string) {
    this.#query = value;
    clearTimeout(this.#timer);
    if (value.trim() === '') this.#debounced = '';
    else this.#timer = setTimeout(() => (this.#debounced = value), DEBOUNCE_MS);
  }

  get filter(): ListFilter {
    return { owner: this.scope === 'mine' ? this.userId() : undefined, trash: this.view === 'trash', conflicts: this.view === 'conflicts' };
  }

  /** Rows in the list (search matches capped at SEARCH_LIMIT); null until first counted. */
  get total(): number | null {
    if (!this.isSearching) return this.#count.current;
    const found = this.#search.current;
    return found ? Math.min(found.length, SEARCH_LIMIT) : null;
  }

  /** A search found more than it shows. */
  get hasMoreMatches(): boolean {
    return this.isSearching && (this.#search.current?.length ?? 0) > SEARCH_LIMIT;
  }

  /** A window of rows (or the search) is being fetched: the list shows placeholders and a busy state. */
  get isLoading(): boolean {
    if (this.isSearching) return this.#search.isLoading || this.#debounced !== this.#query;
    return this.#page.isLoading || this.#count.isLoading;
  }

  /** Runs a typed search now (Enter in the search box). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#debounced = this.#query;
  }

  /** The rows the view shows (start inclusive, end exclusive): chunks around them are kept loaded. */
  setRange(start: number, end: number): void {
    if (start !== this.#range.start || end !== this.#range.end) this.#range = { start, end };
  }

  /** The row at a position, or undefined while its chunk loads. */
  rowAt(index: number): RowOf<K> | undefined {
    if (this.isSearching) return this.#search.current?.[index];
    const { offset, rows } = this.#page.current;
    return index >= offset && index < offset + rows.length ? rows[index - offset] : undefined;
  }

  /** Restores a record from the trash (the row leaves the trash view by itself: the queries are live). */
  async restore(id: string, name: string): Promise<void> {
    await recordCommands[this.kind].restore(this.ws, id);
    toasts.show(`${name} restored`, { tone: 'success' });
  }

  get error(): Error | null {
    return this.#count.error ?? this.#page.error ?? this.#search.error;
  }
}
