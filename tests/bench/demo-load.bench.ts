// Demo-load throughput in real Chromium: 100,000 field-scale interactions and 50,000 contacts through the app's write path.
/*
 * The app bench loads the whole field-scale workspace (an hour before the storage indexes were trimmed); this file
 * measures the write path the demo worker runs — generate a batch, createRecords (Yjs doc + read model in one Dexie
 * transaction) — on the two collections that dominate it, in a minute or two. A page of its own (demo-load-page/) is
 * built with Vite from the same core modules the app bundles, so nothing in the app exists for the benchmark.
 * `FIELDBOOK_BENCH_NODE_ONLY=1` skips it (it needs Chromium).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, startServer, tempProfileDir, type Server } from '../support/harness';
import { median, record } from './results';
import type { CeilingResult, RunOptions, RunResult } from './demo-load-page/main';
import { storeSpec } from '../../src/lib/core/storage/db';

declare global {
  // eslint-disable-next-line no-var -- the handle the bench page attaches
  var demoLoadBench: { run: (o: RunOptions) => Promise<RunResult>; ceiling: (o: { fromDb: string; count: number; spec: string }) => Promise<CeilingResult>; coldEdits: (o: { dbName: string; times: number }) => Promise<number[]> };
}

const isNodeOnly = process.env.FIELDBOOK_BENCH_NODE_ONLY === '1';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Records per second that load the field-scale demo (≈ 690,000 records) in 10 minutes. */
const TEN_MINUTES_RATE = 1_150;

let out = '';
let server: Server;
let context: BrowserContext;
let page: Page;
const profile = tempProfileDir();

/** CPU seconds used so far by the Chromium processes of this profile, by process type (browser, renderer…). */
function chromiumCpu(): Record<string, number> {
  const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const mine = new Set<number>();
  const byType: Record<string, number> = {};
  // Parents before children: the browser process carries the profile dir, its children name their parent.
  const procs = pids
    .map((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        return { pid: Number(pid), ppid: Number(stat[1]), cmd, cpu: (Number(stat[11]) + Number(stat[12])) / 100 };
      } catch {
        return null; // the process ended while we read it
      }
    })
    .filter((p) => p !== null)
    .sort((a, b) => a.pid - b.pid);
  for (let pass = 0; pass < 3; pass++) {
    for (const p of procs) if (p.cmd.includes(profile) || mine.has(p.ppid)) mine.add(p.pid);
  }
  for (const p of procs) {
    if (!mine.has(p.pid)) continue;
    const type = /--type=([a-z-]+)/.exec(p.cmd)?.[1] ?? 'browser';
    byType[type] = (byType[type] ?? 0) + p.cpu;
  }
  return byType;
}

beforeAll(async () => {
  if (isNodeOnly) return;
  out = mkdtempSync(join(tmpdir(), 'fieldbook-demo-load-page-'));
  await build({
    configFile: false,
    logLevel: 'warn',
    root: join(ROOT, 'tests/bench/demo-load-page'),
    resolve: { alias: { $lib: join(ROOT, 'src/lib') } },
    build: { outDir: out, emptyOutDir: true, target: 'es2022' }
  });
  server = await startServer({ dir: out });
  context = await launchBrowser({ userDataDir: profile });
  page = await context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => globalThis.demoLoadBench !== undefined);
});

afterAll(async () => {
  await context?.close();
  await server?.stop();
  if (out) rmSync(out, { recursive: true, force: true });
});

/** Runs one collection in a database of its own and records its rate, first and last 10,000 records apart. */
async function measure(collection: RunOptions['collection'], count: number, label: string): Promise<string> {
  const cpu0 = chromiumCpu();
  const dbName = `bench-${collection}-${Date.now()}`;
  const r = await page.evaluate((o) => globalThis.demoLoadBench.run(o), { dbName, collection, count });
  const cpu1 = chromiumCpu();
  const cpu = (type: string) => ((cpu1[type] ?? 0) - (cpu0[type] ?? 0)) / (r.written / 1000);
  // Records and milliseconds per batch, so any run of batches gives its own rate.
  const sized = r.batches.map((b, i) => ({ n: b.done - (i === 0 ? 0 : r.batches[i - 1].done), ms: b.ms }));
  const rateOf = (part: typeof sized) => part.reduce((s, b) => s + b.n, 0) / (part.reduce((s, b) => s + b.ms, 0) / 1000);
  const tenK = Math.max(1, Math.round(10_000 / (sized[0]?.n ?? 1)));
  const first = rateOf(sized.slice(0, tenK));
  const lastRate = rateOf(sized.slice(-tenK));
  record(
    `Demo write path in Chromium: ${label}`,
    (r.written * 1000) / r.ms,
    'records/s',
    { min: TEN_MINUTES_RATE },
    `${r.written.toLocaleString('en')} in ${(r.ms / 1000).toFixed(0)} s; first 10k ${first.toFixed(0)}/s, last 10k ${lastRate.toFixed(0)}/s; ` +
      `CPU per 1,000 records: IndexedDB (browser process) ${cpu('browser').toFixed(2)} s, page ${cpu('renderer').toFixed(2)} s; ` +
      `load average ${loadavg()[0].toFixed(1)} on ${readFileSync('/proc/cpuinfo', 'utf8').split('\nprocessor').length} cores; target: the rate that loads the field demo in 10 min`
  );
  return dbName;
}

const cores = () => readFileSync('/proc/cpuinfo', 'utf8').split('\nprocessor').length;

describe.skipIf(isNodeOnly)('demo load write path (Chromium)', () => {
  it('writes 50,000 field-scale contacts, then measures what IndexedDB alone does with those rows', async () => {
    const dbName = await measure('contact', 50_000, '50,000 field-scale contacts');
    // The app bench measures this on the whole field demo (a 20-minute load); the contact buckets here are the same.
    const cold = await page.evaluate((o) => globalThis.demoLoadBench.coldEdits(o), { dbName, times: 5 });
    record(
      'One edit committed, bucket cold, on the 50,000 field-scale contacts (32 buckets of ~1,560), median of 5',
      median(cold),
      'ms',
      { max: 300 },
      `each edit loads its bucket doc from IndexedDB (about 2.1 MB of Yjs state) first: ${cold.map((t) => Math.round(t)).join(', ')} ms; load average ${loadavg()[0].toFixed(1)} on ${cores()} cores`
    );
    // The same rows put straight into IndexedDB: with the contact table's indexes, and with the primary key only. The
    // first is the ceiling of any contact write path (an import included) on this machine; the gap to the second is
    // what the indexes the screens need cost.
    for (const [spec, label] of [
      [storeSpec().contacts, 'the contact indexes'],
      ['id', 'primary key only']
    ] as const) {
      const r = await page.evaluate((o) => globalThis.demoLoadBench.ceiling(o), { fromDb: dbName, count: 20_000, spec });
      record(
        `IndexedDB alone in Chromium: 20,000 contact rows, ${label}`,
        (r.written * 1000) / r.ms,
        'rows/s',
        null,
        `bulkPut in 2,000-row transactions, no Yjs or schema work (${spec}); load average ${loadavg()[0].toFixed(1)} on ${cores()} cores`
      );
    }
  });

  it('writes 100,000 field-scale interactions', async () => {
    await measure('interaction', 100_000, '100,000 field-scale interactions');
  });
});
