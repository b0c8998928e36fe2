// Products as rune state: the searchable list with a category filter, one product live for its editor, and the price books in use.
import Dexie from 'dexie';
import { createRecord, deleteRecord, restoreRecord, updateRecord, type RecordInput } from '$lib/core/commands';
import type { FieldbookDb } from '$lib/core/storage/db';
import { recordById, searchPrefix, type RowOf } from '$lib/core/storage/queries';
import type { Workspace } from '$lib/core/sync/workspace';
import { LiveQuery } from './records.svelte';
import { toasts } from './toasts.svelte';

/** A catalogue is small (tens to a few thousand items); past this many the list says so and asks for a search. */
export const PRODUCT_LIST_LIMIT = 500;

export type ProductRow = RowOf<'product'>;

/** Live products in name order, on `[_del+_sort]`. */
function liveProducts(db: FieldbookDb, limit: number): Promise<ProductRow[]> {
  return db
    .rows('product')
    .where('[_del+_sort]')
    .between([0, Dexie.minKey], [0, Dexie.maxKey])
    .limit(limit)
    .toArray() as unknown as Promise<ProductRow[]>;
}

/** The workspace's currency (Settings may store one; Himal Electronics sells in rupees). */
export async function defaultCurrency(db: FieldbookDb): Promise<string> {
  const stored = await db.getMeta<string>('settings:currency');
  return typeof stored === 'string' && /^[A-Z]{3}$/.test(stored) ? stored : 'NPR';
}

/** Every price book name used by a live product (Standard, Dealer…), for the quote editor's price book choice. */
export async function priceBooksOf(db: FieldbookDb): Promise<string[]> {
  const names = new Set<string>();
  for (const p of await liveProducts(db, 5000)) for (const e of p.prices) names.add(e.priceBook);
  return [...names].sort((a, b) => (a === 'Standard' ? -1 : b === 'Standard' ? 1 : a.localeCompare(b)));
}

/** Active products whose name, SKU or category words start with the typed words (the quote editor's product picker). */
export async function findProducts(db: FieldbookDb, text: string, limit = 8): Promise<ProductRow[]> {
  if (!text.trim()) return [];
  return (await searchPrefix(db, 'product', text, limit * 2)).filter((p) => p.isActive).slice(0, limit);
}

export class ProductListState {
  query = $state('');
  category = $state('');
  isInactiveShown = $state(false);
  readonly #rows: LiveQuery<ProductRow[] | null>;
  readonly #categories: LiveQuery<string[]>;

  constructor(db: FieldbookDb) {
    this.#rows = new LiveQuery(() => {
      const text = this.query.trim();
      const category = this.category;
      if (text) return () => searchPrefix(db, 'product', text, PRODUCT_LIST_LIMIT + 1);
      if (category) {
        return async () =>
          ((await db.rows('product').where('category').equals(category).toArray()) as ProductRow[])
            .filter((p) => p._del === 0)
            .sort((a, b) => a._sort.localeCompare(b._sort));
      }
      return () => liveProducts(db, PRODUCT_LIST_LIMIT + 1);
    }, null);
    this.#categories = new LiveQuery(
      () => async () => ((await db.rows('product').orderBy('category').uniqueKeys()) as string[]).filter((c) => c !== ''),
      []
    );
  }

  /** The products shown, or null until first read. */
  get rows(): ProductRow[] | null {
    const rows = this.#rows.current;
    if (!rows) return null;
    return rows
      .filter((p) => (!this.category || p.category === this.category) && (this.isInactiveShown || p.isActive))
      .slice(0, PRODUCT_LIST_LIMIT);
  }

  get hasMore(): boolean {
    return (this.#rows.current?.length ?? 0) > PRODUCT_LIST_LIMIT;
  }

  get categories(): string[] {
    return this.#categories.current;
  }

  get isLoading(): boolean {
    return this.#rows.isLoading;
  }

  get error(): Error | null {
    return this.#rows.error ?? this.#categories.error;
  }
}

/** One product for its editor: live, so an edit on another device shows up; writes go through the commands. */
export class ProductState {
  readonly #record: LiveQuery<ProductRow | undefined | null>;
  readonly #ws: Workspace;
  readonly #id: () => string | null;

  constructor(ws: Workspace, id: () => string | null) {
    this.#ws = ws;
    this.#id = id;
    this.#record = new LiveQuery(() => {
      const current = id();
      if (!current) return null;
      return () => recordById(ws.db, 'product', current);
    }, null);
  }

  /** The product (deleted ones too); undefined when there is none with this id; null while loading or for a new one. */
  get record(): ProductRow | undefined | null {
    return this.#id() ? this.#record.current : null;
  }

  get isLoading(): boolean {
    return this.#record.isLoading;
  }

  create(input: RecordInput<'product'>): Promise<RowOf<'product'>> {
    return createRecord(this.#ws, 'product', input) as Promise<RowOf<'product'>>;
  }

  async save(patch: RecordInput<'product'>): Promise<void> {
    const id = this.#id();
    if (id) await updateRecord(this.#ws, 'product', id, patch);
  }

  /** Soft delete with an Undo: quotes and orders that name the product keep their own copy of its lines. */
  async remove(name: string): Promise<void> {
    const id = this.#id();
    if (!id) return;
    await deleteRecord(this.#ws, 'product', id);
    toasts.show(`${name} deleted`, { action: { label: 'Undo', run: () => restoreRecord(this.#ws, 'product', id) } });
  }

  async restore(name: string): Promise<void> {
    const id = this.#id();
    if (!id) return;
    await restoreRecord(this.#ws, 'product', id);
    toasts.show(`${name} restored`, { tone: 'success' });
  }
}
