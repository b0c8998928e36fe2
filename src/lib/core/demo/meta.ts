// What a workspace remembers about its demo load (meta table): read on start-up without loading the generator.
import type { FieldbookDb } from '../storage/db';

export type DemoScale = 'small' | 'field';
export const demoMetaKey = 'demo';
/** Bump when batch boundaries or generated records change: a partial load made by another version then starts over. */
export const demoVersion = 1;

/** Written after every batch, so a reload knows where to resume. */
export type DemoMeta = {
  scale: DemoScale;
  seed: number;
  version: number;
  /** The first batch not yet known to be fully written. */
  nextBatch: number;
  batches: number;
  /** Records in the batches before `nextBatch`. */
  done: number;
  total: number;
  complete: boolean;
  startedAt: string;
  /** Time spent writing, summed over every run (a resumed load adds to it). */
  ms: number;
};
export type DemoState = 'none' | 'partial' | 'complete';

export async function readDemoMeta(db: FieldbookDb): Promise<DemoMeta | undefined> {
  return db.getMeta<DemoMeta>(demoMetaKey);
}

/** Whether this workspace holds no demo, a demo still loading (or interrupted), or a complete one. */
export async function demoState(db: FieldbookDb): Promise<DemoState> {
  const meta = await readDemoMeta(db);
  if (!meta) return 'none';
  return meta.complete ? 'complete' : 'partial';
}
