// Campaign: a marketing push to an audience with one or more messages; each send and response is an interaction.
import { z } from 'zod';
import { baseShape, dateSchema, defineCollection, instantSchema, moneySchema, optionalText, refSchema, requiredText, words } from './base';
import { channelSchema, oneOf } from './common';

export const campaignStatuses = ['planned', 'active', 'completed', 'cancelled'] as const;

export const campaignMessageSchema = z.object({
  id: z.string().min(1),
  position: z.string().min(1),
  name: requiredText(120),
  subject: z.string().max(200).default(''),
  /** Body with merge fields such as {{firstName}}; rendered per recipient. */
  body: optionalText(50_000),
  sentAt: instantSchema.nullable().default(null)
});

export const campaignSchema = z.object({
  ...baseShape,
  name: requiredText(200),
  channel: channelSchema.default('email'),
  status: oneOf(campaignStatuses).default('planned'),
  /** Saved list (segment record) the campaign goes to. */
  audienceId: refSchema,
  startDate: z.union([z.literal(''), dateSchema]).default(''),
  endDate: z.union([z.literal(''), dateSchema]).default(''),
  budget: moneySchema.nullable().default(null),
  messages: z.array(campaignMessageSchema).default([]),
  notes: optionalText(5000)
});
export type Campaign = z.infer<typeof campaignSchema>;

export const campaigns = defineCollection({
  name: 'campaign',
  table: 'campaigns',
  label: 'Campaign',
  labelPlural: 'Campaigns',
  schema: campaignSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'bucket', buckets: 2 },
  children: [{ field: 'messages', orderBy: 'position' }],
  indexes: ['[status+_del]', 'startDate'],
  terms: (c) => words(c.name),
  title: (c) => c.name
});
