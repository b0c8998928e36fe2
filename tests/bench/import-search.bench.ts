// Import and global-search figures in Node on fake-indexeddb (the same core code the import worker and the search dialog run).
import { describe, it } from 'vitest';
import { availableParallelism, loadavg } from 'node:os';
import { createRecords } from '$lib/core/commands';
import { demoBatch, demoBatchCount, demoBatchRange } from '$lib/core/demo/generate';
import { compileMapping, decodeText, parseCsv, suggestMapping, validateInput } from '$lib/core/io/csv-import';
import { importRows } from '$lib/core/io/import-records';
import { collections, type CollectionName } from '$lib/core/model/registry';
import { searchAll } from '$lib/core/search/global';
import { memoryWorkspace } from '$lib/core/testing';
import { contactCsv } from './contact-csv';
import { median, percentile, record } from './results';

const ROWS = 100_000;

describe('import', () => {
  it(`imports a ${ROWS.toLocaleString('en')}-row contact CSV`, async () => {
    const bytes = contactCsv(ROWS);
    const ws = memoryWorkspace({ cacheSize: 40 });
    const t0 = performance.now();
    const { text } = decodeText(bytes);
    const table = parseCsv(text);
    const t1 = performance.now();
    const mapping = suggestMapping(table.headers, table.rows, 'contact');
    const result = await importRows(ws, table, mapping);
    const t2 = performance.now();
    // The import's own work without storage: mapping every row and checking it against the contact schema.
    const mapper = compileMapping(table.headers, mapping);
    const t3 = performance.now();
    for (const row of table.rows) validateInput('contact', mapper.map(row.values).input);
    const t4 = performance.now();
    if (result.imported !== ROWS) throw new Error(`imported ${result.imported} of ${ROWS}: ${result.rejected[0]?.reason}`);
    const mb = (bytes.length / 1024 / 1024).toFixed(1);
    record(`CSV read (decode + parse), ${ROWS.toLocaleString('en')} rows, ${mb} MB`, ROWS / ((t1 - t0) / 1000), 'rows/s', null, `${Math.round(t1 - t0)} ms`);
    record(`CSV map + schema check of every row (no storage), ${ROWS.toLocaleString('en')} rows`, ROWS / ((t4 - t3) / 1000), 'rows/s', null, `${Math.round(t4 - t3)} ms`);
    record(
      `CSV import end to end (read, map, validate, link ${result.accountsCreated.toLocaleString('en')} accounts, write), ${ROWS.toLocaleString('en')} contacts`,
      ROWS / ((t2 - t0) / 1000),
      'rows/s',
      { min: 5000 },
      `Node + fake-indexeddb (an in-memory IndexedDB in JS): ${((t2 - t0) / 1000).toFixed(1)} s, most of it in the shared write path (createRecords: Yjs + store); load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores during the run; in the app the same code runs in import.worker against Chromium's IndexedDB`
    );
    ws.close();
  });
});

/** Writes the field-scale demo's records of the given types (all of them, or the first `limit`), batch by batch. */
async function loadPart(ws: ReturnType<typeof memoryWorkspace>, want: Partial<Record<CollectionName, number>>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < demoBatchCount('field'); i++) {
    const { collection, from } = demoBatchRange('field', i);
    const limit = want[collection];
    if (limit === undefined || from >= limit) continue;
    const batch = demoBatch('field', 1, i);
    const records = batch.records.slice(0, limit - from);
    const r = await createRecords(ws, collection, records as never[]);
    counts[collection] = (counts[collection] ?? 0) + r.created.length;
  }
  return counts;
}

describe('global search', () => {
  it('p95 of 50 queries at a workspace built from the field-scale demo', async () => {
    const ws = memoryWorkspace({ cacheSize: 40 });
    const t0 = performance.now();
    const counts = await loadPart(ws, {
      user: 1e9,
      stage: 1e9,
      product: 1e9,
      article: 1e9,
      campaign: 1e9,
      account: 10_000,
      partner: 1e9,
      contact: 50_000,
      opportunity: 20_000,
      ticket: 5_000,
      task: 2_000,
      order: 20_000,
      interaction: 100_000
    });
    const buildSeconds = (performance.now() - t0) / 1000;
    // Queries a person types: 3-letter prefixes of names, companies and cities, whole names, two words, an e-mail start.
    const contacts = (await ws.db.rows('contact').limit(400).toArray()) as { firstName: string; lastName: string; company: string; email: string }[];
    const queries: string[] = [];
    for (let i = 0; queries.length < 50; i++) {
      const c = contacts[(i * 37) % contacts.length];
      const kind = i % 5;
      if (kind === 0) queries.push(c.firstName.slice(0, 3));
      else if (kind === 1) queries.push(c.lastName.slice(0, 3));
      else if (kind === 2) queries.push(c.lastName);
      else if (kind === 3) queries.push(`${c.firstName.slice(0, 2)} ${c.lastName.slice(0, 3)}`);
      else queries.push(c.email.slice(0, 5));
    }
    for (const q of queries.slice(0, 5)) await searchAll(ws.db, q);
    const times: number[] = [];
    let hits = 0;
    for (const q of queries) {
      const t = performance.now();
      hits += (await searchAll(ws.db, q)).length;
      times.push(performance.now() - t);
    }
    const size = Object.entries(counts)
      .filter(([, n]) => n >= 1000)
      .map(([name, n]) => `${n.toLocaleString('en')} ${collections[name as CollectionName].labelPlural.toLowerCase()}`)
      .join(', ');
    record(
      'Global search p95 over 50 queries (Node, fake-indexeddb)',
      percentile(times, 95),
      'ms',
      { max: 50 },
      `median ${median(times).toFixed(1)} ms, ${(hits / queries.length).toFixed(1)} hits a query; workspace: ${size} (built in ${buildSeconds.toFixed(0)} s); load average ${loadavg()[0].toFixed(1)}; Chromium's IndexedDB differs`
    );
    ws.close();
  });
});
