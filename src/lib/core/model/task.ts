// Task: something someone has to do by a date, with an optional reminder; rules may create them.
import { z } from 'zod';
import { baseShape, defineCollection, instantSchema, optionalText, refSchema, requiredText, words } from './base';
import { oneOf } from './common';

export const taskKinds = ['todo', 'call', 'meeting', 'email', 'visit', 'review'] as const;
export const taskStatuses = ['open', 'done', 'cancelled'] as const;
export const taskPriorities = ['low', 'normal', 'high'] as const;

export const taskSchema = z.object({
  ...baseShape,
  title: requiredText(200),
  kind: oneOf(taskKinds).default('todo'),
  status: oneOf(taskStatuses).default('open'),
  priority: oneOf(taskPriorities).default('normal'),
  due: instantSchema.nullable().default(null),
  /** Duration for meetings, in minutes (iCalendar export). */
  durationMin: z.int().min(0).max(24 * 60).default(0),
  reminderAt: instantSchema.nullable().default(null),
  remindedAt: instantSchema.nullable().default(null),
  completedAt: instantSchema.nullable().default(null),
  contactId: refSchema,
  accountId: refSchema,
  /** Any other related record as `collection:id` (an opportunity, a ticket…). */
  relatedTo: z.string().max(100).default(''),
  /** The automation rule that created it, so a rule never creates the same task twice. */
  ruleId: refSchema,
  ruleKey: z.string().max(200).default(''),
  notes: optionalText(5000)
});
export type Task = z.infer<typeof taskSchema>;

export const tasks = defineCollection({
  name: 'task',
  table: 'tasks',
  label: 'Task',
  labelPlural: 'Tasks',
  schema: taskSchema,
  version: 1,
  migrations: {},
  shard: { kind: 'bucket', buckets: 8 },
  indexes: ['[owner+status+due]', '[status+reminderAt]', '[contactId+_del]', '[accountId+_del]', 'ruleKey'],
  terms: (t) => words(t.title),
  title: (t) => t.title
});
