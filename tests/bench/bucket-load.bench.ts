// Loading one field-size contact bucket (Node, fake-indexeddb, the real Workspace): from a v1 snapshot and from the v2 one compaction now writes.
import { describe, it } from 'vitest';
import { loadavg } from 'node:os';
import * as Y from 'yjs';
import { createRecords } from '$lib/core/commands';
import { collections } from '$lib/core/model/registry';
import { compactDoc } from '$lib/core/sync/compaction';
import { docIdFor } from '$lib/core/sync/doc-layout';
import { Workspace } from '$lib/core/sync/workspace';
import { memoryWorkspace } from '$lib/core/testing';
import { median, record } from './results';

/** The field workspace's contacts per bucket: 50,000 contacts over 32 buckets. */
const PER_BUCKET = 1_560;

/** Ids that all land in one bucket, so one doc holds a field-size share of the contacts. */
function idsInOneBucket(n: number): string[] {
  const ids: string[] = [];
  const target = `contact/b0`;
  for (let i = 0; ids.length < n; i++) {
    const id = `0190a1b2-c3d4-7e5f-8a9b-${i.toString(16).padStart(12, '0')}`;
    if (docIdFor(collections.contact, { id } as never) === target) ids.push(id);
  }
  return ids;
}

async function timeLoads(ws: Workspace, docId: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const fresh = new Workspace({ db: ws.db, device: ws.device, user: () => 'bench' });
    const t0 = performance.now();
    await fresh.doc(docId);
    times.push(performance.now() - t0);
    fresh.close();
  }
  return median(times);
}

describe('Yjs doc loading (Node, fake-indexeddb)', () => {
  it('loads a field-size contact bucket from a v1 and from a v2 snapshot', async () => {
    const ws = memoryWorkspace();
    const ids = idsInOneBucket(PER_BUCKET);
    const inputs = ids.map((id, i) => ({
      id,
      firstName: ['Asha', 'Bikash', 'Chandra', 'Deepa', 'Gita', 'Hari'][i % 6],
      lastName: ['Rai', 'Thapa', 'Gurung', 'Shrestha', 'Karki'][i % 5] + i,
      email: `person${i}@example.com`,
      phone: `+977 98${String(10_000_000 + i)}`,
      title: 'Purchasing manager',
      notes: `Met at the trade fair; prefers calls after noon. Customer number ${i}.`
    }));
    for (let i = 0; i < inputs.length; i += 500) await createRecords(ws, 'contact', inputs.slice(i, i + 500) as never);
    // A second round of edits, as a worked-in bucket has: every contact's phone and title written again.
    for (let i = 0; i < inputs.length; i += 500) {
      await ws.mutateMany([
        {
          docId: 'contact/b0',
          fn: (records, ctx) => {
            for (const { id } of inputs.slice(i, i + 500)) {
              const m = records.get(id) as Y.Map<unknown>;
              m.set(`phone|${ctx.device}`, ['+977 1 4400000', ctx.at, '', ctx.by]);
              m.set(`title|${ctx.device}`, ['Head of purchasing', ctx.at, '', ctx.by]);
            }
          }
        }
      ]);
    }
    const docId = 'contact/b0';
    // The state as a v1 snapshot, as compaction wrote it before.
    const doc = await ws.doc(docId);
    const v1 = Y.encodeStateAsUpdate(doc);
    const log = await ws.db.updates.where('docId').equals(docId).toArray();
    await ws.db.snapshots.put({ docId, state: v1, upTo: Math.max(...log.map((u) => u.seq ?? 0)) });
    await ws.db.updates.where('docId').equals(docId).delete();
    const v1Ms = await timeLoads(ws, docId);
    // One more edit, then compaction writes the v2 snapshot.
    await ws.mutate(docId, (records, ctx) => (records.get(ids[0]) as Y.Map<unknown>).set(`city|${ctx.device}`, ['Pokhara', ctx.at, '', ctx.by]));
    await compactDoc(ws.db, docId);
    const v2 = (await ws.db.snapshots.get(docId))!;
    const v2Ms = await timeLoads(ws, docId);
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;
    const note = `${PER_BUCKET.toLocaleString('en')} contacts, each written twice; load average ${loadavg()[0].toFixed(1)}`;
    record('Load one contact bucket from a v1 snapshot (the format before), median of 5', v1Ms, 'ms', null, `${mb(v1.byteLength)}; ${note}`);
    record('Load one contact bucket from a v2 snapshot (what compaction writes), median of 5', v2Ms, 'ms', null, `${mb(v2.state.byteLength)}; ${note}`);
    ws.close();
  });
});
