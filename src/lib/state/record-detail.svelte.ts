// One contact or account as rune state: the record, its conflicts, related records and timeline, live; edits go through commands.
import { logInteraction, type RecordInput } from '$lib/core/commands';
import type { ConflictRow } from '$lib/core/storage/db';
import { conflictsOf, recordById, relatedOf, timeline, type Related, type RowOf } from '$lib/core/storage/queries';
import type { Workspace } from '$lib/core/sync/workspace';
import { LiveQuery, recordCommands, type RecordKind } from './records.svelte';
import { toasts } from './toasts.svelte';

/** The timeline shows this many interactions at first, and this many more per "Load more". */
export const TIMELINE_PAGE = 100;

export type LogInput = Pick<RecordInput<'interaction'>, 'summary' | 'outcome' | 'direction'> & { channel: NonNullable<RecordInput<'interaction'>['channel']> };

const labels: Record<RecordKind, string> = { contact: 'Contact', account: 'Account' };

export class RecordDetailState<K extends RecordKind> {
  readonly kind: K;
  readonly ws: Workspace;
  #id: () => string;
  #record: LiveQuery<RowOf<K> | undefined | null>;
  #conflicts: LiveQuery<ConflictRow[]>;
  #related: LiveQuery<Related | null>;
  #timeline: LiveQuery<RowOf<'interaction'>[]>;
  #limit = $state(TIMELINE_PAGE);

  /** `id` is read reactively: navigating from one record to another reuses the same state. */
  constructor(ws: Workspace, kind: K, id: () => string) {
    this.ws = ws;
    this.kind = kind;
    this.#id = id;
    this.#record = new LiveQuery(() => {
      const current = id();
      return () => recordById(ws.db, kind, current);
    }, null);
    this.#conflicts = new LiveQuery(() => {
      const current = id();
      // Only a row flagged `_conflict` has any: most records never read the conflicts table.
      if (!this.hasConflict) return null;
      return () => conflictsOf(ws.db, kind, current);
    }, []);
    this.#related = new LiveQuery(() => {
      const current = id();
      return () => relatedOf(ws.db, kind, current);
    }, null);
    this.#timeline = new LiveQuery(() => {
      const current = id();
      const limit = this.#limit;
      return () => timeline(ws.db, kind === 'contact' ? { contactId: current } : { accountId: current }, limit + 1);
    }, []);
  }

  get id(): string {
    return this.#id();
  }

  /** The record (deleted ones too), undefined when there is none with this id, null until read. */
  get record(): RowOf<K> | undefined | null {
    return this.#record.current;
  }

  get isLoaded(): boolean {
    return this.#record.current !== null && !this.#record.isLoading;
  }

  readonly isDeleted = $derived(Boolean(this.record?._del));
  readonly hasConflict = $derived(Boolean(this.record?._conflict));

  get conflicts(): ConflictRow[] {
    return this.hasConflict ? this.#conflicts.current : [];
  }

  get related(): Related | null {
    return this.#related.current;
  }

  /** Latest interactions, newest first (one more than shown is read, to know whether there are more). */
  get interactions(): RowOf<'interaction'>[] {
    return this.#timeline.current.slice(0, this.#limit);
  }

  get hasMoreInteractions(): boolean {
    return this.#timeline.current.length > this.#limit;
  }

  get isTimelineLoading(): boolean {
    return this.#timeline.isLoading;
  }

  loadMoreInteractions(): void {
    this.#limit += TIMELINE_PAGE;
  }

  /** Saves changed fields; a ValidationError (with issues per field) reaches the form. */
  async save(patch: RecordInput<K>): Promise<void> {
    await recordCommands[this.kind].update(this.ws, this.id, patch);
  }

  /** Soft delete, with an Undo that restores it. */
  async remove(): Promise<void> {
    const id = this.id;
    await recordCommands[this.kind].remove(this.ws, id);
    toasts.show(`${labels[this.kind]} deleted`, { action: { label: 'Undo', run: () => this.#restore(id) } });
  }

  async restore(): Promise<void> {
    await this.#restore(this.id);
    toasts.show(`${labels[this.kind]} restored`, { tone: 'success' });
  }

  #restore(id: string): Promise<void> {
    return recordCommands[this.kind].restore(this.ws, id);
  }

  /** Logs a touch point now, against this contact (and its account) or this account. */
  async log(input: LogInput): Promise<void> {
    const record = this.record;
    const contactId = this.kind === 'contact' ? this.id : '';
    const accountId = this.kind === 'account' ? this.id : ((record as RowOf<'contact'> | null | undefined)?.accountId ?? '');
    await logInteraction(this.ws, { ...input, at: new Date().toISOString(), contactId, accountId });
  }
}
