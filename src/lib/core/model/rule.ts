// Automation rule: a trigger, conditions and actions stored as data, evaluated by the pure engine in core/rules.
import { z } from 'zod';
import { baseShape, defineCollection, optionalText, requiredText, words } from './base';

export const ruleSchema = z.object({
  ...baseShape,
  name: requiredText(120),
  isEnabled: z.boolean().default(true),
  /** What the rule looks at, e.g. 'account.noContact', 'opportunity.closeDatePassed', 'ticket.slaBreached'. */
  trigger: requiredText(80),
  /** Parameters of the trigger (weeks, tier…): open so rule kinds can grow without a migration. */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** Action as data, e.g. { kind: 'createTask', taskKind: 'call', title: 'Call {{name}}' }. */
  action: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  description: optionalText(2000)
});
export type Rule = z.infer<typeof ruleSchema>;

export const rules = defineCollection({
  name: 'rule',
  table: 'rules',
  label: 'Rule',
  labelPlural: 'Rules',
  schema: ruleSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'bucket', buckets: 1 },
  indexes: ['trigger'],
  terms: (r) => words(r.name),
  title: (r) => r.name
});
