// Sales figures in real Chromium: a 100,000-row contact CSV imported through the import screen (rows/s, longest
// main-thread task meanwhile), then in the same workspace the pipeline board over 20,000 open deals, the sales
// dashboard and global search.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { freshApp, launchBrowser, startServer, tempProfileDir, type Server } from '../support/harness';
import { contactCsv } from './contact-csv';
import { median, percentile, record } from './results';

const ROWS = 100_000;
const DEALS = 20_000;

type Hook = {
  session: { ws: unknown; db: unknown };
  goto: (url: string) => Promise<void>;
  commands: () => Promise<{ createRecords: (ws: unknown, name: string, inputs: unknown[]) => Promise<{ created: unknown[]; rejected: unknown[] }> }>;
};
type Timings = { prepareMs: number; linkMs: number; writeMs: number };
/** What the page holds for the bench: the app's bench hook, and what the init script below collects. */
type BenchWindow = {
  __fieldbook: Hook;
  /** What the import worker reported at the end (its own timings). */
  __importDone?: { imported: number; ms: number; timings: Timings };
  /** Durations of the long tasks seen on the main thread since the last reset. */
  __longTasks: number[];
  /** The largest delay of a 10 ms timer on the main thread since the last reset. */
  __timerLag: number;
};

let server: Server;
let context: BrowserContext;
let page: Page;
const profile = tempProfileDir();
const files = mkdtempSync(join(tmpdir(), 'fieldbook-bench-'));
const workspace = `bench-sales-${randomUUID().slice(0, 8)}`;
const inWs = (path: string) => `${path}${path.includes('?') ? '&' : '?'}workspace=${workspace}`;

beforeAll(async () => {
  server = await startServer();
  context = await launchBrowser({ userDataDir: profile });
  // Keeps the import worker's final answer (it carries the worker's own timings), and watches the main thread.
  await context.addInitScript(() => {
    const Native = window.Worker;
    window.Worker = class extends Native {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        this.addEventListener('message', (e: MessageEvent) => {
          const m = e.data as { kind?: string; result?: { imported: number; ms: number; timings: Timings } };
          if (m?.kind === 'done' && m.result?.timings) (globalThis as unknown as BenchWindow).__importDone = { imported: m.result.imported, ms: m.result.ms, timings: m.result.timings };
        });
      }
    };
    (globalThis as unknown as BenchWindow).__longTasks = [];
    (globalThis as unknown as BenchWindow).__timerLag = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) (globalThis as unknown as BenchWindow).__longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
    let last = performance.now();
    const tick = () => {
      const now = performance.now();
      (globalThis as unknown as BenchWindow).__timerLag = Math.max((globalThis as unknown as BenchWindow).__timerLag, now - last - 10);
      last = now;
      setTimeout(tick, 10);
    };
    setTimeout(tick, 10);
  });
  page = await context.newPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(server.url);
  await page.evaluate(() => localStorage.setItem('fieldbook:bench', '1'));
});

afterAll(async () => {
  await context?.close();
  await server?.stop();
  rmSync(files, { recursive: true, force: true });
});

const resetWatch = () =>
  page.evaluate(() => {
    (globalThis as unknown as BenchWindow).__longTasks = [];
    (globalThis as unknown as BenchWindow).__timerLag = 0;
  });
/** The machine's load: these figures are wall-clock times, and the bench machine is shared. */
const load = () => `load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`;
const readWatch = () => page.evaluate(() => ({ longest: Math.max(0, ...(globalThis as unknown as BenchWindow).__longTasks), count: (globalThis as unknown as BenchWindow).__longTasks.length, lag: (globalThis as unknown as BenchWindow).__timerLag }));

describe('sales in the app (Chromium, real IndexedDB)', () => {
  it(`imports a ${ROWS.toLocaleString('en')}-row contact CSV through the import screen`, async () => {
    const file = join(files, 'contacts-100k.csv');
    const bytes = contactCsv(ROWS);
    writeFileSync(file, bytes);
    await freshApp(page, server.url, inWs('import'));
    await resetWatch();
    const t0 = performance.now();
    await page.locator('input[type="file"]').setInputFiles(file);
    await page.getByRole('heading', { name: 'Columns' }).waitFor({ timeout: 300_000 });
    const readMs = performance.now() - t0;
    const duringRead = await readWatch();

    await resetWatch();
    const t1 = performance.now();
    await page.getByRole('button', { name: `Import ${ROWS.toLocaleString('en')} rows` }).click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 1_500_000 });
    const importMs = performance.now() - t1;
    const during = await readWatch();
    const done = await page.evaluate(() => (globalThis as unknown as BenchWindow).__importDone);
    if (!done || done.imported !== ROWS) throw new Error(`imported ${done?.imported} of ${ROWS}`);
    const t = done.timings;
    const share = (ms: number) => `${((ms / done.ms) * 100).toFixed(0)}%`;
    const mb = (bytes.length / 1024 / 1024).toFixed(1);
    record(
      `In-app CSV import, ${ROWS.toLocaleString('en')} contacts (Import pressed → summary shown)`,
      ROWS / (importMs / 1000),
      'rows/s',
      { min: 5000 },
      `${(importMs / 1000).toFixed(1)} s in import.worker on Chromium IndexedDB, new workspace; inside the worker ${(done.ms / 1000).toFixed(1)} s: map + check rows ${Math.round(t.prepareMs)} ms (${share(t.prepareMs)}), link to accounts incl. writing 2,000 of them ${Math.round(t.linkMs)} ms (${share(t.linkMs)}), createRecords (schema parse, Yjs, read model, IndexedDB) ${Math.round(t.writeMs)} ms (${share(t.writeMs)}); ${load()}`
    );
    record(`In-app CSV read (file → worker: decode + parse), ${ROWS.toLocaleString('en')} rows, ${mb} MB`, ROWS / (readMs / 1000), 'rows/s', null, `${Math.round(readMs)} ms; longest main-thread task meanwhile ${Math.round(duringRead.longest)} ms`);
    record(
      'Longest main-thread task while the import runs',
      during.longest,
      'ms',
      { max: 100 },
      `${during.count} tasks ≥ 50 ms in ${(importMs / 1000).toFixed(0)} s (0 means none); a 10 ms timer was late by at most ${Math.round(during.lag)} ms; ${load()}`
    );
  });

  it(`renders the pipeline board over ${DEALS.toLocaleString('en')} open opportunities`, async () => {
    // The workspace of the import (100,000 contacts, 2,000 accounts) gets 20,000 open deals across the open stages.
    await freshApp(page, server.url, inWs(''));
    const buildMs = await page.evaluate(async (n) => {
      const c = await (globalThis as unknown as BenchWindow).__fieldbook.commands();
      const ws = (globalThis as unknown as BenchWindow).__fieldbook.session.ws;
      const stages = ['prospecting', 'qualification', 'proposal', 'negotiation'];
      const t0 = performance.now();
      for (let start = 0; start < n; start += 2000) {
        const inputs = Array.from({ length: Math.min(2000, n - start) }, (_, k) => {
          const i = start + k;
          return {
            name: `Bench deal ${i}`,
            stage: stages[i % stages.length],
            amount: { amount: 100_000 + ((i * 7919) % 5_000_000) * 100, currency: 'NPR' },
            closeDate: new Date(Date.UTC(2026, 0, 1) + (i % 540) * 86_400_000).toISOString().slice(0, 10),
            owner: `rep-${i % 12}`
          };
        });
        const r = await c.createRecords(ws, 'opportunity', inputs);
        if (r.rejected.length > 0) throw new Error(`deal rejected: ${JSON.stringify(r.rejected[0])}`);
      }
      return performance.now() - t0;
    }, DEALS);
    await page.evaluate(() => sessionStorage.setItem('fieldbook:opportunities:view', 'board'));
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.evaluate((home) => (globalThis as unknown as BenchWindow).__fieldbook.goto(home), inWs('/'));
      await page.evaluate(() => performance.clearMarks('fieldbook:board-rendered'));
      times.push(
        await page.evaluate(async (path) => {
          const t0 = performance.now();
          await (globalThis as unknown as BenchWindow).__fieldbook.goto(path);
          while (performance.getEntriesByName('fieldbook:board-rendered').length === 0) await new Promise((r) => requestAnimationFrame(r));
          return performance.getEntriesByName('fieldbook:board-rendered')[0].startTime - t0;
        }, inWs('/opportunities'))
      );
    }
    // Cold: a page load straight onto the board (the app boots first).
    await page.goto(new URL(inWs('opportunities'), server.url).href);
    await page.waitForFunction(() => performance.getEntriesByName('fieldbook:board-rendered').length > 0, undefined, { timeout: 60_000, polling: 20 });
    const cold = await page.evaluate(() => performance.getEntriesByName('fieldbook:board-rendered')[0].startTime);
    record(
      `Pipeline board first render, ${DEALS.toLocaleString('en')} open opportunities, median of 5`,
      median(times),
      'ms',
      { max: 300 },
      `navigating to the board inside the app (all columns with their first cards); cold page load onto the board ${Math.round(cold)} ms from navigation start; deals written in ${(buildMs / 1000).toFixed(0)} s through createRecords; workspace also holds ${ROWS.toLocaleString('en')} contacts and 2,000 accounts; ${load()}`
    );
  });

  it(`draws the sales dashboard over ${DEALS.toLocaleString('en')} deals without blocking input`, async () => {
    await freshApp(page, server.url, inWs(''));
    await resetWatch();
    const ms = await page.evaluate(async (path) => {
      const t0 = performance.now();
      await (globalThis as unknown as BenchWindow).__fieldbook.goto(path);
      const isDone = () => document.querySelector('[data-dashboard-key]')?.getAttribute('aria-busy') === 'false';
      while (!isDone()) await new Promise((r) => setTimeout(r, 10));
      return performance.now() - t0;
    }, inWs('/dashboard'));
    const w = await readWatch();
    record(`Sales dashboard: every chart drawn over ${DEALS.toLocaleString('en')} deals (navigate → figures shown)`, ms, 'ms', null, `deals read and summed on the main thread in 500-row chunks with a progress bar; ${w.count} tasks ≥ 50 ms meanwhile`);
    record(`Longest main-thread task while the dashboard sums ${DEALS.toLocaleString('en')} deals`, w.longest, 'ms', { max: 100 }, `0 means no task reached 50 ms; a 10 ms timer was late by at most ${Math.round(w.lag)} ms; ${load()}`);
  });

  it('global search p95 in the search dialog', async () => {
    await freshApp(page, server.url, inWs('contacts'));
    const first = ['Aar', 'Sit', 'Ram', 'Git', 'Bik', 'Ani', 'Har', 'May', 'Sum', 'Kir', 'Jür', 'Jos', 'Pri', 'Ten', 'Lax'];
    const last = ['Shrestha', 'Sharma', 'Karki', 'Thapa', 'Gurung', 'Tamang', 'Adhikari', 'Müller', 'Bhandari', 'Joshi'];
    const queries: string[] = [];
    for (let i = 0; queries.length < 50; i++) {
      const kind = i % 5;
      if (kind === 0) queries.push(first[i % first.length]);
      else if (kind === 1) queries.push(last[i % last.length].slice(0, 3));
      else if (kind === 2) queries.push(last[(i * 3) % last.length]);
      else if (kind === 3) queries.push(`${first[(i * 7) % first.length].slice(0, 2)} ${last[i % last.length].slice(0, 3)}`);
      else queries.push(`Company ${(i * 37) % 2000}`);
    }
    await page.keyboard.press('Control+K');
    const box = page.getByRole('combobox', { name: /^Search contacts, accounts/ });
    await box.waitFor();
    const times: number[] = [];
    const slowest: { q: string; ms: number }[] = [];
    let hits = 0;
    for (const [i, q] of queries.entries()) {
      await page.evaluate(() => performance.clearMeasures('fieldbook:search'));
      await box.fill(q);
      const m = await page.waitForFunction(
        (query) => {
          const e = performance.getEntriesByName('fieldbook:search').find((x) => (x as PerformanceMeasure).detail?.query === query) as PerformanceMeasure | undefined;
          return e ? { ms: e.duration, hits: (e.detail as { hits: number }).hits } : null;
        },
        q,
        { timeout: 30_000, polling: 10 }
      );
      const { ms, hits: n } = (await m.jsonValue()) as { ms: number; hits: number };
      // The first five warm the caches (as a person's first searches after opening the app do).
      if (i >= 5) {
        times.push(ms);
        slowest.push({ q, ms });
        hits += n;
      }
    }
    record(
      'Global search p95 over 45 queries in the search dialog (after 5 warm-up)',
      percentile(times, 95),
      'ms',
      { max: 50 },
      `Chromium, main thread, query sent → hits back (searchAll over 14 tables); median ${median(times).toFixed(1)} ms, ${(hits / times.length).toFixed(1)} hits a query; workspace: ${ROWS.toLocaleString('en')} contacts, 2,000 accounts, ${DEALS.toLocaleString('en')} opportunities (imported and written above — not the field-scale demo); slowest: ${slowest
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 3)
        .map((x) => `“${x.q}” ${Math.round(x.ms)} ms`)
        .join(', ')}; ${load()}`
    );
  });
});
