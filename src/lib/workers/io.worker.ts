// Data transfer worker: a thin message switch over core/io (backup export, check and restore; CSV, vCard, iCalendar files).
import { BackupError, exportWorkspace, restoreBackup, verifyBackup, type BackupProgress, type VerifiedBackup } from '../core/io/backup';
import { buildExport, type ExportKind } from '../core/io/exports';
import { FieldbookDb } from '../core/storage/db';
import { Workspace } from '../core/sync/workspace';

export type IoRequest =
  | { kind: 'export-backup'; dbName: string; device: number; workspace: string }
  | { kind: 'export-file'; dbName: string; file: ExportKind; workspace: string }
  | { kind: 'check-backup'; file: Blob }
  | { kind: 'restore-backup'; dbName: string; device: number; user: string };

export type IoResponse =
  | { kind: 'progress'; progress: BackupProgress }
  | { kind: 'exported'; blob: Blob; fileName?: string; count?: number }
  | { kind: 'checked'; summary: Omit<VerifiedBackup, 'docs' | 'history' | 'settings'> & { history: number; settings: number } }
  | { kind: 'restored'; result: Awaited<ReturnType<typeof restoreBackup>> }
  | { kind: 'error'; message: string; problem?: BackupError['problem'] };

/** The file checked last: restore writes exactly what the person confirmed, without reading it again. */
let checked: VerifiedBackup | null = null;

const post = (message: IoResponse) => self.postMessage(message);
const onProgress = (progress: BackupProgress) => post({ kind: 'progress', progress });

async function withWorkspace<T>(dbName: string, device: number, user: string, fn: (ws: Workspace) => Promise<T>): Promise<T> {
  const db = new FieldbookDb(dbName);
  const ws = new Workspace({ db, device, user: () => user });
  try {
    return await fn(ws);
  } finally {
    ws.close();
    db.close();
  }
}

self.onmessage = async (e: MessageEvent<IoRequest>) => {
  const m = e.data;
  try {
    switch (m.kind) {
      case 'export-backup': {
        const blob = await withWorkspace(m.dbName, m.device, '', (ws) => exportWorkspace(ws, { workspace: m.workspace, onProgress }));
        post({ kind: 'exported', blob });
        break;
      }
      case 'export-file': {
        const db = new FieldbookDb(m.dbName);
        try {
          const file = await buildExport(db, m.file, m.workspace);
          post({ kind: 'exported', blob: file.blob, fileName: file.fileName, count: file.count });
        } finally {
          db.close();
        }
        break;
      }
      case 'check-backup': {
        checked = null;
        const backup = await verifyBackup(m.file, { onProgress });
        checked = backup;
        post({ kind: 'checked', summary: { header: backup.header, records: backup.records, history: backup.history.length, settings: backup.settings.length } });
        break;
      }
      case 'restore-backup': {
        if (!checked) throw new Error('Choose the backup file again: it was not checked in this session.');
        const backup = checked;
        const result = await withWorkspace(m.dbName, m.device, m.user, (ws) => restoreBackup(ws, backup, { onProgress }));
        checked = null;
        post({ kind: 'restored', result });
        break;
      }
    }
  } catch (err) {
    post({ kind: 'error', message: (err as Error).message, problem: err instanceof BackupError ? err.problem : undefined });
  }
};
