// Short notices at the edge of the screen ("Contact deleted — Undo"), read out politely by screen readers.

export type ToastAction = { label: string; run: () => void | Promise<void> };
export type ToastOptions = {
  action?: ToastAction;
  /** Milliseconds before it goes away; 0 keeps it until dismissed. Defaults: 6 s, 10 s with an action. */
  timeout?: number;
  tone?: 'info' | 'success' | 'error';
};
export type Toast = { id: number; message: string; action?: ToastAction; tone: 'info' | 'success' | 'error' };

type Timer = { handle: ReturnType<typeof setTimeout> | null; remaining: number; startedAt: number };

/** At most this many stay on screen; older ones give way so the stack never covers the content. */
const MAX_VISIBLE = 3;

export class Toasts {
  items = $state.raw<Toast[]>([]);
  #nextId = 1;
  #timers = new Map<number, Timer>();
  #isPaused = false;

  /** Shows a toast and returns its id (for dismiss). */
  show(message: string, options: ToastOptions = {}): number {
    const id = this.#nextId++;
    const toast: Toast = { id, message, action: options.action, tone: options.tone ?? 'info' };
    const kept = this.items.slice(-(MAX_VISIBLE - 1));
    for (const old of this.items) if (!kept.includes(old)) this.#clearTimer(old.id);
    this.items = [...kept, toast];
    const timeout = options.timeout ?? (options.action ? 10_000 : 6_000);
    if (timeout > 0) {
      this.#timers.set(id, { handle: null, remaining: timeout, startedAt: 0 });
      if (!this.#isPaused) this.#startTimer(id);
    }
    return id;
  }

  dismiss(id: number): void {
    this.#clearTimer(id);
    this.items = this.items.filter((t) => t.id !== id);
  }

  /** Runs a toast's action once and removes the toast. */
  async act(id: number): Promise<void> {
    const toast = this.items.find((t) => t.id === id);
    this.dismiss(id);
    await toast?.action?.run();
  }

  /**
   * Stops every countdown while the pointer or keyboard focus is on a toast (WCAG 2.2.1: a person reaching for
   * "Undo" must not lose it to a timer).
   */
  pause(): void {
    if (this.#isPaused) return;
    this.#isPaused = true;
    for (const [, timer] of this.#timers) {
      if (timer.handle === null) continue;
      clearTimeout(timer.handle);
      timer.handle = null;
      timer.remaining -= Date.now() - timer.startedAt;
    }
  }

  resume(): void {
    if (!this.#isPaused) return;
    this.#isPaused = false;
    for (const id of this.#timers.keys()) this.#startTimer(id);
  }

  #startTimer(id: number): void {
    const timer = this.#timers.get(id);
    if (!timer) return;
    timer.startedAt = Date.now();
    timer.handle = setTimeout(() => this.dismiss(id), Math.max(1000, timer.remaining));
  }

  #clearTimer(id: number): void {
    const timer = this.#timers.get(id);
    if (timer?.handle) clearTimeout(timer.handle);
    this.#timers.delete(id);
  }
}

/** The app's one toast stack, rendered by the shell. */
export const toasts = new Toasts();
