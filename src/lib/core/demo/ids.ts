// Deterministic record ids for the demo: UUIDv7-shaped, unique by construction, and placed in a chosen bucket.
import { mix } from './random';
import { streams } from './world';

const hex = (v: number, width: number): string => (v >>> 0).toString(16).padStart(width, '0').slice(-width);

/**
 * A deterministic id in UUIDv7 shape (RFC 9562 §5.7): the 48-bit time is the record's creation time, so ids sort
 * like real ones. The collection code and a bijective scramble of the index sit in the random bits, which makes ids
 * unique by construction. For bucketed collections the last three hex digits are chosen so that the id hashes
 * (FNV-1a, as in sync/doc-layout.ts) into bucket `index mod buckets`.
 */
export function demoId(seed: number, code: number, index: number, ms: number, buckets = 1): string {
  const ts = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);
  const r = mix(seed, streams.idNonce, code, index);
  const scrambled = Math.imul(index, 0x9e3779b1) & 0xffffff;
  const prefix =
    `${ts.slice(0, 8)}-${ts.slice(8)}-7${hex(r & 0xfff, 3)}-` +
    `${hex(8 | ((code >> 4) & 3), 1)}${hex(((code & 15) << 8) | (scrambled >>> 16), 3)}-${hex(scrambled & 0xffff, 4)}${hex(mix(seed, 99) & 0xfffff, 5)}`;
  const start = (r >>> 12) & 0xfff;
  if (buckets <= 1) return prefix + hex(start, 3);
  let h = 0x811c9dc5;
  for (let i = 0; i < prefix.length; i++) h = Math.imul(h ^ prefix.charCodeAt(i), 0x01000193);
  const target = index % buckets;
  for (let i = 0; i < 4096; i++) {
    const nonce = hex((start + i) & 0xfff, 3);
    let g = h;
    for (let k = 0; k < 3; k++) g = Math.imul(g ^ nonce.charCodeAt(k), 0x01000193);
    if ((g >>> 0) % buckets === target) return prefix + nonce;
  }
  return prefix + hex(start, 3);
}
