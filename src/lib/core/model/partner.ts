// Partner: a reseller, referrer or service partner the team sells with (PRM).
import { z } from 'zod';
import { baseShape, defineCollection, optionalText, refSchema, requiredText, words } from './base';
import { oneOf } from './common';

export const partnerKinds = ['reseller', 'referral', 'distributor', 'service', 'technology'] as const;
export const partnerTiers = ['platinum', 'gold', 'silver', 'registered'] as const;

export const partnerSchema = z.object({
  ...baseShape,
  name: requiredText(200),
  accountId: refSchema,
  contactId: refSchema,
  kind: oneOf(partnerKinds).default('reseller'),
  tier: oneOf(partnerTiers).default('registered'),
  region: z.string().max(100).default(''),
  commissionPct: z.number().min(0).max(100).default(0),
  isActive: z.boolean().default(true),
  notes: optionalText(5000)
});
export type Partner = z.infer<typeof partnerSchema>;

export const partners = defineCollection({
  name: 'partner',
  table: 'partners',
  label: 'Partner',
  labelPlural: 'Partners',
  schema: partnerSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'bucket', buckets: 2 },
  indexes: ['[tier+_del]', 'accountId', 'region'],
  terms: (p) => words(p.name, p.region),
  pairs: true,
  title: (p) => p.name
});
