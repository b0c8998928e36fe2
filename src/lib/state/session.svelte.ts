// The open workspace as rune state: boot (database, writer lease), demo loading in a worker with progress, and context access.
import { getContext, setContext } from 'svelte';
import { chooseWorkspace, openSession, type Session, type WorkspaceChoice } from '$lib/core/session';
import type { FieldbookDb } from '$lib/core/storage/db';
import { pairedTypes } from '$lib/core/storage/pair-backfill';
import { pairedCollections } from '$lib/core/storage/pair-keys';
import type { Workspace } from '$lib/core/sync/workspace';

export type SessionStatus = 'opening' | 'loading-demo' | 'ready' | 'error';
export type Progress = { done: number; total: number; phase: string };

const KEY = Symbol('fieldbook-session');
const LAST_WORKSPACE = 'fieldbook:lastWorkspace';

export class AppSession {
  status = $state<SessionStatus>('opening');
  error = $state<string | null>(null);
  progress = $state.raw<Progress | null>(null);
  isReadOnly = $state(false);
  choice = $state.raw<WorkspaceChoice>({ name: 'default', demo: null });
  /** Last demo load speed, shown in Settings and read by the benchmark. */
  demoRate = $state<number | null>(null);
  /** True once the workspace holds everything it will hold: no demo to load, or the demo is complete. */
  isDemoReady = $state(false);
  /** Mirrors the stored choice so views that show "You are:" update when it changes. */
  #me = $state<string | null>(null);
  #opening: Promise<void> | null = null;
  #session: Session | null = null;
  #compactor: Worker | null = null;

  get db(): FieldbookDb {
    if (!this.#session) throw new Error('The workspace is not open yet');
    return this.#session.db;
  }

  get ws(): Workspace {
    if (!this.#session) throw new Error('The workspace is not open yet');
    return this.#session.ws;
  }

  get isReady(): boolean {
    return this.status === 'ready';
  }

  /** Who is making changes on this device (chosen in Settings; defaults to a local user). */
  get userId(): string {
    return this.#me ?? localStorage.getItem(`fieldbook:${this.choice.name}:me`) ?? 'local-user';
  }

  setUser(id: string): void {
    localStorage.setItem(`fieldbook:${this.choice.name}:me`, id);
    this.#me = id;
  }

  /** Opens the workspace once; a second call (a remount, hot reload) waits for the first instead of opening twice. */
  open(search: string): Promise<void> {
    this.#opening ??= this.#open(search);
    return this.#opening;
  }

  async #open(search: string): Promise<void> {
    try {
      this.choice = chooseWorkspace(search, localStorage.getItem(LAST_WORKSPACE));
      localStorage.setItem(LAST_WORKSPACE, this.choice.name);
      this.#session = await openSession(this.choice, {
        storage: localStorage,
        locks: navigator.locks,
        user: () => this.userId,
        onCompactionDue: (docId) => this.#compact(docId)
      });
      this.isReadOnly = !this.#session.lease.isWriter;
      void this.#session.lease.whenWriter.then(() => (this.isReadOnly = false));
      if (this.choice.demo) {
        const { demoState } = await import('$lib/core/demo/meta');
        const isComplete = (await demoState(this.#session.db)) === 'complete';
        // A read-only tab cannot write the demo: it opens with what the writing tab has stored so far.
        if (!isComplete && this.#session.lease.isWriter) await this.#loadDemo();
        this.isDemoReady = isComplete || this.#session.lease.isWriter;
      } else {
        this.isDemoReady = true;
      }
      this.status = 'ready';
      // A workspace closed before this runs (another one opened) is backfilled when it is next opened.
      void this.#session.lease.whenWriter.then(() => this.#backfillPairs()).catch(() => undefined);
    } catch (e) {
      this.error = (e as Error).message;
      this.status = 'error';
    }
  }

  /** The demo is generated and written in a worker (lazy chunk) so the first screen stays responsive; it resumes after a reload. */
  async #loadDemo(): Promise<void> {
    const session = this.#session!;
    this.status = 'loading-demo';
    session.ws.isWriter = false;
    const worker = new Worker(new URL('../workers/demo.worker.ts', import.meta.url), { type: 'module' });
    try {
      await new Promise<void>((resolve, reject) => {
        worker.onmessage = (e: MessageEvent) => {
          const m = e.data as { kind: string; done?: number; total?: number; phase?: string; rowsPerSecond?: number; message?: string };
          if (m.kind === 'progress') this.progress = { done: m.done ?? 0, total: m.total ?? 0, phase: m.phase ?? '' };
          else if (m.kind === 'done') {
            this.demoRate = m.rowsPerSecond ?? null;
            resolve();
          } else if (m.kind === 'error') reject(new Error(`The demo workspace could not be loaded: ${m.message}`));
        };
        worker.onerror = (e) => reject(new Error(`The demo workspace could not be loaded: ${e.message}`));
        worker.postMessage({ kind: 'load', dbName: session.db.name, device: session.ws.device, user: this.userId, scale: this.choice.demo, seed: 1 });
      });
    } finally {
      worker.terminate();
      // The worker wrote with this device's id: drop any doc this tab had cached so the next edit starts from storage.
      session.ws.close();
      session.ws.isWriter = session.lease.isWriter;
      this.progress = null;
    }
  }

  /**
   * Rows stored before pair terms existed get them in the upkeep worker, by the tab that may write. Only when some are
   * missing (a workspace created by this version has them all), and only once the first screen is up: the worker's
   * script is not part of the start-up.
   */
  async #backfillPairs(): Promise<void> {
    if ((await pairedTypes(this.db)).size === pairedCollections.length) return;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    this.#upkeep().postMessage({ kind: 'pairs', dbName: this.db.name });
  }

  #upkeep(): Worker {
    this.#compactor ??= new Worker(new URL('../workers/compaction.worker.ts', import.meta.url), { type: 'module' });
    return this.#compactor;
  }

  #compact(docId: string): void {
    this.#upkeep().postMessage({ kind: 'compact', dbName: this.db.name, docId });
  }
}

export function setAppSession(session: AppSession): AppSession {
  return setContext(KEY, session);
}

export function getAppSession(): AppSession {
  return getContext<AppSession>(KEY);
}
