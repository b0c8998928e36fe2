// Merge semantics of field registers, table-driven: who wins, what counts as a conflict, how child lines assemble.
import { describe, expect, it } from 'vitest';
import { formatStamp } from './hlc';
import { project, type RegisterEntry } from './registers';

const t = (wall: number, client = 1) => formatStamp(wall, 0, client);
const e = (path: string, device: number, value: unknown, at: string, base = ''): RegisterEntry => ({ path, device: String(device), reg: [value, at, base, `u${device}`] });

describe('project', () => {
  const cases: { name: string; entries: RegisterEntry[]; fields: Record<string, unknown>; conflicts: string[] }[] = [
    { name: 'one writer', entries: [e('name', 1, 'A', t(10))], fields: { name: 'A' }, conflicts: [] },
    {
      name: 'later edit wins whatever the device id',
      entries: [e('stage', 9, 'proposal', t(10, 9)), e('stage', 1, 'won', t(20, 1))],
      fields: { stage: 'won' },
      conflicts: ['stage']
    },
    {
      name: 'an edit made after seeing the other is not a conflict',
      entries: [e('stage', 9, 'proposal', t(10, 9)), e('stage', 1, 'won', t(20, 1), t(10, 9))],
      fields: { stage: 'won' },
      conflicts: []
    },
    {
      name: 'concurrent edits to the same value are not a conflict',
      entries: [e('phone', 1, '123', t(10, 1)), e('phone', 2, '123', t(11, 2))],
      fields: { phone: '123' },
      conflicts: []
    },
    {
      name: 'different fields never interact',
      entries: [e('phone', 1, '123', t(10, 1)), e('email', 2, 'a@b.co', t(11, 2))],
      fields: { phone: '123', email: 'a@b.co' },
      conflicts: []
    },
    {
      name: 'same wall time: the stamp order (counter, then client) decides, identically everywhere',
      entries: [e('name', 2, 'from 2', t(10, 2)), e('name', 1, 'from 1', t(10, 1))],
      fields: { name: 'from 2' },
      conflicts: ['name']
    },
    {
      name: 'a resolution based on the latest stamp clears the conflict',
      entries: [e('name', 1, 'A', t(10, 1)), e('name', 2, 'B', t(11, 2)), e('name', 1, 'A', t(12, 1), t(11, 2))],
      fields: { name: 'A' },
      conflicts: []
    },
    {
      name: 'structured values compare by content',
      entries: [e('address', 1, { city: 'Pokhara' }, t(10, 1)), e('address', 2, { city: 'Pokhara' }, t(11, 2))],
      fields: { address: { city: 'Pokhara' } },
      conflicts: []
    }
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = project(c.entries);
      expect(p.fields).toEqual(c.fields);
      expect(p.conflicts.map((x) => x.path)).toEqual(c.conflicts);
    });
  }

  it('reports the losing value with who and when', () => {
    const p = project([e('amount', 1, 100, t(10, 1)), e('amount', 2, 200, t(20, 2))]);
    expect(p.conflicts[0].winner).toMatchObject({ value: 200, by: 'u2' });
    expect(p.conflicts[0].losers).toEqual([{ value: 100, at: t(10, 1), by: 'u1', device: '1' }]);
    expect(p.latest).toEqual({ at: t(20, 2), by: 'u2' });
  });

  it('assembles child lines in fractional-index order and drops removed lines', () => {
    const p = project(
      [
        e('lines/x', 1, { id: 'x', position: 'a1', q: 1 }, t(10)),
        e('lines/y', 1, { id: 'y', position: 'a0', q: 2 }, t(10)),
        e('lines/z', 1, { id: 'z', position: 'a2', q: 3 }, t(10)),
        e('lines/z', 2, null, t(11, 2), t(10)),
        e('lines/x', 2, { id: 'x', position: 'a1', q: 5 }, t(12, 2), t(10))
      ],
      [{ field: 'lines', orderBy: 'position' }]
    );
    expect(p.fields.lines).toEqual([
      { id: 'y', position: 'a0', q: 2 },
      { id: 'x', position: 'a1', q: 5 }
    ]);
  });

  it('gives an empty list when a child field has no lines', () => {
    expect(project([], [{ field: 'lines', orderBy: 'position' }]).fields).toEqual({ lines: [] });
  });
});
