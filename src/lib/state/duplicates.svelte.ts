// The duplicates screen as rune state: the scan (in import.worker, with progress), the groups, dismissals and merges.
import { mergeRecords } from '$lib/core/commands';
import { dismissGroup, withoutMember, type DuplicateGroupView, type DuplicateKind, type ScanProgress } from '$lib/core/search/duplicate-scan';
import type { ImportRequest, ImportResponse } from '$lib/workers/import.worker';
import type { AppSession } from './session.svelte';

export type ScanStatus = 'idle' | 'scanning' | 'ready' | 'error';

export class DuplicatesState {
  readonly #session: AppSession;
  kind = $state<DuplicateKind>('contact');
  status = $state<ScanStatus>('idle');
  progress = $state.raw<ScanProgress | null>(null);
  groups = $state.raw<DuplicateGroupView[]>([]);
  error = $state<string | null>(null);
  /** The group open in the merge view, by signature. */
  selected = $state<string | null>(null);
  #worker: Worker | null = null;

  constructor(session: AppSession) {
    this.#session = session;
  }

  readonly current = $derived(this.groups.find((g) => g.signature === this.selected) ?? null);

  /**
   * Scans the whole table in a worker (50,000 contacts take a few seconds to read; the page stays responsive) and
   * replaces the groups. A second call while one runs restarts it.
   */
  async scan(kind: DuplicateKind = this.kind): Promise<void> {
    this.#stop();
    this.kind = kind;
    this.status = 'scanning';
    this.progress = null;
    this.error = null;
    this.selected = null;
    const worker = new Worker(new URL('../workers/import.worker.ts', import.meta.url), { type: 'module' });
    this.#worker = worker;
    try {
      const groups = await new Promise<DuplicateGroupView[]>((resolve, reject) => {
        worker.onmessage = (e: MessageEvent<ImportResponse>) => {
          const m = e.data;
          if (m.kind === 'scan-progress') this.progress = m.progress;
          else if (m.kind === 'scanned') resolve(m.groups);
          else if (m.kind === 'error') reject(new Error(m.message));
        };
        worker.onerror = (e) => reject(new Error(e.message || 'The duplicate scan stopped unexpectedly.'));
        worker.postMessage({ kind: 'scan', dbName: this.#session.db.name, collection: kind } satisfies ImportRequest);
      });
      if (this.#worker !== worker) return;
      this.groups = groups;
      this.status = 'ready';
    } catch (e) {
      if (this.#worker !== worker) return;
      this.error = (e as Error).message;
      this.status = 'error';
    } finally {
      if (this.#worker === worker) this.#stop();
    }
  }

  /** "Not duplicates": hides the group now and in later scans (until a new record joins it). */
  async dismiss(group: DuplicateGroupView): Promise<void> {
    await dismissGroup(this.#session.db, this.kind, group.signature);
    this.groups = this.groups.filter((g) => g.signature !== group.signature);
    if (this.selected === group.signature) this.selected = null;
  }

  /**
   * Merges `otherId` into `keepId` (related records move over; the other is soft-deleted with `mergedInto`, so its
   * history stays reachable) and takes the merged record out of every group.
   */
  async merge(keepId: string, otherId: string, choices: Record<string, 'keep' | 'other'>): Promise<{ moved: number }> {
    const result = await mergeRecords(this.#session.ws, this.kind, keepId, otherId, choices);
    const selected = this.current;
    const next = this.groups.map((g) => (g.ids.includes(otherId) ? withoutMember(g, otherId) : g)).filter((g): g is DuplicateGroupView => g !== null);
    this.groups = next;
    // Keep the view on the same group when it still has records to compare.
    const still = selected ? next.find((g) => g.key === selected.key && g.ids.includes(keepId)) : undefined;
    this.selected = still?.signature ?? null;
    return result;
  }

  dispose(): void {
    this.#stop();
  }

  #stop(): void {
    this.#worker?.terminate();
    this.#worker = null;
  }
}
