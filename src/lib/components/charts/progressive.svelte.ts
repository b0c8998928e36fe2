// A list shown a batch per frame: long tables and heat maps render in several short main-thread tasks instead of one long one.
import { untrack } from 'svelte';
import { cancelStep, queueStep } from './frame-queue';

/**
 * `items` starts with the first `batch` entries of `source()` and grows by `batch` a frame (through the frame queue, in
 * turn with the screen's other pieces) until it holds them all; when the source changes it starts over. Create it
 * while a component initialises (it sets up an effect). Keyed `#each` blocks then only append rows, so each step
 * costs one batch of rendering and each frame lays out one batch.
 */
export class Progressive<T> {
  #count = $state(0);
  readonly #source: () => readonly T[];

  constructor(source: () => readonly T[], batch = 20) {
    this.#source = source;
    $effect(() => {
      const list = source();
      // The count is written, never read, here: reading it would make each step start the list over.
      let count = Math.min(batch, list.length);
      untrack(() => (this.#count = count));
      const owner = {};
      const step = () => {
        count = Math.min(list.length, count + batch);
        this.#count = count;
        if (count < list.length) queueStep(owner, step);
      };
      if (count < list.length) queueStep(owner, step);
      return () => cancelStep(owner);
    });
  }

  get items(): readonly T[] {
    return this.#source().slice(0, this.#count);
  }

  get isComplete(): boolean {
    return this.#count >= this.#source().length;
  }
}
