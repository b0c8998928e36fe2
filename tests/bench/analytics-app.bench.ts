// Analytics screens in real Chromium: time to the first chart, the longest main-thread task while models run (small demo and the
// full UCI Online Retail file imported), and what reading the workspace on the main thread instead of in the worker would cost.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { domSettled, freshApp, launchBrowser, startServer, type Server } from '../support/harness';
import { median, record } from './results';

const DATA = resolve(process.cwd(), '../shared/data');
const screens: { link: string; ready: string }[] = [
  { link: 'Segmentation', ready: '[data-testid="rfm-segments"]' },
  { link: 'Profitability', ready: '[data-testid="profit-segments"]' },
  { link: 'Customer value and churn', ready: '[data-testid="churn-figures"]' },
  { link: 'Next best offer', ready: '[data-testid="rules"], [data-testid="no-rules"]' },
  { link: 'Forecasting', ready: 'figure[data-chart] svg' },
  { link: 'Pivot', ready: '[data-testid="pivot"]' },
  { link: 'Cohorts', ready: 'figure[data-chart] svg' },
  { link: 'Service and campaigns', ready: '[data-testid="ticket-rates"]' }
];

declare global {
  // eslint-disable-next-line no-var -- the page-side list the long-task observer fills
  var __longTasks: { start: number; duration: number }[];
  // eslint-disable-next-line no-var -- the page-side list the long-animation-frame observer fills
  var __longFrames: { start: number; duration: number; render: number; styleLayout: number; scripts: string[] }[];
}

let server: Server;
let context: BrowserContext;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fieldbook-analytics-bench-'));
  server = await startServer();
  context = await launchBrowser();
  await context.addInitScript(() => {
    globalThis.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) globalThis.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    globalThis.__longFrames = [];
    // Long animation frames say what a long task held: scripts (with their source), style and layout, and when.
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as PerformanceEntry[] & { renderStart: number; styleAndLayoutStart: number; blockingDuration: number; scripts: { invoker: string; sourceURL: string; sourceFunctionName: string; duration: number; forcedStyleAndLayoutDuration: number }[] }[]) {
        const scripts = e.scripts.map((x) => `${x.invoker} ${x.sourceFunctionName || ''}@${x.sourceURL.split('/').pop()} ${x.duration.toFixed(0)}ms (forced layout ${x.forcedStyleAndLayoutDuration.toFixed(0)})`);
        globalThis.__longFrames.push({ start: e.startTime, duration: e.duration, render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0, styleLayout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0, scripts });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  });
});

afterAll(async () => {
  await context?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const longestSince = (page: Page, since: number): Promise<{ max: number; count: number }> =>
  page.evaluate((s) => {
    const tasks = globalThis.__longTasks.filter((t) => t.start >= s);
    return { max: Math.max(0, ...tasks.map((t) => t.duration)), count: tasks.length };
  }, since);

type TraceEvent = { ph: string; name: string; pid: number; tid: number; dur?: number; tdur?: number; args?: { name?: string } };

/**
 * Runs `fn` under a Chrome trace and returns the main thread's longest task by wall-clock time and by thread CPU time.
 * On a busy machine a task's wall time includes the time the thread waited for a core; its CPU time does not, so the
 * two together tell the app's own main-thread work from the machine's load.
 */
async function traced<T>(page: Page, fn: () => Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number; cpuOfLongestMs: number }> {
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  // Playwright types trace events as string maps; they are Chrome trace events with numeric times.
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const complete = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { categories: 'toplevel,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  const result = await fn();
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  // Every renderer of the browser is in the trace; the page's main thread is the busiest CrRendererMain.
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const runTasks = events.filter((e) => (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && e.ph === 'X');
  const busy = (m: TraceEvent) => runTasks.filter((t) => t.pid === m.pid && t.tid === m.tid).reduce((n, t) => n + (t.dur ?? 0), 0);
  const main = mains.reduce<TraceEvent | null>((a, m) => (!a || busy(m) > busy(a) ? m : a), null);
  const tasks = runTasks.filter((e) => main && e.pid === main.pid && e.tid === main.tid);
  const longest = tasks.reduce<TraceEvent | null>((a, t) => (!a || (t.dur ?? 0) > (a.dur ?? 0) ? t : a), null);
  return {
    result,
    wallMs: (longest?.dur ?? 0) / 1000,
    cpuMs: Math.max(0, ...tasks.map((t) => (t.tdur ?? 0) / 1000)),
    cpuOfLongestMs: (longest?.tdur ?? 0) / 1000
  };
}

const load = (): string => `machine load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`;


/**
 * Taps a screen's link in the analytics navigation and resolves, with the times of the tap and of the drawing, once `ready` is on the page
 * and nothing is loading. All of it runs in the page and waits on a MutationObserver: Playwright's own click and
 * waitFor poll the page's main thread every frame (hit tests, selector and visibility checks), which would put the
 * measuring tool's work into the very tasks being measured.
 */
const openScreen = (page: Page, link: string, ready: string): Promise<{ mark: number; drawnAt: number }> =>
  page.evaluate(
    ([link, ready]) =>
      new Promise<{ mark: number; drawnAt: number }>((resolve, reject) => {
        const a = [...document.querySelectorAll<HTMLAnchorElement>('nav[aria-label="Analytics screens"] a')].find((el) => el.textContent?.trim() === link);
        if (!a) return reject(new Error(`no link "${link}"`));
        const path = new URL(a.href).pathname;
        // The old screen stays until the router has switched: wait for the new address as well.
        const isDrawn = () => location.pathname === path && document.querySelector(ready) !== null && document.querySelector('[data-analytics-loading]') === null;
        const observer = new MutationObserver(() => {
          if (!isDrawn()) return;
          observer.disconnect();
          clearTimeout(limit);
          resolve({ mark, drawnAt: performance.now() });
        });
        const limit = setTimeout(() => {
          observer.disconnect();
          reject(new Error(`"${link}" not drawn within 10 minutes`));
        }, 600_000);
        observer.observe(document.body, { subtree: true, childList: true, attributes: true });
        const mark = performance.now();
        a.click();
      }),
    [link, ready] as const
  );

type ScreenFigure = { observedMs: number; longTasks: number; held: string; traceWallMs: number; cpuMs: number; load: string };

/**
 * Visits every screen once through the sub-navigation; each first visit runs that screen's models in the worker and
 * draws it. Twice, each time with a cold worker (the page is reloaded in between, so the models are read and run again):
 * - untraced: the long-task observer alone, which lists every main-thread task over 50 ms — the issue's figure, with
 *   nothing else running in the browser;
 * - under a Chrome trace, for the wall and the thread CPU time of every task. Tracing costs a core's worth of work in
 *   the browser process while it runs (20–25 ms of its main thread's CPU inside a 28 ms window, measured): on a 2-core
 *   machine it makes the page's own tasks wait for a core, so the traced wall time is reported, not held to the
 *   target; the CPU time is the app's own work and is.
 */
async function visitAll(page: Page): Promise<{ perScreen: Record<string, ScreenFigure> }> {
  const perScreen: Record<string, ScreenFigure> = {};
  const start = page.url();
  for (const s of screens) {
    const { mark } = await openScreen(page, s.link, s.ready);
    await domSettled(page);
    const observed = await longestSince(page, mark);
    // What held each long frame, by the browser's own attribution (no profiler): its scripts, style and layout.
    const frames = observed.count === 0 ? [] : await page.evaluate((m) => globalThis.__longFrames.filter((f) => f.start + f.duration >= m && f.duration > 50), mark);
    const held = frames.map((f) => `${f.duration.toFixed(0)} ms frame: ${f.scripts.join('; ') || 'no script'}, style and layout ${f.styleLayout.toFixed(0)} ms`).join(' | ');
    perScreen[s.link] = { observedMs: observed.max, longTasks: observed.count, held, traceWallMs: 0, cpuMs: 0, load: load() };
  }
  // Back where the first pass started, in a new page load: a new worker, so every screen's models run again.
  await page.goto(start);
  await page.locator('nav[aria-label="Analytics screens"]').waitFor({ timeout: 120_000 });
  await page.locator('[data-analytics-loading]').first().waitFor({ state: 'detached', timeout: 600_000 });
  await domSettled(page);
  for (const s of screens) {
    const { wallMs, cpuMs } = await traced(page, async () => {
      await openScreen(page, s.link, s.ready);
      await domSettled(page);
    });
    Object.assign(perScreen[s.link], { traceWallMs: wallMs, cpuMs });
  }
  return { perScreen };
}

const describeScreens = (perScreen: Record<string, ScreenFigure>, key: 'observedMs' | 'traceWallMs' | 'cpuMs') =>
  Object.entries(perScreen)
    .map(([k, v]) => `${k} ${v[key].toFixed(0)}`)
    .join(', ');

/** One figure per screen (target 50 ms, the issue's), then the maxima: untraced wall clock, traced wall clock, traced CPU. */
function recordScreens(where: string, visit: Awaited<ReturnType<typeof visitAll>>, loadNote: string): void {
  const figures = Object.values(visit.perScreen);
  const max = (key: 'observedMs' | 'traceWallMs' | 'cpuMs') => Math.max(...figures.map((f) => f[key]));
  for (const [screen, f] of Object.entries(visit.perScreen))
    record(`Main thread longest task, first visit of ${screen} (${where})`, f.observedMs, 'ms', { max: 50 }, `long-task observer, click to screen drawn (0: no task over 50 ms; ${f.longTasks} over${f.held ? `: ${f.held}` : ''}); under a Chrome trace, second cold visit: longest task ${f.traceWallMs.toFixed(1)} ms wall, ${f.cpuMs.toFixed(1)} ms CPU; ${f.load}`);
  record(`Main thread longest task while models run (${where}), every screen`, max('observedMs'), 'ms', { max: 50 }, `long-task observer (every task over 50 ms), first visit of every screen, no profiler attached: ${describeScreens(visit.perScreen, 'observedMs')}; ${loadNote}`);
  record(`Main thread longest task while models run (${where}), wall clock under a Chrome trace`, max('traceWallMs'), 'ms', null, `every task's wall time, first visit with a cold worker after a reload, while the trace itself keeps the browser process busy: ${describeScreens(visit.perScreen, 'traceWallMs')}`);
  record(`Main thread longest task while models run (${where}), CPU time (Chrome trace)`, max('cpuMs'), 'ms', { max: 50 }, 'thread CPU time of the longest task: the app’s own work, not waiting for a core');
}

describe('analytics screens on the small demo', () => {
  it('time to first chart on segmentation, and the longest main-thread task while every screen’s models run', async () => {
    // Load the demo once (its own figure lives in app.bench.ts), then time fresh page loads of the segmentation screen.
    const warmup = await freshApp(await context.newPage(), server.url, 'analytics?demo=small', { demo: true, timeout: 600_000 });
    await warmup.close();
    const firstChart: number[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await context.newPage();
      await page.goto(new URL('analytics/segmentation?demo=small', server.url).href);
      await page.locator('figure[data-chart] svg').first().waitFor({ timeout: 120_000 });
      firstChart.push(await page.evaluate(() => performance.now()));
      await page.close();
    }
    record('Segmentation, time to first chart from a cold page load (small demo), median of 3', median(firstChart), 'ms', { max: 3000 }, 'app boot + worker reads 3,000 orders + RFM, k-means (k 1–8, two criteria)');

    const page = await freshApp(await context.newPage(), server.url, 'analytics?demo=small', { demo: true });
    await page.getByRole('heading', { name: 'The data at a glance' }).waitFor({ timeout: 120_000 });
    recordScreens('small demo', await visitAll(page), load());

    // Back to segmentation: the answer is remembered while the data is unchanged.
    const shown = await openScreen(page, 'Segmentation', '[data-testid="rfm-segments"]');
    const revisit = shown.drawnAt - shown.mark;
    record('Segmentation revisited with unchanged data, to figures shown', revisit, 'ms', { max: 200 });
    await page.close();
  });

  it('reading the workspace on the main thread and posting it to a worker (the design not taken)', async () => {
    const page = await freshApp(await context.newPage(), server.url, 'analytics?demo=small', { demo: true });
    const r = await page.evaluate(async () => {
      const open = (name: string) =>
        new Promise<IDBDatabase>((res, rej) => {
          const req = indexedDB.open(name);
          req.onsuccess = () => res(req.result);
          req.onerror = () => rej(req.error);
        });
      const db = await open('fieldbook-demo-small');
      const readChunk = (store: string, after: string | null, n: number) =>
        new Promise<Record<string, unknown>[]>((res, rej) => {
          const range = after === null ? null : IDBKeyRange.lowerBound(after, true);
          const req = db.transaction(store).objectStore(store).getAll(range, n);
          req.onsuccess = () => res(req.result as Record<string, unknown>[]);
          req.onerror = () => rej(req.error);
        });
      const since = performance.now();
      const rows: Record<string, unknown>[] = [];
      const t0 = performance.now();
      for (const store of ['orders', 'interactions', 'contacts', 'tickets']) {
        let after: string | null = null;
        for (;;) {
          const chunk = await readChunk(store, after, 2000);
          rows.push(...chunk);
          if (chunk.length < 2000) break;
          after = chunk[chunk.length - 1].id as string;
          await new Promise((res) => setTimeout(res, 0));
        }
      }
      const readMs = performance.now() - t0;
      const worker = new Worker(URL.createObjectURL(new Blob(['onmessage = (e) => postMessage(e.data.length)'], { type: 'text/javascript' })));
      const t1 = performance.now();
      worker.postMessage(rows);
      const postMs = performance.now() - t1;
      await new Promise((res) => (worker.onmessage = res));
      worker.terminate();
      db.close();
      await new Promise((res) => requestAnimationFrame(() => setTimeout(res, 50)));
      const longest = Math.max(0, ...globalThis.__longTasks.filter((t) => t.start >= since).map((t) => t.duration));
      return { rows: rows.length, readMs, postMs, longest };
    });
    record('Main-thread alternative: postMessage of the read rows to a worker (structured clone on the main thread)', r.postMs, 'ms', null, `${r.rows} rows of the small demo (orders, interactions, contacts, tickets)`);
    record('Main-thread alternative: longest task while reading those rows in chunks and posting them', r.longest, 'ms', null, `read took ${r.readMs.toFixed(0)} ms; the app reads in the worker instead`);
    await page.close();
  });
});

describe('analytics screens on the full UCI Online Retail file', () => {
  it('imports 541,909 rows with progress, then runs every screen', async () => {
    const workspace = `bench-retail-${Date.now()}`;
    const page = await freshApp(await context.newPage(), server.url, `analytics/import?workspace=${workspace}`);
    await page.getByLabel('Purchase history (CSV, or CSV compressed as .gz)').setInputFiles(join(DATA, 'onlineretail.csv.gz'));
    await page.getByText('This looks like the UCI Online Retail file').waitFor({ timeout: 60_000 });
    const mark = await page.evaluate(() => performance.now());
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('progressbar').first().waitFor();
    await page.getByRole('heading', { name: 'Imported', exact: true }).waitFor({ timeout: 1_500_000 });
    const seconds = (Date.now() - t0) / 1000;
    const during = await longestSince(page, mark);
    const summary = (await page.getByTestId('import-summary').textContent()) ?? '';
    record('Online Retail import (541,909 rows, gzip) in the worker', 541_909 / seconds, 'rows/s', null, `${seconds.toFixed(0)} s; ${summary.replace(/\s+/g, ' ').trim()}`);
    record('Main thread longest task during the import', during.max, 'ms', { max: 50 }, `${during.count} long tasks; ${load()}`);

    recordScreens('Online Retail, 4,372 customers', await visitAll(page), load());
    await page.close();
  });
});
