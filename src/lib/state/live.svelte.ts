// A Dexie liveQuery as rune state: re-runs when the tables it read change (in this tab, another tab or a worker).
import { liveQuery } from 'dexie';
import { createSubscriber } from 'svelte/reactivity';

/**
 * Subscribes only while something reactive reads `current` (createSubscriber), so a component that unmounts
 * stops the query with no cleanup code of its own.
 */
export class LiveValue<T> {
  #value: T;
  #error = $state.raw<Error | null>(null);
  #isLoaded = $state(false);
  #subscribe: () => void;

  constructor(query: () => T | Promise<T>, initial: T) {
    this.#value = $state.raw(initial);
    this.#subscribe = createSubscriber(() => {
      const subscription = liveQuery(query).subscribe({
        next: (value) => {
          this.#value = value;
          this.#error = null;
          this.#isLoaded = true;
        },
        error: (e: unknown) => {
          this.#error = e instanceof Error ? e : new Error(String(e));
          this.#isLoaded = true;
        }
      });
      return () => subscription.unsubscribe();
    });
  }

  /** The latest result (the initial value until the first result arrives). */
  get current(): T {
    this.#subscribe();
    return this.#value;
  }

  get error(): Error | null {
    this.#subscribe();
    return this.#error;
  }

  /** False until the first result or error: lets a view tell "none" from "not read yet". */
  get isLoaded(): boolean {
    this.#subscribe();
    return this.#isLoaded;
  }
}
