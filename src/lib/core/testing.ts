// Test factories for core: a workspace on fake-indexeddb with a fixed clock and user, isolated per test.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { FieldbookDb } from './storage/db';
import { Workspace, type WorkspaceOptions } from './sync/workspace';

let counter = 0;

/** A fresh in-memory database: each call gets its own fake IndexedDB, so peers in one test never share storage. */
export function memoryDb(name = `test-${++counter}`): FieldbookDb {
  return new FieldbookDb(name, { indexedDB: new IDBFactory(), IDBKeyRange });
}

export function memoryWorkspace(o: Partial<WorkspaceOptions> & { device?: number } = {}): Workspace {
  const device = o.device ?? 1000 + ++counter;
  return new Workspace({ db: o.db ?? memoryDb(), device, user: o.user ?? (() => `user-${device}`), ...o });
}
