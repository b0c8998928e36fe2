// Account: a company or household the team sells to, serves or partners with.
import { z } from 'zod';
import { baseShape, defineCollection, moneySchema, optionalText, phoneSchema, requiredText, tagsSchema, words, refSchema } from './base';
import { addressSchema, oneOf } from './common';

export const accountKinds = ['customer', 'prospect', 'partner', 'supplier', 'other'] as const;
export const accountTiers = ['key', 'standard', 'small'] as const;

export const accountSchema = z.object({
  ...baseShape,
  name: requiredText(200),
  kind: oneOf(accountKinds).default('prospect'),
  tier: oneOf(accountTiers).default('standard'),
  industry: z.string().max(100).default(''),
  website: z.string().max(200).default(''),
  phone: phoneSchema,
  email: z.string().max(200).default(''),
  address: addressSchema,
  region: z.string().max(100).default(''),
  annualRevenue: moneySchema.nullable().default(null),
  parentId: refSchema,
  /** Set when this record was merged into another (duplicate merge); the record is then soft-deleted. */
  mergedInto: refSchema,
  tags: tagsSchema,
  notes: optionalText(10_000)
});
export type Account = z.infer<typeof accountSchema>;

export const accounts = defineCollection({
  name: 'account',
  table: 'accounts',
  label: 'Account',
  labelPlural: 'Accounts',
  schema: accountSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'bucket', buckets: 8 },
  indexes: ['[owner+_del+_sort]', '[tier+_del]', 'region', 'parentId'],
  terms: (a) => words(a.name, a.email, a.website, a.address.city),
  pairs: true,
  title: (a) => a.name
});
