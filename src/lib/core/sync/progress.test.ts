// The records-to-go estimate: bounded by the clock ticks a doc lacks, scaled by records per tick or per doc known or learned, shown as "about".
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { aboutCount, missingTicks, missingTicksOf, progressText, RecordsToGo } from './progress';

describe('missingTicks', () => {
  it('counts the clock ticks one state vector holds beyond another', () => {
    expect(missingTicks(new Map([[1, 10], [2, 5]]), new Map([[1, 4]]))).toBe(11);
    expect(missingTicks(new Map([[1, 4]]), new Map([[1, 10], [2, 5]]))).toBe(0);
    const doc = new Y.Doc();
    doc.getMap('records').set('r1', 'x');
    doc.getMap('records').set('r2', 'y');
    expect(missingTicksOf(Y.encodeStateVector(doc), undefined)).toBe(2);
    expect(missingTicksOf(undefined, Y.encodeStateVector(doc))).toBe(0);
  });
});

describe('RecordsToGo', () => {
  it('sends: a whole doc by the local records per tick, edits by at most one record per tick', () => {
    // 640 contacts in 32 docs and 6,400 ticks: 20 a doc, 0.1 a tick.
    const e = new RecordsToGo(new Map([['contact', { records: 640, docs: 32, ticks: 6_400 }]]));
    e.plan('contact/b0', 'contact', { send: { ticks: 250, isWhole: true } }); // the peer has none of it: ~25 records
    e.plan('contact/b1', 'contact', { send: { ticks: 2, isWhole: false } }); // two field edits: at most 2
    e.plan('contact/b2', 'contact', { send: { ticks: 900, isWhole: false } }); // many edits: at most a doc's worth
    expect(e.value).toBe(25 + 2 + 20);
    e.sent('contact/b0');
    expect(e.value).toBe(22);
    e.sent('contact/b1');
    e.sent('contact/b2');
    expect(e.value).toBe(0);
  });

  it('receives on a new device: unknown until a whole doc arrived, then by records per tick of the type, else of all', () => {
    const e = new RecordsToGo(new Map());
    for (let i = 0; i < 4; i++) e.plan(`contact/b${i}`, 'contact', { receive: { ticks: 260 + i * 10, isWhole: true } });
    for (let i = 0; i < 2; i++) e.plan(`interaction/2026-0${i + 1}`, 'interaction', { receive: { ticks: 1000, isWhole: true } });
    expect(e.value).toBeNull();
    e.received('contact/b0', 26); // 26 records in 260 ticks: 0.1 a tick
    expect(e.value).toBe(27 + 28 + 29 + 2 * 100);
    e.received('interaction/2026-01', 250);
    expect(e.value).toBe(27 + 28 + 29 + 250);
    // A doc that did not come (the peer could not read it) is no longer to go, and teaches nothing.
    e.received('contact/b1', null);
    expect(e.value).toBe(28 + 29 + 250);
  });

  it('receives on a device that has the type: its own ratio for new docs, a doc’s worth at most for edits', () => {
    const e = new RecordsToGo(new Map([['account', { records: 100, docs: 4, ticks: 500 }]]));
    e.plan('account/b0', 'account', { receive: { ticks: 3, isWhole: false } });
    e.plan('account/b1', 'account', { receive: { ticks: 500, isWhole: false } });
    e.plan('account/b2', 'account', { send: { ticks: 5, isWhole: false }, receive: { ticks: 500, isWhole: false } });
    e.plan('account/b9', 'account', { receive: { ticks: 50, isWhole: true } });
    expect(e.value).toBe(3 + 25 + (5 + 25) + 10);
    e.received('account/b1', 1); // a partial doc teaches nothing: edits are not a doc's worth
    expect(e.value).toBe(3 + 30 + 10);
  });
});

describe('progressText', () => {
  it('says docs and, when estimable, about how many records', () => {
    expect(progressText(12, 40, 3437)).toBe('12 of 40 docs, about 3,400 records to go');
    expect(progressText(12, 40, 87)).toBe('12 of 40 docs, about 87 records to go');
    expect(progressText(1, 1, 1)).toBe('1 of 1 docs, about 1 record to go');
    expect(progressText(12, 40, null)).toBe('12 of 40 docs to go');
    expect(progressText(0, 40, 0)).toBe('0 of 40 docs to go');
    expect(aboutCount(12_345)).toBe('about 12,000');
    expect(aboutCount(128)).toBe('about 130');
  });
});
