// Live record counts of a workspace from the meta counters (never table count(): that scans, see DESIGN.md §2).
import { collectionNames, type CollectionName } from '$lib/core/model/registry';
import type { Counter, FieldbookDb } from '$lib/core/storage/db';
import { LiveValue } from './live.svelte';

export type CountsByType = Record<CollectionName, Counter>;

const empty = (): CountsByType => Object.fromEntries(collectionNames.map((n) => [n, { live: 0, deleted: 0 }])) as CountsByType;

export class RecordCounts {
  #live: LiveValue<CountsByType>;

  constructor(db: FieldbookDb) {
    this.#live = new LiveValue(async () => {
      const counters = await Promise.all(collectionNames.map((n) => db.counter(n)));
      return Object.fromEntries(collectionNames.map((n, i) => [n, counters[i]])) as CountsByType;
    }, empty());
  }

  get byType(): CountsByType {
    return this.#live.current;
  }

  get isLoaded(): boolean {
    return this.#live.isLoaded;
  }

  /** Records not deleted, across every type. */
  get totalLive(): number {
    return Object.values(this.byType).reduce((sum, c) => sum + c.live, 0);
  }
}
