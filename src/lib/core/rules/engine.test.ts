// The rules engine, table-driven: which facts make which tasks, never twice for the same period; run end to end on a workspace.
import { describe, expect, it } from 'vitest';
import { evaluate, type Facts } from './engine';
import { runRules } from './run';
import { memoryWorkspace } from '../testing';
import { createRecord } from '../commands';

const now = new Date('2026-11-23T09:00:00Z');
const baseFacts = (): Facts => ({
  accounts: [
    { id: 'a1', name: 'Hotel Yak', tier: 'key', owner: 'u1', deletedAt: null },
    { id: 'a2', name: 'Tea Shop', tier: 'small', owner: 'u2', deletedAt: null },
    { id: 'a3', name: 'Old School', tier: 'key', owner: 'u1', deletedAt: '2026-01-01T00:00:00Z' },
    { id: 'a4', name: 'Everest Bank', tier: 'key', owner: 'u3', deletedAt: null }
  ],
  lastContactByAccount: new Map([
    ['a1', '2026-09-01T10:00:00Z'],
    ['a4', '2026-11-20T10:00:00Z']
  ]),
  opportunities: [
    { id: 'o1', name: 'TVs', stage: 'proposal', closeDate: '2026-11-10', owner: 'u1', accountId: 'a1', deletedAt: null },
    { id: 'o2', name: 'Phones', stage: 'won', closeDate: '2026-11-01', owner: 'u1', accountId: 'a1', deletedAt: null },
    { id: 'o3', name: 'Laptops', stage: 'negotiation', closeDate: '2026-12-10', owner: 'u2', accountId: '', deletedAt: null }
  ],
  openStages: new Set(['prospecting', 'qualification', 'proposal', 'negotiation']),
  tickets: [
    { id: 't1', subject: 'Broken screen', status: 'open', priority: 'normal', slaDue: '2026-11-22T00:00:00Z', owner: 'u4', escalationLevel: 0, deletedAt: null },
    { id: 't2', subject: 'Resolved', status: 'resolved', priority: 'normal', slaDue: '2026-11-01T00:00:00Z', owner: 'u4', escalationLevel: 0, deletedAt: null }
  ],
  existingRuleKeys: new Set()
});
const rule = (trigger: string, params: Record<string, string | number> = {}) => ({ id: `r-${trigger}`, name: trigger, isEnabled: true, trigger, params });

describe('rules engine', () => {
  const cases: { name: string; rules: ReturnType<typeof rule>[]; expected: string[] }[] = [
    { name: 'key account silent for 6+ weeks → call task; recent contact, small tier and deleted accounts → none', rules: [rule('account.noContact', { weeks: 6, tier: 'key' })], expected: ['createTask:Call Hotel Yak'] },
    { name: 'a longer silence threshold spares it', rules: [rule('account.noContact', { weeks: 20, tier: 'key' })], expected: [] },
    { name: 'open opportunity past close date → review task; won deals and future dates → none', rules: [rule('opportunity.closeDatePassed')], expected: ['createTask:Review TVs: close date 2026-11-10 has passed'] },
    { name: 'ticket past SLA → escalated one level; resolved tickets → none', rules: [rule('ticket.slaBreached', { maxLevel: 2 })], expected: ['escalateTicket:t1'] },
    { name: 'a disabled rule does nothing', rules: [{ ...rule('opportunity.closeDatePassed'), isEnabled: false }], expected: [] }
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = evaluate(c.rules, baseFacts(), now).map((p) => (p.kind === 'createTask' ? `createTask:${p.input.title}` : `escalateTicket:${p.ticketId}`));
      expect(got).toEqual(c.expected);
    });
  }

  it('never proposes the same task twice for the same period', () => {
    const facts = baseFacts();
    const first = evaluate([rule('account.noContact', { weeks: 6, tier: 'key' })], facts, now);
    expect(first).toHaveLength(1);
    expect(evaluate([rule('account.noContact', { weeks: 6, tier: 'key' })], facts, now)).toHaveLength(0);
    const nextWeek = new Date(now.getTime() + 7 * 86_400_000);
    expect(evaluate([rule('account.noContact', { weeks: 6, tier: 'key' })], facts, nextWeek)).toHaveLength(1);
  });

  it('runs on a workspace: effects are ordinary task records with the owner and a rule key, idempotent', async () => {
    const ws = memoryWorkspace();
    const acc = await createRecord(ws, 'account', { name: 'Hotel Yak', tier: 'key', owner: 'rep-1' });
    await createRecord(ws, 'interaction', { channel: 'phone', at: '2026-08-01T10:00:00.000Z', accountId: acc.id, summary: 'Call' });
    await createRecord(ws, 'rule', { name: 'Key accounts', trigger: 'account.noContact', params: { weeks: 6, tier: 'key' } });
    expect(await runRules(ws, now)).toHaveLength(1);
    expect(await runRules(ws, now)).toHaveLength(0);
    const tasks = await ws.db.rows('task').toArray();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ title: 'Call Hotel Yak', kind: 'call', owner: 'rep-1', accountId: acc.id, status: 'open' });
  });
});
