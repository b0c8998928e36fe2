// Segment: a saved list of contacts or accounts (static members or a stored filter) — the audience of campaigns.
import { z } from 'zod';
import { baseShape, defineCollection, optionalText, requiredText, words } from './base';
import { oneOf } from './common';

export const segmentSchema = z.object({
  ...baseShape,
  name: requiredText(120),
  of: oneOf(['contact', 'account'] as const).default('contact'),
  kind: oneOf(['static', 'dynamic'] as const).default('static'),
  memberIds: z.array(z.string().max(64)).max(200_000).default([]),
  /** For dynamic segments: a filter the rules engine understands (JSON), e.g. an RFM segment name. */
  filter: z.record(z.string(), z.unknown()).default({}),
  description: optionalText(2000)
});
export type Segment = z.infer<typeof segmentSchema>;

export const segments = defineCollection({
  name: 'segment',
  table: 'segments',
  label: 'Saved list',
  labelPlural: 'Saved lists',
  schema: segmentSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'bucket', buckets: 1 },
  indexes: ['[_del+_sort]'],
  terms: (s) => words(s.name),
  title: (s) => s.name
});
