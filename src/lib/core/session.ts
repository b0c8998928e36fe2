// Opens a workspace: which one the URL asks for, its database, this device's writer lease, and the write model.
import { FieldbookDb, dbName } from './storage/db';
import { leaseDevice, type DeviceLease } from './sync/device';
import { Workspace } from './sync/workspace';

export type DemoScale = 'small' | 'field';
export type WorkspaceChoice = { name: string; demo: DemoScale | null };

/**
 * `/?demo=field` and `/?demo=small` open a generated workspace in storage of its own, so a reviewer or a benchmark
 * can reproduce every figure without touching real data; `/?workspace=x` opens another workspace. With neither,
 * the workspace opened last on this device opens again (a reload of /contacts must not switch workspaces); on a
 * first visit that is `default`, seeded with the small demo.
 */
export function chooseWorkspace(search: string, last: string | null = null): WorkspaceChoice {
  const q = new URLSearchParams(search);
  const demo = q.get('demo');
  if (demo === 'field' || demo === 'small') return { name: `demo-${demo}`, demo };
  const asked = q.get('workspace') ?? last ?? 'default';
  const name = asked.replace(/[^a-z0-9-]/gi, '').slice(0, 40) || 'default';
  const demoOf = /^demo-(field|small)$/.exec(name)?.[1] as DemoScale | undefined;
  return { name, demo: demoOf ?? (name === 'default' ? 'small' : null) };
}

export type Session = { choice: WorkspaceChoice; db: FieldbookDb; ws: Workspace; lease: DeviceLease };

export type SessionEnv = {
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  locks?: Parameters<typeof leaseDevice>[2];
  user: () => string;
  onCompactionDue?: (docId: string) => void;
};

export async function openSession(choice: WorkspaceChoice, env: SessionEnv): Promise<Session> {
  const db = new FieldbookDb(dbName(choice.name));
  await db.open();
  const lease = await leaseDevice(choice.name, env.storage, env.locks);
  const ws = new Workspace({ db, device: lease.clientId, user: env.user, isWriter: lease.isWriter, onCompactionDue: env.onCompactionDue });
  void lease.whenWriter.then(() => {
    // Docs a read-only tab loaded (an export, say) predate the other tab's writes: start writing from storage.
    ws.close();
    ws.isWriter = true;
  });
  return { choice, db, ws, lease };
}
