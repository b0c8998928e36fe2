// Demo worker: a thin message switch that writes the demo workspace off the main thread and reports progress.
/**
 * The tab that starts this worker must not write to the workspace while it runs (the worker writes with the same
 * device id) and must drop its cached docs afterwards (`ws.close()`), so its next edit starts from storage.
 */
import { loadDemo } from '../core/demo/load';
import type { DemoScale } from '../core/demo/meta';
import { FieldbookDb } from '../core/storage/db';
import { Workspace } from '../core/sync/workspace';

type Request = { kind: 'load'; dbName: string; device: number; user: string; scale: DemoScale; seed?: number } | { kind: 'abort' };

let controller: AbortController | null = null;

self.onmessage = async (e: MessageEvent<Request>) => {
  const m = e.data;
  if (m.kind === 'abort') {
    controller?.abort();
    return;
  }
  if (m.kind !== 'load') return;
  controller = new AbortController();
  const db = new FieldbookDb(m.dbName);
  // Batches go bucket by bucket and month by month, so a few docs in memory suffice (a month doc is 5–15 MB at field scale).
  const ws = new Workspace({ db, device: m.device, user: () => m.user, cacheSize: 3 });
  try {
    const r = await loadDemo(ws, m.scale, {
      seed: m.seed ?? 1,
      signal: controller.signal,
      onProgress: (p) => self.postMessage({ kind: 'progress', done: p.done, total: p.total, phase: p.phase })
    });
    self.postMessage({ kind: 'done', rowsPerSecond: r.rowsPerSecond, ms: Math.round(r.ms), done: r.done, total: r.total, written: r.written });
  } catch (err) {
    self.postMessage({ kind: 'error', message: (err as Error).message });
  } finally {
    ws.close();
    db.close();
  }
};
