// Ticket: a service case — a request, a return or a complaint — with priority and an SLA due time.
import { z } from 'zod';
import { baseShape, defineCollection, instantSchema, optionalText, refSchema, requiredText, words } from './base';
import { channelSchema, oneOf } from './common';

export const ticketKinds = ['request', 'return', 'complaint', 'incident', 'question'] as const;
export const ticketStatuses = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
export const ticketPriorities = ['low', 'normal', 'high', 'urgent'] as const;

export const ticketSchema = z.object({
  ...baseShape,
  subject: requiredText(200),
  description: optionalText(10_000),
  kind: oneOf(ticketKinds).default('request'),
  status: oneOf(ticketStatuses).default('new'),
  priority: oneOf(ticketPriorities).default('normal'),
  channel: channelSchema.default('email'),
  slaDue: instantSchema.nullable().default(null),
  escalationLevel: z.int().min(0).max(5).default(0),
  contactId: refSchema,
  accountId: refSchema,
  productId: refSchema,
  orderId: refSchema,
  resolvedAt: instantSchema.nullable().default(null),
  resolution: optionalText(5000)
});
export type Ticket = z.infer<typeof ticketSchema>;

export const tickets = defineCollection({
  name: 'ticket',
  table: 'tickets',
  label: 'Ticket',
  labelPlural: 'Tickets',
  schema: ticketSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'bucket', buckets: 8 },
  indexes: ['[status+slaDue]', '[owner+status]', '[contactId+_del]', '[accountId+_del]', '[productId+createdAt]'],
  terms: (t) => words(t.subject),
  title: (t) => t.subject
});
