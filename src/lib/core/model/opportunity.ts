// Opportunity: a deal in the pipeline, from first interest to won or lost.
import { z } from 'zod';
import { baseShape, dateSchema, defineCollection, instantSchema, moneySchema, optionalText, refSchema, requiredText, words } from './base';

/** Stage ids are data (configurable stages live in the `stage` collection); these are the defaults. */
export const defaultStages = [
  { id: 'prospecting', name: 'Prospecting', probability: 10, outcome: 'open' },
  { id: 'qualification', name: 'Qualification', probability: 20, outcome: 'open' },
  { id: 'proposal', name: 'Proposal', probability: 50, outcome: 'open' },
  { id: 'negotiation', name: 'Negotiation', probability: 75, outcome: 'open' },
  { id: 'won', name: 'Closed won', probability: 100, outcome: 'won' },
  { id: 'lost', name: 'Closed lost', probability: 0, outcome: 'lost' }
] as const;

export const opportunitySchema = z.object({
  ...baseShape,
  name: requiredText(200),
  accountId: refSchema,
  contactId: refSchema,
  stage: z.string().min(1, { error: 'is required' }).max(64).default('prospecting'),
  amount: moneySchema,
  closeDate: dateSchema,
  /** Percent; null means "use the stage's probability". */
  probability: z.int().min(0, { error: 'must be 0–100' }).max(100, { error: 'must be 0–100' }).nullable().default(null),
  nextStep: z.string().max(200).default(''),
  source: z.string().max(60).default(''),
  leadId: refSchema,
  partnerId: refSchema,
  closedAt: instantSchema.nullable().default(null),
  lostReason: z.string().max(200).default(''),
  wonReason: z.string().max(200).default(''),
  notes: optionalText(10_000)
});
export type Opportunity = z.infer<typeof opportunitySchema>;

export const opportunities = defineCollection({
  name: 'opportunity',
  table: 'opportunities',
  label: 'Opportunity',
  labelPlural: 'Opportunities',
  schema: opportunitySchema,
  version: 1,
  migrations: {},
  shard: { kind: 'bucket', buckets: 16 },
  indexes: ['[stage+_del]', '[owner+_del+_sort]', '[accountId+_del]', 'closeDate', 'contactId'],
  terms: (o) => words(o.name),
  pairs: true,
  title: (o) => o.name
});
