// Lead: someone who may become a customer, captured from a form, a show, a referral or an import.
import { z } from 'zod';
import { baseShape, defineCollection, emailSchema, instantSchema, optionalText, phoneSchema, refSchema, tagsSchema, words } from './base';
import { consentSchema, oneOf } from './common';
import { fullName } from './contact';

export const leadSources = ['web-form', 'trade-show', 'referral', 'import', 'phone', 'social', 'partner', 'other'] as const;
export const leadStatuses = ['new', 'working', 'qualified', 'disqualified', 'converted'] as const;

export const leadSchema = z
  .object({
    ...baseShape,
    firstName: z.string().trim().max(100).default(''),
    lastName: z.string().trim().max(100).default(''),
    company: z.string().trim().max(200).default(''),
    title: z.string().max(100).default(''),
    email: emailSchema,
    phone: phoneSchema,
    source: oneOf(leadSources).default('other'),
    status: oneOf(leadStatuses).default('new'),
    /** Facts the scoring rule reads (company size, budget, interest…): open keys so the rule can change without a migration. */
    facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    consent: consentSchema,
    capturedAt: instantSchema.nullable().default(null),
    disqualifiedReason: z.string().max(200).default(''),
    convertedContactId: refSchema,
    convertedAccountId: refSchema,
    convertedOpportunityId: refSchema,
    partnerId: refSchema,
    /** Set when this record was merged into another (duplicate merge); the record is then soft-deleted. */
    mergedInto: refSchema,
    tags: tagsSchema,
    notes: optionalText(10_000)
  })
  .refine((l) => l.firstName.length + l.lastName.length + l.company.length > 0, {
    path: ['lastName'],
    error: 'a name or a company is required'
  });
export type Lead = z.infer<typeof leadSchema>;

export const leads = defineCollection({
  name: 'lead',
  table: 'leads',
  label: 'Lead',
  labelPlural: 'Leads',
  schema: leadSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'bucket', buckets: 16 },
  indexes: ['[status+_del]', '[owner+_del+_sort]', 'source'],
  terms: (l) => words(l.firstName, l.lastName, l.company, l.email),
  pairs: true,
  title: (l) => fullName(l) || l.company
});
