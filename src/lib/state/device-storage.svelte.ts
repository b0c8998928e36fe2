// This device's storage as rune state: space used, whether the browser promised to keep it, and asking for that promise.
import { isStoragePersisted, requestPersistence, storageEstimate, type StorageUse } from '$lib/core/storage/persist';

export class DeviceStorage {
  use = $state.raw<StorageUse | null>(null);
  /** null until known. */
  isPersisted = $state<boolean | null>(null);
  /** The answer to the last request in this session, to tell "not asked" from "declined". */
  lastAnswer = $state<'granted' | 'declined' | null>(null);
  isRequesting = $state(false);
  isSupported = typeof navigator !== 'undefined' && typeof navigator.storage?.persist === 'function';

  async refresh(): Promise<void> {
    const [use, persisted] = await Promise.all([storageEstimate(), isStoragePersisted()]);
    this.use = use;
    this.isPersisted = persisted;
  }

  /** Asks the browser not to evict Fieldbook's data under storage pressure. */
  async keep(): Promise<boolean> {
    this.isRequesting = true;
    try {
      const granted = await requestPersistence();
      this.isPersisted = granted;
      this.lastAnswer = granted ? 'granted' : 'declined';
      return granted;
    } finally {
      this.isRequesting = false;
    }
  }
}
