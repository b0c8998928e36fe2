// Edit-form state of the product, quote, task and rule editors: a draft of any shape, whether it changed, and messages per field path.
import { ValidationError } from '$lib/core/commands';
import { ReadOnlyError } from '$lib/core/sync/workspace';

const capitalise = (s: string): string => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/**
 * `draft` is what the inputs bind to; the form is dirty while it differs from the record it was taken from (compared
 * as JSON: drafts are small plain objects, a quote with its lines included). Messages are keyed by the schema path of
 * the issue (`name`, `lines.2.quantity`) so a message shows next to the input of that line.
 */
export class EditForm<D> {
  draft = $state() as D;
  #origin = $state.raw('');
  #errors = $state.raw<Record<string, string>>({});
  /** A problem not about one field (read-only tab, storage full), or how many fields need a change. */
  formError = $state<string | null>(null);
  isSaving = $state(false);

  readonly isDirty = $derived(JSON.stringify(this.draft) !== this.#origin);

  constructor(initial: D) {
    this.draft = structuredClone(initial);
    this.#origin = JSON.stringify(initial);
  }

  /** The record changed (here, in another tab, by a sync): show it, unless the person is in the middle of an edit. */
  sync(next: D): void {
    if (this.isDirty || this.isSaving) return;
    this.draft = structuredClone(next);
    this.#origin = JSON.stringify(next);
  }

  /** Back to the record as it was. */
  reset(): void {
    this.draft = JSON.parse(this.#origin) as D;
    this.#errors = {};
    this.formError = null;
  }

  errorOf(path: string): string | null {
    return this.#errors[path] ?? null;
  }

  get hasErrors(): boolean {
    return Object.keys(this.#errors).length > 0;
  }

  /** Forgets a field's message once the person changes the field. */
  clearError(path: string): void {
    if (!(path in this.#errors)) return;
    const { [path]: _gone, ...rest } = this.#errors;
    this.#errors = rest;
  }

  /** Runs `save` with a snapshot of the draft; on success the draft becomes the new origin. Returns whether it saved. */
  async submit(save: (draft: D) => Promise<unknown>): Promise<boolean> {
    const snapshot = $state.snapshot(this.draft) as D;
    this.isSaving = true;
    this.formError = null;
    try {
      await save(snapshot);
      this.#origin = JSON.stringify(snapshot);
      this.#errors = {};
      return true;
    } catch (e) {
      if (e instanceof ValidationError) {
        const errors: Record<string, string> = {};
        for (const issue of e.issues) errors[issue.path] ??= capitalise(issue.message);
        this.#errors = errors;
        const n = Object.keys(errors).length;
        this.formError = `Not saved: ${n === 1 ? 'one field needs' : `${n} fields need`} a change.`;
      } else if (e instanceof ReadOnlyError) {
        this.formError = e.message;
      } else {
        this.formError = (e as Error).message || 'Saving failed.';
      }
      return false;
    } finally {
      this.isSaving = false;
    }
  }
}
