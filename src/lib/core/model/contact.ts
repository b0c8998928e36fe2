// Contact: a person at an account (or on their own), with how and whether they may be reached.
import { z } from 'zod';
import { baseShape, defineCollection, emailSchema, optionalText, phoneSchema, refSchema, tagsSchema, words, dateSchema } from './base';
import { addressSchema, channelSchema, consentSchema } from './common';

export const contactSchema = z
  .object({
    ...baseShape,
    firstName: z.string().trim().max(100, { error: 'must be at most 100 characters' }).default(''),
    lastName: z.string().trim().max(100, { error: 'must be at most 100 characters' }).default(''),
    email: emailSchema,
    otherEmails: z.array(z.email({ error: 'must be an email address' })).max(10).default([]),
    phone: phoneSchema,
    mobile: phoneSchema,
    title: z.string().max(100).default(''),
    accountId: refSchema,
    /** Denormalised account name so search by company needs no join; refreshed when the account is renamed. */
    company: z.string().max(200).default(''),
    address: addressSchema,
    preferredChannel: channelSchema.nullable().default(null),
    consent: consentSchema,
    birthday: z.union([z.literal(''), dateSchema]).default(''),
    source: z.string().max(60).default(''),
    tags: tagsSchema,
    /** Set when this record was merged into another (duplicate merge); the record is then soft-deleted. */
    mergedInto: refSchema,
    notes: optionalText(10_000)
  })
  .refine((c) => c.firstName.length + c.lastName.length > 0, {
    path: ['lastName'],
    error: 'a first or last name is required'
  });
export type Contact = z.infer<typeof contactSchema>;

export const fullName = (c: { firstName: string; lastName: string }): string =>
  [c.firstName, c.lastName].filter(Boolean).join(' ');

export const contacts = defineCollection({
  name: 'contact',
  table: 'contacts',
  label: 'Contact',
  labelPlural: 'Contacts',
  schema: contactSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'bucket', buckets: 32 },
  indexes: ['[accountId+_del]', '[owner+_del+_sort]'],
  terms: (c) => words(c.firstName, c.lastName, c.email, c.company, ...c.otherEmails),
  pairs: true,
  title: (c) => fullName(c) || c.email
});
