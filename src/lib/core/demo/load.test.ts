// Loading the demo: everything lands through the normal write path, counters add up, and an interrupted load resumes without duplicates.
import { describe, expect, test } from 'vitest';
import { createRecord, createRecords } from '../commands/records';
import type { CollectionName } from '../model/registry';
import { memoryWorkspace } from '../testing';
import type { Workspace } from '../sync/workspace';
import { demoBatch, demoTotals, loadOrder } from './generate';
import { demoState, loadDemo, readDemoMeta, type DemoProgress } from './load';

async function expectCounts(ws: Workspace): Promise<void> {
  const totals = demoTotals('small');
  for (const c of loadOrder) {
    expect((await ws.db.counter(c)).live, `${c} counter`).toBe(totals[c]);
    expect(await ws.db.rows(c).count(), `${c} rows`).toBe(totals[c]);
  }
}

// Each test loads the whole small demo (~15k records): generous time on a shared 2-core machine.
describe('loadDemo', { timeout: 240_000 }, () => {
  test('loads the small demo into an empty workspace: every record accepted, counters match the totals', async () => {
    const ws = memoryWorkspace();
    expect(await demoState(ws.db)).toBe('none');
    const progress: DemoProgress[] = [];
    const r = await loadDemo(ws, 'small', { onProgress: (p) => progress.push(p) });
    const total = demoTotals('small').total;
    expect(r).toMatchObject({ done: total, total, written: total, resumedFrom: 0 });
    expect(await demoState(ws.db)).toBe('complete');
    await expectCounts(ws);
    // Progress only moves forward and ends at the total, naming what is being written.
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ done: total, total, phase: 'Interactions' });
    expect(new Set(progress.map((p) => p.phase))).toContain('Contacts');
    // Rows are searchable like any other record.
    const anyContact = (await ws.db.rows('contact').limit(1).toArray())[0] as { lastName: string; _terms: string[] };
    expect(anyContact._terms).toContain(anyContact.lastName.toLowerCase());
    console.log(`small demo: ${total} records in ${Math.round(r.ms)} ms = ${r.rowsPerSecond} records/s (Node, fake-indexeddb)`);

    const again = await loadDemo(ws, 'small');
    expect(again.written).toBe(0);
    await expect(loadDemo(ws, 'field')).rejects.toThrow(/already holds the small demo/);
  });

  test('records the app made itself under a demo id (the default stages) are left as they are', async () => {
    const ws = memoryWorkspace();
    await createRecord(ws, 'stage', { id: 'won', name: 'Won!', position: 'a4', probability: 100, outcome: 'won' } as never);
    // Users, stages and products are the first three batches: stop after them.
    const controller = new AbortController();
    let batches = 0;
    const load = loadDemo(ws, 'small', { signal: controller.signal, onProgress: () => ++batches === 3 && controller.abort() });
    await expect(load).rejects.toThrow();
    expect((await ws.db.counter('stage')).live).toBe(6);
    expect(await ws.db.rows('stage').get('won')).toMatchObject({ name: 'Won!' });
  });

  test('an aborted load resumes from the next batch; a half-written batch is completed without duplicates', async () => {
    const ws = memoryWorkspace();
    const controller = new AbortController();
    let batches = 0;
    await expect(
      loadDemo(ws, 'small', {
        signal: controller.signal,
        onProgress: () => {
          if (++batches === 8) controller.abort();
        }
      })
    ).rejects.toThrow();
    expect(await demoState(ws.db)).toBe('partial');
    const meta = (await readDemoMeta(ws.db))!;
    // The batch in flight when the abort came is finished and recorded; nothing after it is written.
    expect(meta.nextBatch).toBeGreaterThanOrEqual(8);
    expect(meta.nextBatch).toBeLessThanOrEqual(9);
    const next = demoBatch('small', 1, meta.nextBatch);
    expect(await ws.db.rows(next.collection).get(next.records[0].id)).toBeUndefined();

    // Simulate a crash in the middle of the next batch: half its records were stored, the meta was not updated.
    const half = next.records.slice(0, Math.floor(next.records.length / 2));
    const { rejected } = await createRecords(ws, next.collection as CollectionName, half as never[]);
    expect(rejected).toEqual([]);

    const resumed = await loadDemo(ws, 'small');
    expect(resumed.resumedFrom).toBe(meta.nextBatch);
    expect(resumed.written).toBe(demoTotals('small').total - meta.done - half.length);
    expect(await demoState(ws.db)).toBe('complete');
    await expectCounts(ws);
  });
});
