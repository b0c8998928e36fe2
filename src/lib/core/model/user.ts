// User: a team member — the owner of records and the "by" of every change.
import { z } from 'zod';
import { baseShape, defineCollection, emailSchema, moneySchema, requiredText, words } from './base';
import { oneOf } from './common';

export const roles = ['rep', 'manager', 'service', 'marketing', 'admin'] as const;

export const userSchema = z.object({
  ...baseShape,
  name: requiredText(120),
  email: emailSchema,
  role: oneOf(roles).default('rep'),
  team: z.string().max(100).default(''),
  region: z.string().max(100).default(''),
  isActive: z.boolean().default(true),
  /** Sales quota per quarter, for forecast vs target. */
  quarterlyQuota: moneySchema.nullable().default(null)
});
export type User = z.infer<typeof userSchema>;

export const users = defineCollection({
  name: 'user',
  table: 'users',
  label: 'Team member',
  labelPlural: 'Team',
  schema: userSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'bucket', buckets: 1 },
  indexes: ['team', 'email'],
  terms: (u) => words(u.name, u.email),
  title: (u) => u.name
});
