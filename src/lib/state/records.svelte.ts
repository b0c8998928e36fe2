// Shared pieces of the contact and account screens: a live query whose parameters are runes, and the commands per record kind.
import { liveQuery } from 'dexie';
import {
  createAccount,
  createContact,
  deleteAccount,
  deleteContact,
  restoreAccount,
  restoreContact,
  updateAccount,
  updateContact,
  type RecordInput,
  type RecordType
} from '$lib/core/commands';
import type { Workspace } from '$lib/core/sync/workspace';

/** The record kinds these screens edit. */
export type RecordKind = 'contact' | 'account';

/**
 * A Dexie liveQuery re-run whenever the runes its `querier` reads change (search text, sort, visible rows), and
 * whenever the tables it read change — in this tab, another tab, a worker or a sync. It keeps showing the last
 * result while the next one loads, so a list never flashes empty between two windows. Construct it while a
 * component initialises: the subscription lives as long as that component.
 */
export class LiveQuery<T> {
  #value = $state.raw<T>() as T;
  #isLoading = $state(true);
  #error = $state.raw<Error | null>(null);

  /** `querier` reads its parameters (tracked) and returns the query to run, or null when there is nothing to ask. */
  constructor(querier: () => (() => Promise<T>) | null, initial: T) {
    this.#value = initial;
    $effect(() => {
      const run = querier();
      if (!run) {
        this.#isLoading = false;
        return;
      }
      this.#isLoading = true;
      const subscription = liveQuery(run).subscribe({
        next: (value) => {
          this.#value = value;
          this.#error = null;
          this.#isLoading = false;
        },
        error: (e: unknown) => {
          this.#error = e instanceof Error ? e : new Error(String(e));
          this.#isLoading = false;
        }
      });
      return () => subscription.unsubscribe();
    });
  }

  get current(): T {
    return this.#value;
  }

  /** True from a parameter change until its first result. */
  get isLoading(): boolean {
    return this.#isLoading;
  }

  get error(): Error | null {
    return this.#error;
  }
}

type Commands<K extends RecordKind> = {
  create: (ws: Workspace, input: RecordInput<K>) => Promise<RecordType<K>>;
  update: (ws: Workspace, id: string, patch: RecordInput<K>) => Promise<RecordType<K>>;
  remove: (ws: Workspace, id: string) => Promise<void>;
  restore: (ws: Workspace, id: string) => Promise<void>;
};

/** The typed commands of each kind: screens never write records any other way. */
export const recordCommands: { [K in RecordKind]: Commands<K> } = {
  contact: { create: createContact, update: updateContact, remove: deleteContact, restore: restoreContact },
  account: { create: createAccount, update: updateAccount, remove: deleteAccount, restore: restoreAccount }
};
