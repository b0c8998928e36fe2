// Shared state of the sales screens (leads, kiosk, opportunities): an edit form whose errors come from the command's validation.
import { ValidationError, type FieldIssue } from '$lib/core/commands';
import { ReadOnlyError } from '$lib/core/sync/workspace';

type DraftValue = string | number | boolean;

/**
 * One message per form field from a command's issues. `alias` maps a schema path to the input that shows it
 * (`amount.amount` → `amount`, a lead's "name or company" rule on `lastName` → the name box of the kiosk).
 */
export function fieldErrors(issues: readonly FieldIssue[], alias: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const field = alias[issue.path] ?? alias[issue.path.split('.')[0]] ?? issue.path.split('.')[0];
    if (!out[field]) out[field] = issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
  }
  return out;
}

/**
 * A form's draft, whether it differs from the record it was taken from, and inline errors per field. An error stays
 * next to its field only while the field still holds the value that failed, so fixing it clears the message at once.
 */
export class SalesForm<D extends Record<string, DraftValue>> {
  draft = $state() as D;
  #origin = $state.raw() as D;
  #errors = $state.raw<Record<string, string>>({});
  #failed = $state.raw<Partial<D>>({});
  /** A problem that is not about one field (read-only tab, storage full), or how many fields need a change. */
  formError = $state<string | null>(null);
  isSaving = $state(false);
  readonly #alias: Record<string, string>;

  readonly isDirty = $derived((Object.keys(this.draft) as (keyof D)[]).some((k) => this.draft[k] !== this.#origin[k]));

  constructor(initial: D, alias: Record<string, string> = {}) {
    this.draft = { ...initial };
    this.#origin = initial;
    this.#alias = alias;
  }

  /** The values the draft was taken from (what a patch is computed against). */
  get origin(): D {
    return this.#origin;
  }

  /** The record changed (here, in another tab, by a sync): show it, unless the person is in the middle of an edit. */
  sync(next: D): void {
    if (this.isDirty || this.isSaving) return;
    this.draft = { ...next };
    this.#origin = next;
  }

  /** Starts over from a blank (or given) draft: the kiosk after each visitor. */
  replace(next: D): void {
    this.draft = { ...next };
    this.#origin = next;
    this.#errors = {};
    this.formError = null;
  }

  errorOf(field: keyof D & string): string | null {
    const message = this.#errors[field];
    return message && this.draft[field] === this.#failed[field] ? message : null;
  }

  /** Fields with a message right now, in form order: the first one gets focus after a failed save. */
  get invalidFields(): string[] {
    return (Object.keys(this.draft) as (keyof D & string)[]).filter((f) => this.errorOf(f));
  }

  reset(): void {
    this.draft = { ...this.#origin };
    this.#errors = {};
    this.formError = null;
  }

  /** Errors found before any command ran (an amount that is not a number); returns false so callers can stop. */
  reject(errors: Record<string, string>, failed: D = $state.snapshot(this.draft) as D): false {
    this.#errors = errors;
    this.#failed = failed;
    const n = Object.keys(errors).length;
    this.formError = `Not saved: ${n === 1 ? 'one field needs' : `${n} fields need`} a change.`;
    return false;
  }

  /** Runs `save` with a snapshot of the draft; on success the draft becomes the new origin. Returns whether it saved. */
  async submit(save: (draft: D, origin: D) => Promise<unknown>): Promise<boolean> {
    const snapshot = $state.snapshot(this.draft) as D;
    this.isSaving = true;
    this.formError = null;
    try {
      await save(snapshot, this.#origin);
      this.#origin = snapshot;
      this.#errors = {};
      return true;
    } catch (e) {
      if (e instanceof ValidationError) {
        return this.reject(fieldErrors(e.issues, this.#alias), snapshot);
      }
      this.formError = e instanceof ReadOnlyError ? e.message : (e as Error).message || 'Saving failed.';
      return false;
    } finally {
      this.isSaving = false;
    }
  }
}

/** Keys whose value differs: an update sends only these, so a concurrent edit of another field elsewhere is kept. */
export function changedFields<D extends Record<string, unknown>>(from: D, to: D): (keyof D)[] {
  return (Object.keys(to) as (keyof D)[]).filter((k) => from[k] !== to[k]);
}
