// A list shown a batch per frame: long tables and heat maps render in several short main-thread tasks instead of one long one.
import { untrack } from 'svelte';
import { cancelStep, queueStep } from './frame-queue';

/**
 * `items` starts with the first `batch` entries of `source()` and grows by `batch` a frame (through the frame queue, in
 * turn with the screen's other pieces) until it holds them all; when the source changes it starts over, unless it only
 * grew. Create it while a component initialises (it sets up an effect). Keyed `#each` blocks then only append rows,
 * so each step costs one batch of rendering and each frame lays out one batch.
 */
export class Progressive<T> {
  #count = $state(0);
  /** The entries shown, kept plain (not reactive) to tell a list that grew from a new one. */
  #shown: readonly T[] = [];
  readonly #source: () => readonly T[];

  constructor(source: () => readonly T[], batch = 20) {
    this.#source = source;
    $effect(() => {
      const list = source();
      // Nothing the steps write is read tracked here: that would make each step start the list over.
      const shown = this.#shown;
      // A list that only grew (the same entries first, e.g. "show all" after the first page) keeps the rows it showed.
      const isGrown = shown.length > 0 && list.length >= shown.length && shown.every((item, i) => item === list[i]);
      let count = isGrown ? shown.length : Math.min(batch, list.length);
      untrack(() => {
        this.#count = count;
        this.#shown = list.slice(0, count);
      });
      const owner = {};
      const step = () => {
        count = Math.min(list.length, count + batch);
        this.#count = count;
        this.#shown = list.slice(0, count);
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
