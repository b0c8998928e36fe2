// Who changed what: a record's field history, live, and user ids turned into names.
import type { CollectionName } from '$lib/core/model/registry';
import type { FieldbookDb, HistoryRow } from '$lib/core/storage/db';
import { LiveValue } from './live.svelte';

/** Names of every user record (deleted ones too: their past edits still need a name). */
export class UserNames {
  #live: LiveValue<Map<string, string>>;

  constructor(db: FieldbookDb) {
    this.#live = new LiveValue(async () => {
      const users = await db.rows('user').toArray();
      return new Map(users.map((u) => [String(u.id), String(u.name)]));
    }, new Map());
  }

  /** The person's name, or the id itself when no user record has it (a device-local user, or one not synced yet). */
  nameOf(id: string): string {
    return this.#live.current.get(id) ?? id;
  }

  isKnown(id: string): boolean {
    return this.#live.current.has(id);
  }
}

export type HistoryEntry = Omit<HistoryRow, 'seq'> & { seq: number };

/** One record's field changes as they reached this device, newest edit first. Make a new one when the record changes. */
export class RecordHistoryLog {
  #live: LiveValue<HistoryEntry[]>;

  constructor(db: FieldbookDb, collection: CollectionName, recordId: string) {
    this.#live = new LiveValue(async () => {
      const rows = await db.history.where('[collection+recordId]').equals([collection, recordId]).toArray();
      // By edit time (a change synced later may be older), then by arrival.
      return (rows as HistoryEntry[]).sort((a, b) => (a.at === b.at ? b.seq - a.seq : a.at < b.at ? 1 : -1));
    }, []);
  }

  get entries(): HistoryEntry[] {
    return this.#live.current;
  }

  get isLoaded(): boolean {
    return this.#live.isLoaded;
  }

  get error(): Error | null {
    return this.#live.error;
  }
}
