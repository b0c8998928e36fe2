// Order: a purchase with its lines — the purchase history analytics reads; can be imported from other systems.
import { z } from 'zod';
import { baseShape, currencySchema, defineCollection, instantSchema, refSchema, requiredText, words } from './base';
import { oneOf } from './common';

export const orderStatuses = ['placed', 'fulfilled', 'returned', 'cancelled'] as const;

export const orderLineSchema = z.object({
  id: z.string().min(1),
  position: z.string().min(1),
  productId: z.string().max(64).default(''),
  sku: z.string().max(60).default(''),
  description: z.string().max(300).default(''),
  category: z.string().max(100).default(''),
  /** Negative for returned units. */
  quantity: z.number(),
  unitPrice: z.int(),
  /** Minor units per unit, for margin; 0 when unknown. */
  unitCost: z.int().default(0),
  discountPct: z.number().min(0).max(100).default(0)
});
export type OrderLine = z.infer<typeof orderLineSchema>;

export const orderSchema = z.object({
  ...baseShape,
  number: requiredText(60),
  orderedAt: instantSchema,
  accountId: refSchema,
  contactId: refSchema,
  /** Customer key from the source system when no contact matches (imported histories). */
  externalCustomerId: z.string().max(64).default(''),
  status: oneOf(orderStatuses).default('placed'),
  currency: currencySchema,
  channel: z.string().max(40).default(''),
  region: z.string().max(100).default(''),
  source: z.string().max(60).default('fieldbook'),
  quoteId: refSchema,
  opportunityId: refSchema,
  lines: z.array(orderLineSchema).default([])
});
export type Order = z.infer<typeof orderSchema>;

export const orders = defineCollection({
  name: 'order',
  table: 'orders',
  label: 'Order',
  labelPlural: 'Orders',
  schema: orderSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'month', field: 'orderedAt' },
  children: [{ field: 'lines', orderBy: 'position' }],
  indexes: ['[contactId+orderedAt]', '[accountId+orderedAt]', 'orderedAt', 'externalCustomerId', 'number'],
  terms: (o) => words(o.number),
  title: (o) => `Order ${o.number}`
});
