// Where a workspace records which types' rows all carry pair terms (read by global search, written by pair-backfill.ts).
import { collections, type CollectionName } from '../model/registry';

/** The types whose rows carry pair terms. */
export const pairedCollections = (Object.keys(collections) as CollectionName[]).filter((n) => collections[n].pairs === true);

/**
 * Meta key: true once every row of the type carries its pair terms; a string is the last id done so far. `local:`
 * because it describes this device's stored rows: a backup does not carry it (io/backup.ts isPortableSetting).
 */
export const pairsKey = (name: CollectionName): string => `local:search-pairs:${name}`;

/** The meta rows of a workspace created with pair terms from its first row (nothing to backfill). */
export const pairsDone = (): { key: string; value: true }[] => pairedCollections.map((n) => ({ key: pairsKey(n), value: true }));
