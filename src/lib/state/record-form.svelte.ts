// An edit form's state: the draft, what changed since it was taken, inline errors per field, and the save outcome.
import { ValidationError, type FieldIssue } from '$lib/core/commands';
import { ReadOnlyError } from '$lib/core/sync/workspace';
import type { RecordKind } from './records.svelte';

type DraftValue = string | boolean;

/** Keys whose value differs between two drafts. */
export function changedKeys<D extends Record<string, unknown>>(from: D, to: D): (keyof D)[] {
  return (Object.keys(to) as (keyof D)[]).filter((k) => from[k] !== to[k]);
}

/**
 * The input that shows a schema issue: `address.city` is the City input (address lines are flat in a draft), and an
 * account's `region` is its Sales region (the address has a region too).
 */
export function issuesByField(issues: FieldIssue[], kind: RecordKind): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    let field = issue.path.startsWith('address.') ? issue.path.slice('address.'.length) : issue.path.split('.')[0];
    if (kind === 'account' && issue.path === 'region') field = 'salesRegion';
    if (field === 'consent') field = 'consentEmail';
    if (!out[field]) out[field] = issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
  }
  return out;
}

/**
 * `origin` is the record as the draft was taken from it: the patch carries only fields that differ from it, and the
 * form is dirty while any does. Errors stay next to a field only while it still holds the value that failed, so
 * fixing the field clears its message at once.
 */
export class DraftForm<D extends Record<string, DraftValue>> {
  draft = $state() as D;
  #origin = $state.raw() as D;
  #errors = $state.raw<Record<string, string>>({});
  #failed = $state.raw<Partial<D>>({});
  /** A problem that is not about one field (read-only tab, storage full), or the count of fields to fix. */
  formError = $state<string | null>(null);
  isSaving = $state(false);
  readonly kind: RecordKind;

  readonly isDirty = $derived(changedKeys(this.#origin, this.draft).length > 0);

  constructor(kind: RecordKind, initial: D) {
    this.kind = kind;
    this.draft = { ...initial };
    this.#origin = initial;
  }

  get origin(): D {
    return this.#origin;
  }

  /** The record changed (here, in another tab, by a sync): show it, unless the person is in the middle of an edit. */
  sync(next: D): void {
    if (this.isDirty || this.isSaving) return;
    this.draft = { ...next };
    this.#origin = next;
  }

  errorOf(field: keyof D & string): string | null {
    const message = this.#errors[field];
    return message && this.draft[field] === this.#failed[field] ? message : null;
  }

  readonly hasErrors = $derived(Object.keys(this.#errors).some((f) => this.errorOf(f as keyof D & string)));

  /** Back to the record as it is. */
  reset(): void {
    this.draft = { ...this.#origin };
    this.#errors = {};
    this.formError = null;
  }

  /** Runs `save`; on success the draft becomes the new origin. Returns whether it saved. */
  async submit(save: (origin: D, draft: D) => Promise<unknown>): Promise<boolean> {
    const snapshot = $state.snapshot(this.draft) as D;
    this.isSaving = true;
    this.formError = null;
    try {
      await save(this.#origin, snapshot);
      this.#origin = snapshot;
      this.#errors = {};
      return true;
    } catch (e) {
      if (e instanceof ValidationError) {
        this.#errors = issuesByField(e.issues, this.kind);
        this.#failed = snapshot;
        const n = Object.keys(this.#errors).length;
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
