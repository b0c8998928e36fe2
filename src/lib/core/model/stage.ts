// Pipeline stage: configurable name, order and win probability of each opportunity stage.
import { z } from 'zod';
import { baseShape, defineCollection, requiredText, words } from './base';
import { oneOf } from './common';

export const stageSchema = z.object({
  ...baseShape,
  name: requiredText(60),
  /** Fractional index (see sync/fractional-index.ts): order survives concurrent reordering. */
  position: z.string().min(1),
  probability: z.int().min(0).max(100),
  outcome: oneOf(['open', 'won', 'lost'] as const).default('open')
});
export type Stage = z.infer<typeof stageSchema>;

export const stages = defineCollection({
  name: 'stage',
  table: 'stages',
  label: 'Stage',
  labelPlural: 'Stages',
  schema: stageSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'bucket', buckets: 1 },
  indexes: ['position'],
  terms: (s) => words(s.name),
  title: (s) => s.name
});
