// Read-model query figures in Node on fake-indexeddb: prefix search over 50,000 contacts (the timing its unit test used to assert).
import { describe, it } from 'vitest';
import { loadavg } from 'node:os';
import { searchPrefix } from '$lib/core/storage/queries';
import { syntheticContacts } from '$lib/core/storage/synthetic';
import { memoryDb } from '$lib/core/testing';
import { median, percentile, record } from './results';

describe('read-model queries (Node, fake-indexeddb)', () => {
  it('prefix search over 50,000 contacts', async () => {
    const db = memoryDb();
    await db.open();
    await db.rows('contact').bulkPut(syntheticContacts(50_000));
    // Common and rare first letters, two-word queries, an e-mail start, a pair of common words that never meet, no match.
    const queries = ['a', 'ash', 'gita4 rai', 'company 12', 'p4999', 'zzz', 'kam thapa', 'lax', 'mag'];
    for (const q of queries) await searchPrefix(db, 'contact', q);
    const times: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (const q of queries) {
        const t0 = performance.now();
        await searchPrefix(db, 'contact', q);
        times.push(performance.now() - t0);
      }
    }
    record(
      'Prefix search over 50,000 contacts, median (Node, fake-indexeddb)',
      median(times),
      'ms',
      { max: 50 },
      `p95 ${percentile(times, 95).toFixed(1)} ms over ${queries.length} queries × 3; load average ${loadavg()[0].toFixed(1)}; fake-indexeddb is several times slower than Chromium's IndexedDB (the app bench measures Chromium)`
    );
    db.close();
  });
});
