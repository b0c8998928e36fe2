// Quote: a priced offer with ordered line items; totals are computed from the lines, never stored.
import { z } from 'zod';
import { baseShape, currencySchema, dateSchema, defineCollection, instantSchema, optionalText, refSchema, requiredText, words } from './base';
import { oneOf } from './common';

export const quoteStatuses = ['draft', 'sent', 'accepted', 'declined', 'expired'] as const;

export const lineItemSchema = z.object({
  id: z.string().min(1),
  /** Fractional index: concurrent inserts and moves keep a stable order without a list CRDT. */
  position: z.string().min(1),
  productId: z.string().max(64).default(''),
  description: requiredText(300),
  quantity: z.number().positive({ error: 'must be more than 0' }),
  /** Minor units per unit. */
  unitPrice: z.int({ error: 'must be a whole number of minor units' }),
  discountPct: z.number().min(0, { error: 'must be 0–100' }).max(100, { error: 'must be 0–100' }).default(0),
  taxPct: z.number().min(0, { error: 'must be 0–100' }).max(100, { error: 'must be 0–100' }).default(0)
});
export type LineItem = z.infer<typeof lineItemSchema>;

export const quoteSchema = z.object({
  ...baseShape,
  number: requiredText(40),
  title: z.string().max(200).default(''),
  opportunityId: refSchema,
  accountId: refSchema,
  contactId: refSchema,
  /** Quote revisions share a number; each revision is its own record. */
  revision: z.int().min(1).default(1),
  status: oneOf(quoteStatuses).default('draft'),
  currency: currencySchema,
  validUntil: z.union([z.literal(''), dateSchema]).default(''),
  sentAt: instantSchema.nullable().default(null),
  decidedAt: instantSchema.nullable().default(null),
  lines: z.array(lineItemSchema).default([]),
  terms: optionalText(5000),
  notes: optionalText(5000)
});
export type Quote = z.infer<typeof quoteSchema>;

export const quotes = defineCollection({
  name: 'quote',
  table: 'quotes',
  label: 'Quote',
  labelPlural: 'Quotes',
  schema: quoteSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'bucket', buckets: 8 },
  children: [{ field: 'lines', orderBy: 'position' }],
  indexes: ['[opportunityId+_del]', '[accountId+_del]', 'contactId', 'number', '[status+_del]'],
  terms: (q) => words(q.number, q.title),
  title: (q) => `${q.number}${q.revision > 1 ? ` rev ${q.revision}` : ''}${q.title ? ` — ${q.title}` : ''}`
});
