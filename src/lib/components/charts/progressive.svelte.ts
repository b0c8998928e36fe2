// A list shown a batch per task: long tables and heat maps render in several short main-thread tasks instead of one long one.
import { untrack } from 'svelte';

/**
 * `items` starts with the first `batch` entries of `source()` and grows by `batch` every macrotask until it holds them
 * all; when the source changes it starts over. Create it while a component initialises (it sets up an effect). Keyed
 * `#each` blocks then only append rows, so each step costs one batch of rendering.
 */
export class Progressive<T> {
  #count = $state(0);
  readonly #source: () => readonly T[];

  constructor(source: () => readonly T[], batch = 20) {
    this.#source = source;
    $effect(() => {
      const list = source();
      untrack(() => (this.#count = Math.min(batch, list.length)));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const step = () => {
        if (this.#count >= list.length) return;
        this.#count = Math.min(list.length, this.#count + batch);
        timer = setTimeout(step, 0);
      };
      timer = setTimeout(step, 0);
      return () => clearTimeout(timer);
    });
  }

  get items(): readonly T[] {
    return this.#source().slice(0, this.#count);
  }

  get isComplete(): boolean {
    return this.#count >= this.#source().length;
  }
}
