// Product: something sold, with its cost and a price per price book.
import { z } from 'zod';
import { baseShape, currencySchema, defineCollection, optionalText, requiredText, words } from './base';

export const priceEntrySchema = z.object({
  id: z.string().min(1),
  position: z.string().min(1),
  priceBook: requiredText(60),
  /** Minor units. */
  unitPrice: z.int().min(0, { error: 'must not be negative' }),
  currency: currencySchema
});

export const productSchema = z.object({
  ...baseShape,
  name: requiredText(200),
  sku: z.string().max(60).default(''),
  category: z.string().max(100).default(''),
  description: optionalText(5000),
  isActive: z.boolean().default(true),
  /** Cost per unit in minor units, for margin. */
  unitCost: z.int().min(0).default(0),
  currency: currencySchema.default('NPR'),
  prices: z.array(priceEntrySchema).default([])
});
export type Product = z.infer<typeof productSchema>;

export const products = defineCollection({
  name: 'product',
  table: 'products',
  label: 'Product',
  labelPlural: 'Products',
  schema: productSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'bucket', buckets: 4 },
  children: [{ field: 'prices', orderBy: 'position' }],
  indexes: ['sku', 'category', '[_del+_sort]'],
  terms: (p) => words(p.name, p.sku, p.category),
  title: (p) => p.name
});
