// "Your data" as rune state: backup export and restore, CSV/vCard/iCalendar downloads — the work runs in io.worker, this tracks it.
import { backupFileName, type BackupCounts, type BackupHeader, type BackupProgress, type ImportResult } from '$lib/core/io/backup';
import type { ExportKind } from '$lib/core/io/exports';
import type { CollectionName } from '$lib/core/model/registry';
import type { Counter } from '$lib/core/storage/db';
import type { IoRequest, IoResponse } from '$lib/workers/io.worker';
import type { AppSession } from './session.svelte';

export type BackupSummary = {
  header: BackupHeader;
  /** Records found in the file's docs, per type. */
  records: Partial<Record<CollectionName, Counter>>;
  history: number;
  settings: number;
};

export type ImportStep = 'idle' | 'checking' | 'confirm' | 'restoring' | 'done' | 'error';
export type DataTask = 'backup' | ExportKind;

/** Starts a download of a Blob made on this device (no server involved). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers; a minute is plenty for it to start.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const newWorker = (): Worker => new Worker(new URL('../workers/io.worker.ts', import.meta.url), { type: 'module' });

/** Sends one request to a worker and resolves with its final answer; progress messages go to `onProgress`. */
function post(worker: Worker, request: IoRequest, onProgress: (p: BackupProgress) => void): Promise<IoResponse> {
  const answer = new Promise<IoResponse>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<IoResponse>) => {
      if (e.data.kind === 'progress') onProgress(e.data.progress);
      else resolve(e.data);
    };
    worker.onerror = (e) => reject(new Error(e.message || 'The data worker stopped unexpectedly.'));
  });
  worker.postMessage(request);
  return answer;
}

export class WorkspaceData {
  readonly #session: AppSession;

  /** The download being prepared, if any (one at a time keeps two cores free for the app). */
  busy = $state<DataTask | null>(null);
  exportProgress = $state.raw<BackupProgress | null>(null);
  /** The last download that failed, and why. */
  exportError = $state.raw<{ task: DataTask; message: string } | null>(null);
  /** Last finished download, for the status line. */
  exported = $state.raw<{ task: DataTask; fileName: string; count?: number } | null>(null);

  importStep = $state<ImportStep>('idle');
  importProgress = $state.raw<BackupProgress | null>(null);
  importError = $state<string | null>(null);
  fileName = $state<string | null>(null);
  summary = $state.raw<BackupSummary | null>(null);
  result = $state.raw<ImportResult | null>(null);
  #importer: Worker | null = null;

  constructor(session: AppSession) {
    this.#session = session;
  }

  get workspace(): string {
    return this.#session.choice.name;
  }

  get isImporting(): boolean {
    return this.importStep === 'checking' || this.importStep === 'restoring';
  }

  /** Writes the whole workspace into one `.fieldbook` file and downloads it. */
  async exportBackup(): Promise<void> {
    await this.#export('backup', { kind: 'export-backup', dbName: this.#session.db.name, device: this.#session.ws.device, workspace: this.workspace });
  }

  /** Contacts as CSV or vCard, tasks and meetings as iCalendar. */
  async exportFile(kind: ExportKind): Promise<void> {
    await this.#export(kind, { kind: 'export-file', dbName: this.#session.db.name, file: kind, workspace: this.workspace });
  }

  async #export(task: DataTask, request: IoRequest): Promise<void> {
    if (this.busy) return;
    this.busy = task;
    this.exportError = null;
    this.exported = null;
    this.exportProgress = null;
    const worker = newWorker();
    try {
      const answer = await post(worker, request, (p) => (this.exportProgress = p));
      if (answer.kind === 'error') throw new Error(answer.message);
      if (answer.kind !== 'exported') throw new Error('The data worker gave an unexpected answer.');
      const fileName = answer.fileName ?? backupFileName(this.workspace);
      downloadBlob(answer.blob, fileName);
      this.exported = { task, fileName, count: answer.count };
    } catch (e) {
      this.exportError = { task, message: `The file could not be made: ${(e as Error).message}` };
    } finally {
      worker.terminate();
      this.busy = null;
      this.exportProgress = null;
    }
  }

  /** Checks a chosen file completely (nothing is written) and, if it is a good backup, asks for confirmation. */
  async chooseFile(file: File): Promise<void> {
    if (this.isImporting) return;
    this.#stopImporter();
    this.fileName = file.name;
    this.summary = null;
    this.result = null;
    this.importError = null;
    this.importProgress = null;
    this.importStep = 'checking';
    this.#importer = newWorker();
    try {
      const answer = await post(this.#importer, { kind: 'check-backup', file }, (p) => (this.importProgress = p));
      if (answer.kind === 'error') throw new Error(answer.message);
      if (answer.kind !== 'checked') throw new Error('The data worker gave an unexpected answer.');
      this.summary = answer.summary;
      this.importStep = 'confirm';
    } catch (e) {
      this.importError = (e as Error).message;
      this.importStep = 'error';
      this.#stopImporter();
    } finally {
      this.importProgress = null;
    }
  }

  /** Restores the checked file into this workspace. The workspace is not written by this tab meanwhile. */
  async confirmImport(): Promise<void> {
    const worker = this.#importer;
    if (this.importStep !== 'confirm' || !worker) return;
    const session = this.#session;
    if (session.isReadOnly) {
      this.importError = 'This tab is read-only: Fieldbook is open for editing in another tab. Import there, or close it and try again.';
      this.importStep = 'error';
      return;
    }
    this.importStep = 'restoring';
    this.importProgress = null;
    const ws = session.ws;
    // The worker writes through its own write model: this tab must neither write meanwhile nor keep stale docs after.
    ws.isWriter = false;
    try {
      const answer = await post(worker, { kind: 'restore-backup', dbName: session.db.name, device: ws.device, user: session.userId }, (p) => (this.importProgress = p));
      if (answer.kind === 'error') throw new Error(answer.message);
      if (answer.kind !== 'restored') throw new Error('The data worker gave an unexpected answer.');
      this.result = answer.result;
      this.importStep = 'done';
    } catch (e) {
      this.importError = `The import stopped: ${(e as Error).message} Records imported before it stopped are kept; importing the same file again completes it.`;
      this.importStep = 'error';
    } finally {
      ws.close();
      ws.isWriter = !session.isReadOnly;
      this.importProgress = null;
      this.#stopImporter();
    }
  }

  cancelImport(): void {
    if (this.importStep === 'restoring') return;
    this.#stopImporter();
    this.importStep = 'idle';
    this.summary = null;
    this.fileName = null;
  }

  /** Call when the page goes away: frees the worker and the checked file it holds. */
  dispose(): void {
    if (this.importStep !== 'restoring') this.#stopImporter();
  }

  #stopImporter(): void {
    this.#importer?.terminate();
    this.#importer = null;
  }
}

/** Live records in a summary, e.g. for "12 contacts, 3 accounts". */
export const liveCounts = (records: BackupSummary['records']): [CollectionName, number][] =>
  (Object.entries(records) as [CollectionName, Counter][]).filter(([, c]) => c.live > 0).map(([name, c]) => [name, c.live]);

export type { BackupCounts };
