// Runs the automation rules against the read model and applies the proposals as ordinary commands.
import { createRecord, updateRecord } from '../commands/records';
import type { Workspace } from '../sync/workspace';
import { evaluate, type Facts, type Proposal } from './engine';
import { defaultStageInfo } from '../sales/pipeline';

/** Gathers the facts the triggers read, with indexed queries only. */
export async function gatherFacts(ws: Workspace): Promise<Facts> {
  const db = ws.db;
  const [accounts, opportunities, stages, tickets, ruleTasks] = await Promise.all([
    db.rows('account').where('[tier+_del]').equals(['key', 0]).toArray(),
    db.rows('opportunity').toArray(),
    db.rows('stage').toArray(),
    db.rows('ticket').toArray(),
    db.rows('task').where('ruleKey').above('').toArray()
  ]);
  const lastContactByAccount = new Map<string, string>();
  for (const a of accounts) {
    const last = await db.rows('interaction').where('[accountId+at]').between([a.id, ''], [a.id, '\uffff']).last();
    if (last) lastContactByAccount.set(a.id as string, last.at as string);
  }
  const stageList = stages.length > 0 ? (stages as unknown as { id: string; outcome: string }[]) : defaultStageInfo;
  return {
    accounts: accounts as unknown as Facts['accounts'],
    lastContactByAccount,
    opportunities: opportunities as unknown as Facts['opportunities'],
    openStages: new Set(stageList.filter((s) => s.outcome === 'open').map((s) => s.id)),
    tickets: tickets as unknown as Facts['tickets'],
    existingRuleKeys: new Set(ruleTasks.map((t) => t.ruleKey as string))
  };
}

export async function applyProposal(ws: Workspace, p: Proposal): Promise<void> {
  if (p.kind === 'createTask') {
    await createRecord(ws, 'task', { ...p.input, ruleId: p.ruleId, ruleKey: p.ruleKey, accountId: p.input.accountId ?? '', relatedTo: p.input.relatedTo ?? '' });
  } else {
    await updateRecord(ws, 'ticket', p.ticketId, { escalationLevel: p.level, priority: p.priority });
  }
}

/** Evaluates every enabled rule now and applies what it proposes; returns what was done. */
export async function runRules(ws: Workspace, now = new Date()): Promise<Proposal[]> {
  const rules = (await ws.db.rows('rule').toArray()).filter((r) => !r.deletedAt) as never[];
  const proposals = evaluate(rules, await gatherFacts(ws), now);
  for (const p of proposals) await applyProposal(ws, p);
  return proposals;
}
