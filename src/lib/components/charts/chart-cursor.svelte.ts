// A chart's cursor as rune state: which item the pointer or the keyboard is on, and which of the two put it there.
/**
 * One cursor rule for every chart: the pointer moves it silently, the keyboard moves it and has it read out
 * (ChartFrame speaks the tooltip only when `isKeyboard`), leaving the plot with the pointer hides it unless the
 * keyboard holds it, and losing focus hides it. `T` is the item: a row index, or a `[row, col]` cell.
 */
export class ChartCursor<T> {
  active = $state<T | null>(null);
  isKeyboard = $state(false);

  /** The pointer is over `at` (null: over no item). */
  point(at: T | null): void {
    this.isKeyboard = false;
    this.active = at;
  }

  /** Applies what a key means for the chart (see chart-math `cursorStep`); `undefined` leaves the key to the browser. */
  key(e: KeyboardEvent, next: T | null | undefined): void {
    if (next === undefined) return;
    e.preventDefault();
    this.isKeyboard = true;
    this.active = next;
  }

  leave(): void {
    if (!this.isKeyboard) this.active = null;
  }

  /** Focus from the keyboard shows the cursor at once, on `start` unless it is already somewhere. */
  focus(start: T): void {
    this.isKeyboard = true;
    this.active ??= start;
  }

  blur(): void {
    this.active = null;
  }
}
