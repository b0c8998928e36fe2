// One Yjs client id per device and workspace, held by one tab at a time through a Web Lock.
/**
 * Yjs slows down with every client id a doc has seen (DESIGN.md §3: thousands of ids made 1,000 edits take 1.1 s
 * instead of 11 ms), so a device keeps one id for good. Two tabs writing with the same id would corrupt the docs,
 * so only the tab holding the lock writes; another tab is read-only and takes over when the writer closes.
 */
export type DeviceLease = {
  clientId: number;
  isWriter: boolean;
  /** Resolves when this tab becomes the writer (at once if it already is). */
  whenWriter: Promise<void>;
  release: () => void;
};

type LockManagerLike = {
  request: (name: string, options: { ifAvailable?: boolean; mode?: 'exclusive' }, cb: (lock: unknown) => Promise<void> | void) => Promise<unknown>;
};
type StorageLike = { getItem(key: string): string | null; setItem(key: string, value: string): void };

/** A random non-zero 32-bit id (Yjs client ids are uint32). */
export function randomClientId(): number {
  const a = new Uint32Array(1);
  do crypto.getRandomValues(a);
  while (a[0] === 0);
  return a[0];
}

export function deviceClientId(workspace: string, storage: StorageLike): number {
  const key = `fieldbook:${workspace}:clientId`;
  const stored = Number(storage.getItem(key));
  if (Number.isInteger(stored) && stored > 0 && stored < 2 ** 32) return stored;
  const id = randomClientId();
  storage.setItem(key, String(id));
  return id;
}

/** Takes the writer lock if free; otherwise queues for it and reports read-only until then. */
export async function leaseDevice(workspace: string, storage: StorageLike, locks: LockManagerLike | undefined): Promise<DeviceLease> {
  const clientId = deviceClientId(workspace, storage);
  if (!locks) return { clientId, isWriter: true, whenWriter: Promise.resolve(), release: () => undefined };
  const name = `fieldbook:${workspace}:writer`;
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const got = await new Promise<boolean>((resolve) => {
    void locks.request(name, { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(false);
        return;
      }
      resolve(true);
      return held;
    });
  });
  if (got) return { clientId, isWriter: true, whenWriter: Promise.resolve(), release };
  const whenWriter = new Promise<void>((resolve) => {
    void locks.request(name, {}, () => {
      resolve();
      return held;
    });
  });
  return { clientId, isWriter: false, whenWriter, release };
}
