// Asks the browser to keep Fieldbook's storage (no eviction under pressure) and reports how much space it uses.

/** The slice of `navigator` this module needs; tests pass a stand-in. */
export type StorageNavigator = {
  storage?: {
    persist?: () => Promise<boolean>;
    persisted?: () => Promise<boolean>;
    estimate?: () => Promise<{ usage?: number; quota?: number }>;
  };
};

export type StorageUse = {
  /** Bytes used by this origin (IndexedDB, caches, …), as the browser estimates them. */
  usage: number;
  /** Bytes this origin may use. */
  quota: number;
  /** usage / quota, 0..1 (0 when the quota is unknown). */
  fraction: number;
  /** e.g. "12.3 MB of 1.2 GB (1%)" */
  text: string;
};

function defaultNavigator(): StorageNavigator | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator;
}

/**
 * Requests persistent storage, so the browser will not evict the local CRM data when the disk fills up. Resolves to
 * true when storage is (or already was) persistent; false when the browser declined or has no Storage API. Chromium
 * decides silently from site engagement (installed apps are granted); Firefox may ask the user.
 */
export async function requestPersistence(nav: StorageNavigator | undefined = defaultNavigator()): Promise<boolean> {
  const storage = nav?.storage;
  if (!storage?.persist) return false;
  try {
    if (storage.persisted && (await storage.persisted())) return true;
    return await storage.persist();
  } catch {
    return false;
  }
}

/** Whether storage is already persistent, without asking. */
export async function isStoragePersisted(nav: StorageNavigator | undefined = defaultNavigator()): Promise<boolean> {
  try {
    return (await nav?.storage?.persisted?.()) ?? false;
  } catch {
    return false;
  }
}

/** Storage used and available for this origin, or null when the browser cannot tell. */
export async function storageEstimate(nav: StorageNavigator | undefined = defaultNavigator()): Promise<StorageUse | null> {
  const estimate = nav?.storage?.estimate;
  if (!estimate) return null;
  let result: { usage?: number; quota?: number };
  try {
    result = await estimate.call(nav?.storage);
  } catch {
    return null;
  }
  const usage = result.usage ?? 0;
  const quota = result.quota ?? 0;
  const fraction = quota > 0 ? Math.min(1, usage / quota) : 0;
  const percent = quota > 0 ? ` (${fraction > 0 && fraction < 0.01 ? '<1' : Math.round(fraction * 100)}%)` : '';
  const text = quota > 0 ? `${formatBytes(usage)} of ${formatBytes(quota)}${percent}` : formatBytes(usage);
  return { usage, quota, fraction, text };
}

const UNITS = ['bytes', 'kB', 'MB', 'GB', 'TB'] as const;

/** Formats a byte count with decimal units, as operating systems show disk space: 1234567 → "1.2 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 bytes';
  const exponent = Math.min(UNITS.length - 1, Math.floor(Math.log10(bytes) / 3));
  if (exponent === 0) return `${Math.round(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const value = bytes / 1000 ** exponent;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[exponent]}`;
}
