// Knowledge-base article: an answer the service team can find and send; long bodies get their own Yjs doc later.
import { z } from 'zod';
import { baseShape, defineCollection, requiredText, tagsSchema, words, optionalText } from './base';
import { oneOf } from './common';

export const articleStatuses = ['draft', 'published', 'archived'] as const;

export const articleSchema = z.object({
  ...baseShape,
  title: requiredText(200),
  summary: z.string().max(500).default(''),
  body: optionalText(100_000),
  category: z.string().max(100).default(''),
  status: oneOf(articleStatuses).default('draft'),
  productIds: z.array(z.string().max(64)).default([]),
  tags: tagsSchema
});
export type Article = z.infer<typeof articleSchema>;

export const articles = defineCollection({
  name: 'article',
  table: 'articles',
  label: 'Article',
  labelPlural: 'Knowledge base',
  schema: articleSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'bucket', buckets: 2 },
  indexes: ['[status+_del]', 'category'],
  terms: (a) => words(a.title, a.summary, a.category, ...a.tags),
  title: (a) => a.title
});
