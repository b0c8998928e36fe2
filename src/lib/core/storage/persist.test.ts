// Persistent-storage request and the "storage used" figure shown in Settings.
import { describe, expect, it } from 'vitest';
import { formatBytes, isStoragePersisted, requestPersistence, storageEstimate } from './persist';

describe('requestPersistence', () => {
  it('is false without a Storage API', async () => {
    expect(await requestPersistence(undefined)).toBe(false);
    expect(await requestPersistence({})).toBe(false);
  });

  it('does not ask again when storage is already persistent', async () => {
    let asked = 0;
    const nav = { storage: { persisted: async () => true, persist: async () => (asked++, true) } };
    expect(await requestPersistence(nav)).toBe(true);
    expect(asked).toBe(0);
  });

  it('reports what the browser decided', async () => {
    expect(await requestPersistence({ storage: { persisted: async () => false, persist: async () => true } })).toBe(true);
    expect(await requestPersistence({ storage: { persisted: async () => false, persist: async () => false } })).toBe(false);
    expect(await requestPersistence({ storage: { persist: () => Promise.reject(new Error('denied')) } })).toBe(false);
  });

  it('tells whether storage is persistent without asking', async () => {
    expect(await isStoragePersisted({ storage: { persisted: async () => true } })).toBe(true);
    expect(await isStoragePersisted({})).toBe(false);
  });
});

describe('storageEstimate', () => {
  it('formats usage against quota', async () => {
    const use = await storageEstimate({ storage: { estimate: async () => ({ usage: 12_345_678, quota: 1_200_000_000 }) } });
    expect(use).toEqual({ usage: 12_345_678, quota: 1_200_000_000, fraction: 12_345_678 / 1_200_000_000, text: '12 MB of 1.2 GB (1%)' });
  });

  it('shows a tiny share as under one percent', async () => {
    const use = await storageEstimate({ storage: { estimate: async () => ({ usage: 50_000, quota: 10_000_000_000 }) } });
    expect(use?.text).toBe('50 kB of 10 GB (<1%)');
  });

  it('is null when the browser cannot estimate', async () => {
    expect(await storageEstimate({})).toBeNull();
    expect(await storageEstimate({ storage: { estimate: () => Promise.reject(new Error('no')) } })).toBeNull();
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [999, '999 bytes'],
    [1000, '1.0 kB'],
    [1_500_000, '1.5 MB'],
    [25_000_000, '25 MB'],
    [3_000_000_000_000, '3.0 TB']
  ])('%d → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
