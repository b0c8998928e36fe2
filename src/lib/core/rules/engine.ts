// The automation engine: rules are data; evaluation is a pure function from rules + facts + time to commands.
/**
 * Each trigger reads a snapshot of facts and proposes commands (effects are ordinary commands, so they sync like any
 * edit). Every proposal carries a `ruleKey` — rule, record and period — and a proposal whose key already exists among
 * the tasks is dropped, so running the engine twice, or on two devices that later sync, never doubles a task for the
 * same period (two devices in the same period may each create one offline; duplicate detection shows it).
 */
import type { Rule } from '../model/rule';

export type AccountFact = { id: string; name: string; tier: string; owner: string; deletedAt: string | null };
export type OpportunityFact = { id: string; name: string; stage: string; closeDate: string; owner: string; accountId: string; deletedAt: string | null };
export type TicketFact = { id: string; subject: string; status: string; priority: string; slaDue: string | null; owner: string; escalationLevel: number; deletedAt: string | null };
export type Facts = {
  accounts: AccountFact[];
  /** Latest interaction time per account id (ISO). */
  lastContactByAccount: Map<string, string>;
  opportunities: OpportunityFact[];
  openStages: Set<string>;
  tickets?: TicketFact[];
  existingRuleKeys: Set<string>;
};

export type TaskProposal = {
  kind: 'createTask';
  ruleKey: string;
  ruleId: string;
  input: { title: string; kind: 'call' | 'review' | 'todo'; owner: string; due: string; accountId?: string; relatedTo?: string; priority: 'normal' | 'high'; notes: string };
};
export type EscalationProposal = { kind: 'escalateTicket'; ruleKey: string; ruleId: string; ticketId: string; level: number; priority: 'high' | 'urgent' };
export type Proposal = TaskProposal | EscalationProposal;

export type TriggerInfo = { id: string; label: string; params: { key: string; label: string; kind: 'number' | 'text'; default: string | number }[] };

/** What the rules screen offers; each trigger's parameters are editable by the user. */
export const triggers: TriggerInfo[] = [
  {
    id: 'account.noContact',
    label: 'Account not contacted for a while → call task for its owner',
    params: [
      { key: 'weeks', label: 'Weeks without contact', kind: 'number', default: 6 },
      { key: 'tier', label: 'Account tier', kind: 'text', default: 'key' }
    ]
  },
  { id: 'opportunity.closeDatePassed', label: 'Open opportunity past its close date → review task', params: [{ key: 'graceDays', label: 'Days of grace', kind: 'number', default: 0 }] },
  { id: 'ticket.slaBreached', label: 'Ticket past its SLA due time → escalate', params: [{ key: 'maxLevel', label: 'Highest escalation level', kind: 'number', default: 2 }] }
];

const DAY = 86_400_000;
/** ISO week-ish period used in rule keys: one proposal per record per period. */
const weekOf = (ms: number) => Math.floor(ms / (7 * DAY));

type RuleData = Pick<Rule, 'id' | 'name' | 'isEnabled' | 'trigger' | 'params'>;

export function evaluate(rules: readonly RuleData[], facts: Facts, now: Date): Proposal[] {
  const out: Proposal[] = [];
  const t = now.getTime();
  const push = (p: Proposal) => {
    if (facts.existingRuleKeys.has(p.ruleKey)) return;
    facts.existingRuleKeys.add(p.ruleKey);
    out.push(p);
  };
  for (const rule of rules) {
    if (!rule.isEnabled) continue;
    if (rule.trigger === 'account.noContact') {
      const weeks = Number(rule.params.weeks ?? 6);
      const tier = String(rule.params.tier ?? 'key');
      for (const a of facts.accounts) {
        if (a.deletedAt || a.tier !== tier) continue;
        const last = facts.lastContactByAccount.get(a.id);
        const since = last ? t - Date.parse(last) : Infinity;
        if (since < weeks * 7 * DAY) continue;
        push({
          kind: 'createTask',
          ruleId: rule.id,
          ruleKey: `${rule.id}:${a.id}:w${weekOf(t)}`,
          input: {
            title: `Call ${a.name}`,
            kind: 'call',
            owner: a.owner,
            due: new Date(t + DAY).toISOString(),
            accountId: a.id,
            priority: 'normal',
            notes: last ? `No contact since ${last.slice(0, 10)} (rule “${rule.name}”).` : `No contact on record (rule “${rule.name}”).`
          }
        });
      }
    } else if (rule.trigger === 'opportunity.closeDatePassed') {
      const grace = Number(rule.params.graceDays ?? 0);
      for (const o of facts.opportunities) {
        if (o.deletedAt || !facts.openStages.has(o.stage)) continue;
        if (Date.parse(`${o.closeDate}T23:59:59Z`) + grace * DAY >= t) continue;
        push({
          kind: 'createTask',
          ruleId: rule.id,
          ruleKey: `${rule.id}:${o.id}:${o.closeDate}`,
          input: {
            title: `Review ${o.name}: close date ${o.closeDate} has passed`,
            kind: 'review',
            owner: o.owner,
            due: new Date(t).toISOString(),
            accountId: o.accountId || undefined,
            relatedTo: `opportunity:${o.id}`,
            priority: 'high',
            notes: `Update the close date or the stage (rule “${rule.name}”).`
          }
        });
      }
    } else if (rule.trigger === 'ticket.slaBreached') {
      const maxLevel = Number(rule.params.maxLevel ?? 2);
      for (const k of facts.tickets ?? []) {
        if (k.deletedAt || !k.slaDue || ['resolved', 'closed'].includes(k.status)) continue;
        if (Date.parse(k.slaDue) >= t || k.escalationLevel >= maxLevel) continue;
        const level = k.escalationLevel + 1;
        push({ kind: 'escalateTicket', ruleId: rule.id, ruleKey: `${rule.id}:${k.id}:l${level}`, ticketId: k.id, level, priority: level >= 2 ? 'urgent' : 'high' });
      }
    }
  }
  return out;
}
