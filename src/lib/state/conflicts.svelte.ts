// Conflicts to review, live: every field whose concurrent edit lost, and "keep this" through the resolveConflict command.
import { resolveConflict } from '$lib/core/commands';
import { isCollectionName } from '$lib/core/model/registry';
import type { ConflictRow, FieldbookDb } from '$lib/core/storage/db';
import type { Workspace } from '$lib/core/sync/workspace';
import { LiveValue } from './live.svelte';

export class ConflictReview {
  readonly #ws: Workspace;
  #live: LiveValue<ConflictRow[]>;

  constructor(db: FieldbookDb, ws: Workspace) {
    this.#ws = ws;
    this.#live = new LiveValue(async () => {
      const rows = await db.conflicts.toArray();
      return rows.sort((a, b) => a.title.localeCompare(b.title) || a.path.localeCompare(b.path) || a.key.localeCompare(b.key));
    }, []);
  }

  get items(): ConflictRow[] {
    return this.#live.current;
  }

  get isLoaded(): boolean {
    return this.#live.isLoaded;
  }

  get error(): Error | null {
    return this.#live.error;
  }

  /** Writes the chosen value having seen every competing one, which settles the conflict here and on every peer. */
  async keep(conflict: ConflictRow, value: unknown): Promise<void> {
    if (!isCollectionName(conflict.collection)) throw new Error(`Unknown record type "${conflict.collection}"`);
    await resolveConflict(this.#ws, conflict.collection, conflict.recordId, conflict.path, value);
  }
}
