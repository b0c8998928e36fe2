// Interaction: one touch point with a customer on any channel; the timeline is made of these.
import { z } from 'zod';
import { baseShape, defineCollection, instantSchema, optionalText, refSchema, words } from './base';
import { channelSchema, oneOf } from './common';

export const directions = ['inbound', 'outbound'] as const;
export const outcomes = ['', 'completed', 'no-answer', 'left-message', 'interested', 'not-interested', 'follow-up', 'resolved', 'sent', 'opened', 'clicked', 'responded', 'bounced'] as const;

export const interactionSchema = z.object({
  ...baseShape,
  channel: channelSchema,
  direction: oneOf(directions).default('outbound'),
  at: instantSchema,
  contactId: refSchema,
  accountId: refSchema,
  summary: z.string().max(500, { error: 'must be at most 500 characters' }).default(''),
  outcome: oneOf(outcomes).default(''),
  durationMin: z.int().min(0).max(24 * 60).default(0),
  campaignId: refSchema,
  ticketId: refSchema,
  opportunityId: refSchema,
  /** Interactions with a lead before it became a contact; conversion points them at the new contact. */
  leadId: refSchema,
  notes: optionalText(10_000)
});
export type Interaction = z.infer<typeof interactionSchema>;

export const interactions = defineCollection({
  name: 'interaction',
  table: 'interactions',
  label: 'Interaction',
  labelPlural: 'Interactions',
  schema: interactionSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'month', field: 'at' },
  // 500,000 rows at field scale, and each index costs every written row: only indexes a screen reads (timelines,
  // lead conversion, calendar export, a rep's activity). Campaign and deal figures come from the analytics worker's scan.
  indexes: ['[contactId+at]', '[accountId+at]', 'at', '[owner+at]', '[leadId+at]'],
  terms: (i) => words(i.summary),
  title: (i) => i.summary || `${i.channel} ${i.direction}`
});
