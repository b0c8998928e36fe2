// Global search as rune state: the open dialog's query, its ranked hits (newest query wins), and the active result.
import { searchAll, type SearchHit } from '$lib/core/search/global';
import type { FieldbookDb } from '$lib/core/storage/db';

/** Typing pauses shorter than this do not start a search: each keystroke would otherwise query 14 tables. */
const DEBOUNCE_MS = 60;

export class GlobalSearch {
  readonly #db: () => FieldbookDb;
  isOpen = $state(false);
  query = $state('');
  hits = $state.raw<SearchHit[]>([]);
  /** Index in `hits` of the highlighted result (arrow keys), or -1. */
  active = $state(-1);
  isSearching = $state(false);
  error = $state<string | null>(null);
  /** The query the current hits answer (the box may already hold more letters). */
  answered = $state('');
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(db: () => FieldbookDb) {
    this.#db = db;
  }

  readonly activeHit = $derived(this.hits[this.active] ?? null);

  open(): void {
    this.isOpen = true;
  }

  close(): void {
    this.isOpen = false;
  }

  setQuery(query: string): void {
    this.query = query;
    if (this.#timer) clearTimeout(this.#timer);
    if (!query.trim()) {
      this.#seq++;
      this.hits = [];
      this.answered = '';
      this.active = -1;
      this.isSearching = false;
      return;
    }
    this.isSearching = true;
    this.#timer = setTimeout(() => void this.run(), DEBOUNCE_MS);
  }

  /** Runs the query now; an answer to an older query that arrives late is dropped. */
  async run(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const seq = ++this.#seq;
    const q = this.query;
    const started = performance.now();
    try {
      const hits = await searchAll(this.#db(), q, { perType: 5, limit: 40 });
      if (seq !== this.#seq) return;
      // The benchmark reads this: query sent to answer back on the main thread, as the person waits for it.
      performance.measure('fieldbook:search', { start: started, detail: { query: q, hits: hits.length } });
      this.hits = hits;
      this.answered = q;
      this.error = null;
      this.active = hits.findIndex((h) => h.href !== null);
    } catch (e) {
      if (seq !== this.#seq) return;
      this.error = (e as Error).message;
    } finally {
      if (seq === this.#seq) this.isSearching = false;
    }
  }

  /** Moves the highlight to the next (or previous) result that opens a page, wrapping around. */
  move(step: 1 | -1): void {
    const n = this.hits.length;
    if (n === 0) return;
    let i = this.active;
    for (let tries = 0; tries < n; tries++) {
      i = (i + step + n) % n;
      if (this.hits[i].href !== null) {
        this.active = i;
        return;
      }
    }
  }

  /** Whether the hits are waiting for a newer query (typing ahead of the results). */
  get isStale(): boolean {
    return this.isSearching || this.answered !== this.query;
  }
}
