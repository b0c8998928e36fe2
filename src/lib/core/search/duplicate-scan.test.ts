// The duplicates screen's scan: groups over a whole table read in chunks, one group per set of records, dismissals kept.
import { describe, expect, it } from 'vitest';
import { createRecords, mergeRecords } from '../commands';
import { memoryWorkspace } from '../testing';
import { dismissGroup, scanDuplicates, withoutMember, type ScanProgress } from './duplicate-scan';

describe('scanning for duplicates', () => {
  it('finds contacts sharing an e-mail (Gmail dots and +tags folded) or a phone, in chunks with progress', async () => {
    const ws = memoryWorkspace();
    const { created } = await createRecords(ws, 'contact', [
      { firstName: 'Sita', lastName: 'Sharma', email: 'sita.sharma@gmail.com', phone: '+977 984-1111111' },
      { firstName: 'Sita', lastName: 'Sharma', email: 'SitaSharma+crm@gmail.com', phone: '984 1111111' },
      { firstName: 'Hari', lastName: 'Rai', email: 'hari@example.com', mobile: '9801234567' },
      { firstName: 'Harihar', lastName: 'Rai', email: 'harihar@example.com', phone: '+977-980-1234567' },
      ...Array.from({ length: 7 }, (_, i) => ({ firstName: `Unique${i}`, lastName: 'Person', email: `u${i}@example.com` }))
    ]);
    const progress: ScanProgress[] = [];
    const groups = await scanDuplicates(ws.db, 'contact', { chunkSize: 4, onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => p.done)).toEqual([4, 8, 11]);
    expect(progress.at(-1)).toEqual({ done: 11, total: 11 });
    expect(groups).toHaveLength(2);
    const byFirst = (first: string) => created.find((c) => c.firstName === first)!.id;
    const sita = groups.find((g) => g.ids.includes(byFirst('Sita')))!;
    // One pair sharing an e-mail and a phone is one group with both reasons.
    expect(sita.reasons.sort()).toEqual(['email', 'phone']);
    expect(sita.members.map((m) => m.title)).toEqual(['Sita Sharma', 'Sita Sharma']);
    expect(groups.find((g) => g.ids.includes(byFirst('Hari')))?.reasons).toEqual(['phone']);
    ws.close();
  });

  it('groups accounts of the same name, ignoring case and punctuation', async () => {
    const ws = memoryWorkspace();
    await createRecords(ws, 'account', [{ name: 'Everest Traders Pvt. Ltd.' }, { name: 'everest traders pvt ltd' }, { name: 'Everest Foods' }]);
    const groups = await scanDuplicates(ws.db, 'account');
    expect(groups).toHaveLength(1);
    expect(groups[0].members.map((m) => m.title).sort()).toEqual(['Everest Traders Pvt. Ltd.', 'everest traders pvt ltd']);
    ws.close();
  });

  it('leaves out dismissed groups until a new member joins, and merged records', async () => {
    const ws = memoryWorkspace();
    const { created } = await createRecords(ws, 'contact', [
      { firstName: 'Ada', lastName: 'One', email: 'ada@example.com' },
      { firstName: 'Ada', lastName: 'Two', email: 'ADA@example.com' }
    ]);
    const [group] = await scanDuplicates(ws.db, 'contact');
    await dismissGroup(ws.db, 'contact', group.signature);
    expect(await scanDuplicates(ws.db, 'contact')).toEqual([]);
    const { created: third } = await createRecords(ws, 'contact', [{ firstName: 'Ada', lastName: 'Three', email: 'ada@example.com' }]);
    const [back] = await scanDuplicates(ws.db, 'contact');
    expect(back.ids).toHaveLength(3);
    expect(withoutMember(back, third[0].id)?.signature).toBe(group.signature);
    expect(withoutMember(withoutMember(back, third[0].id)!, created[0].id)).toBeNull();
    await mergeRecords(ws, 'contact', created[0].id, third[0].id);
    expect(await scanDuplicates(ws.db, 'contact')).toEqual([]);
    ws.close();
  });
});
