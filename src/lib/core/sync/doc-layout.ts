// Which Yjs doc a record lives in: a hash bucket per collection for mutable records, a month doc for history.
import type { Collection } from '../model/base';

/** FNV-1a 32-bit: a stable, fast string hash, identical on every device (bucket placement must never differ). */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Month key (UTC) of an ISO instant: `2026-11`. */
export const monthOf = (iso: string): string => iso.slice(0, 7);

export function docIdFor(collection: Collection, record: { id: string } & Record<string, unknown>): string {
  const shard = collection.shard;
  if (shard.kind === 'bucket') return `${collection.name}/b${fnv1a(record.id) % shard.buckets}`;
  const at = record[shard.field];
  if (typeof at !== 'string' || !/^\d{4}-\d{2}/.test(at)) throw new Error(`${collection.name}.${shard.field} is needed to place the record`);
  return `${collection.name}/${monthOf(at)}`;
}

/** The collection a doc belongs to (doc ids start with the collection name). */
export const collectionOfDoc = (docId: string): string => docId.slice(0, docId.indexOf('/'));

/** Ids of a bucketed collection's docs: every device computes the same list. */
export function bucketDocIds(collection: Collection): string[] {
  const shard = collection.shard;
  if (shard.kind !== 'bucket') return [];
  return Array.from({ length: shard.buckets }, (_, i) => `${collection.name}/b${i}`);
}
