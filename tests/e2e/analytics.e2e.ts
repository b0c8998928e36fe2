// Analytics in real Chromium: every screen on the small demo (charts with titles, the figures the demo's story predicts), a slice of
// UCI Online Retail imported into a workspace of its own, the longest main-thread task while models run, and axe on every screen.
import { randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { checkA11y, domSettled, freshApp, launchBrowser, startServer, trackErrors, type Server } from '../support/harness';

const DATA = resolve(process.cwd(), '../shared/data');

let server: Server;
let context: BrowserContext;
let dir: string;
/** Longest main-thread task (ms) seen while each screen's models ran. */
const longest: Record<string, number> = {};

declare global {
  // eslint-disable-next-line no-var -- the page-side list the long-task observer fills
  var __longTasks: { start: number; duration: number }[];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fieldbook-analytics-e2e-'));
  server = await startServer();
  context = await launchBrowser();
  // Every page of this context records its long tasks (main-thread work over 50 ms) from the start.
  await context.addInitScript(() => {
    globalThis.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) globalThis.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
});

afterAll(async () => {
  await context?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  const figures = Object.entries(longest).map(([k, v]) => `${k} ${v.toFixed(0)} ms`);
  if (figures.length) console.log(`[analytics e2e] longest main-thread task while models ran: ${figures.join(', ')}`);
});

/**
 * Opens an analytics screen from the sub-navigation (a client-side navigation, as a person would) and waits until the
 * screen's figures are shown; records the longest long task between the click and then.
 */
async function openScreen(page: Page, link: string, ready: Locator, key = link): Promise<void> {
  const mark = await page.evaluate(() => performance.now());
  // CSS, not role queries: a role query walks the accessibility tree in the page and would itself show up as a long task.
  await page.locator(`nav[aria-label="Analytics screens"] a:text-is("${link}")`).click();
  await ready.first().waitFor({ state: 'attached', timeout: 120_000 });
  await page.locator('[data-analytics-loading]').first().waitFor({ state: 'detached', timeout: 120_000 });
  // Charts, deferred sections and long tables are drawn a piece per frame after the figures arrive: wait until the DOM
  // has been still for a moment (so axe sees the whole screen), then a frame so the long-task observer has reported.
  await domSettled(page, 300, 20_000);
  const ms = await page.evaluate((since) => Math.max(0, ...globalThis.__longTasks.filter((t) => t.start >= since).map((t) => t.duration)), mark);
  longest[key] = ms;
}

/** Every chart on screen is an SVG with a title. */
async function expectTitledCharts(page: Page, min = 1): Promise<void> {
  const charts = page.locator('figure[data-chart] svg[role="img"]');
  await charts.first().waitFor();
  // Charts are drawn one per frame: the rest follow the first.
  await expect.poll(() => charts.count()).toBeGreaterThanOrEqual(min);
  for (const svg of await charts.all()) expect((await svg.locator('title').textContent())?.trim()).toBeTruthy();
}

const numberIn = async (l: Locator): Promise<number> => Number(((await l.textContent()) ?? '').replace(/[^0-9.]/g, ''));

describe('analytics on the small demo', () => {
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    page = await freshApp(await context.newPage(), server.url, 'analytics?demo=small', { demo: true, timeout: 170_000 });
    errors = trackErrors(page);
  });

  afterAll(async () => {
    await page?.close();
  });

  it('overview: the data at a glance and a link to every screen', async () => {
    await page.getByRole('heading', { name: 'The data at a glance' }).waitFor({ timeout: 120_000 });
    const orders = page.locator('dt', { hasText: /^Orders$/ }).locator('xpath=following-sibling::dd');
    expect(await numberIn(orders)).toBeGreaterThan(2000);
    for (const name of ['Segmentation', 'Profitability', 'Customer value and churn', 'Next best offer', 'Forecasting', 'Pivot', 'Cohorts', 'Service and campaigns', 'Analyse outside data'])
      await expect.poll(() => page.getByRole('main').getByRole('link', { name, exact: true }).count()).toBeGreaterThan(0);
    expect(await checkA11y(page)).toEqual([]);
  });

  it('segmentation: RFM segments, k chosen by a shown criterion, a segment saved as a list', async () => {
    await openScreen(page, 'Segmentation', page.getByTestId('rfm-segments'));
    const rows = page.getByTestId('rfm-segments').locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(4);
    await expect.poll(() => page.getByTestId('rfm-segments').textContent()).toContain('Champions');
    await expect.poll(() => page.getByTestId('chosen-k').textContent()).toMatch(/k = \d.*elbow/);
    await expectTitledCharts(page, 4);
    expect(await page.locator('svg title', { hasText: 'Within-cluster sum of squares by k (elbow)' }).count()).toBe(1);
    expect(await checkA11y(page)).toEqual([]);

    await page.getByRole('button', { name: /^Save as list\W+Champions$/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Save as a list' });
    await dialog.getByRole('button', { name: 'Save the list' }).click();
    await page.getByText(/Saved “RFM: Champions .*” with [\d,]+ contacts/).waitFor();

    // The silhouette picks k by itself too, and says so.
    await page.getByLabel('Choose k by').selectOption('silhouette');
    await expect.poll(() => page.getByTestId('chosen-k').textContent(), { timeout: 60_000 }).toMatch(/largest mean silhouette/);
  });

  it('profitability: totals, the whale curve and cost-to-serve rates that change the figures', async () => {
    await openScreen(page, 'Profitability', page.getByTestId('profit-segments'));
    await expectTitledCharts(page, 2);
    const costToServe = page.locator('dt', { hasText: /^Cost to serve$/ }).locator('xpath=following-sibling::dd');
    const before = await numberIn(costToServe);
    expect(before).toBeGreaterThan(0);
    expect(await checkA11y(page)).toEqual([]);
    await page.getByRole('textbox', { name: 'phone' }).fill('5000');
    await page.getByRole('button', { name: 'Apply the rates' }).click();
    await expect.poll(() => numberIn(costToServe), { timeout: 60_000 }).toBeGreaterThan(before);
    await page.getByRole('button', { name: 'Back to the defaults' }).click();
    await expect.poll(() => numberIn(costToServe), { timeout: 60_000 }).toBe(before);
  });

  it('customer value: BG/NBD parameters, valuable customers at risk with a task to call one', async () => {
    await openScreen(page, 'Customer value and churn', page.getByTestId('bgnbd-params'), 'Customer value');
    const params = (await page.getByTestId('bgnbd-params').textContent()) ?? '';
    expect(params).toMatch(/BG\/NBD r\s*[\d.]+/);
    expect(params).toMatch(/α \(alpha\)\s*[\d.,]+/);
    expect(await page.getByTestId('gg-params').textContent()).toMatch(/Gamma-Gamma p/);
    const atRisk = page.getByTestId('at-risk').locator('tbody tr');
    expect(await atRisk.count()).toBeGreaterThan(0);
    await page.getByTestId('at-risk').getByRole('button', { name: /^Create task to call/ }).first().click();
    await page.getByTestId('at-risk').getByText('Task created').first().waitFor();
    // The churn model on the workspace's own customers fits by itself.
    await page.getByTestId('churn-figures').waitFor({ timeout: 120_000 });
    await page.locator('svg title', { hasText: 'ROC curve on held-out rows' }).waitFor({ state: 'attached' });
    await expectTitledCharts(page, 2);
    expect(await checkA11y(page)).toEqual([]);
  });

  it('churn model on the Telco file: AUC, ROC curve and coefficients with odds ratios', async () => {
    await page.getByLabel('A subscription data set from a CSV file (e.g. Telco customer churn)').check();
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(join(DATA, 'Telco-Customer-Churn.csv'));
    await page.getByText('Loaded Telco-Customer-Churn.csv').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('coefficients').textContent(), { timeout: 60_000 }).toContain('Contract=Two year');
    const auc = page.locator('dt', { hasText: 'AUC on held-out rows' }).locator('xpath=following-sibling::dd');
    expect(await numberIn(auc)).toBeGreaterThan(0.8);
    const head = (await page.getByTestId('coefficients').locator('thead').textContent()) ?? '';
    for (const col of ['Term', 'Coefficient', 'Std. error', 'Odds ratio']) expect(head).toContain(col);
    expect(await checkA11y(page)).toEqual([]);
  });

  it('next best offer: high-end phone buyers take a case, by category and by product', async () => {
    await openScreen(page, 'Next best offer', page.getByTestId('rules'));
    const rules = page.getByTestId('rules').locator('tbody tr');
    expect(await rules.count()).toBeGreaterThan(0);
    const phoneToCase = rules.filter({ hasText: 'High-end phones' }).filter({ hasText: 'Phone cases' });
    expect(await phoneToCase.count()).toBeGreaterThan(0);
    await expectTitledCharts(page, 1);
    expect(await checkA11y(page)).toEqual([]);
    await page.getByLabel('Items').selectOption('product');
    await page.getByLabel('Minimum support').selectOption('0.002');
    await expect.poll(() => page.getByTestId('rules').locator('tbody tr').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    // Over 200 rules by product at this support: the table starts with the 50 strongest, the rest come when asked.
    const more = page.getByRole('button', { name: /^Show the other \d+ rules$/ });
    await more.waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('rules').locator('tbody tr').count()).toBe(50);
    await more.click();
    await expect.poll(() => page.getByTestId('rules').locator('tbody tr').count()).toBe(200);
    expect(await more.count()).toBe(0);
  });

  it('forecasting: Holt-Winters with its band drawn, the pipeline against last year', async () => {
    await openScreen(page, 'Forecasting', page.locator('[data-chart-band]'));
    expect(((await page.locator('[data-chart-band]').getAttribute('d')) ?? '').length).toBeGreaterThan(20);
    expect(await page.getByTestId('hw-params').textContent()).toMatch(/additive, season 12 months/);
    expect(await page.getByTestId('quarter-vs-last-year').textContent()).toMatch(/2026 Q4.*2025 Q4/s);
    await expectTitledCharts(page, 2);
    expect(await checkA11y(page)).toEqual([]);
    await page.getByLabel('Seasonality').selectOption('multiplicative');
    await expect.poll(() => page.getByTestId('hw-params').textContent(), { timeout: 60_000 }).toMatch(/multiplicative/);
    expect(((await page.locator('[data-chart-band]').getAttribute('d')) ?? '').length).toBeGreaterThan(20);
  });

  it('pivot: shaded cells with their values, drill into a year, slice, export CSV', async () => {
    await openScreen(page, 'Pivot', page.getByTestId('pivot'));
    const table = page.getByTestId('pivot');
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(1);
    const shaded = table.locator('tbody td[style*="background"]').first();
    expect((await shaded.textContent())?.trim()).toMatch(/\d/);
    expect(await checkA11y(page)).toEqual([]);
    await table.getByRole('button', { name: 'Drill into 2025' }).click();
    await expect.poll(() => table.locator('tbody th').allTextContents(), { timeout: 60_000 }).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    await page.getByRole('status').filter({ hasText: 'Year 2025' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv).toContain('2025-Q3');
    expect(csv.split('\r\n')[0]).toContain('Quarter');
  });

  it('cohorts: retention by month of first purchase as a heat map', async () => {
    await openScreen(page, 'Cohorts', page.locator('svg title', { hasText: 'Retention by month of first purchase' }));
    await expectTitledCharts(page, 2);
    const cells = page.locator('figure[data-chart] svg text.cell');
    await expect.poll(() => cells.count()).toBeGreaterThan(50);
    expect(await cells.first().textContent()).toBe('100%');
    expect(await checkA11y(page)).toEqual([]);
  });

  it('service and campaigns: PH-VP20 flagged by a named test, campaign rates per message', async () => {
    await openScreen(page, 'Service and campaigns', page.getByTestId('ticket-rates'));
    expect(await page.getByTestId('anomaly-test').textContent()).toMatch(/poisson/i);
    const flagged = page.getByTestId('ticket-rates').locator('tbody tr').filter({ hasText: 'Anomaly' });
    expect(await flagged.count()).toBe(1);
    expect(await flagged.textContent()).toContain('PH-VP20');
    expect(await page.getByTestId('campaign-rates').locator('tbody tr').count()).toBeGreaterThan(0);
    await expectTitledCharts(page, 2);
    expect(await checkA11y(page)).toEqual([]);
  });

  it('revisiting a screen shows the kept answer without working it out again; the keyboard stays in the sub-navigation', async () => {
    // Note whether the "working" indicator shows at any moment of the visit: a kept answer needs no run.
    await page.evaluate(() => {
      const g = globalThis as unknown as { sawLoading: boolean };
      g.sawLoading = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-analytics-loading]')) g.sawLoading = true;
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    const link = page.locator('nav[aria-label="Analytics screens"] a:text-is("Segmentation")');
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('rfm-segments').waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { sawLoading: boolean }).sawLoading)).toBe(false);
    // Focus stays on the link pressed, as in a tab list, and that link is marked as the current screen.
    expect(await link.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await link.getAttribute('aria-current')).toBe('page');
    expect(errors).toEqual([]);
  });
});

/** The header and first `lines` data lines of the Online Retail file, unpacked as a stream. */
async function onlineRetailSlice(lines: number): Promise<string> {
  const out: string[] = [];
  const rl = createInterface({ input: createReadStream(join(DATA, 'onlineretail.csv.gz')).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of rl) {
    out.push(line);
    if (out.length > lines) break;
  }
  rl.close();
  return `${out.join('\n')}\n`;
}

describe('analysing outside data', () => {
  it('imports a slice of Online Retail into its own workspace, and the screens work on it', async () => {
    const file = join(dir, 'online-retail-slice.csv');
    writeFileSync(file, await onlineRetailSlice(3_000));
    const workspace = `e2e-retail-${randomUUID().slice(0, 8)}`;
    const page = await freshApp(await context.newPage(), server.url, `analytics/import?workspace=${workspace}`);
    const errors = trackErrors(page);
    await page.getByLabel('Purchase history (CSV, or CSV compressed as .gz)').setInputFiles(file);
    await page.getByText('This looks like the UCI Online Retail file').waitFor();
    expect(await page.getByLabel('Customer id').inputValue()).toBe('CustomerID');
    expect(await checkA11y(page)).toEqual([]);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Imported', exact: true }).waitFor({ timeout: 120_000 });
    const orders = page.getByTestId('import-summary').locator('dt', { hasText: 'Orders written' }).locator('xpath=following-sibling::dd');
    expect(await numberIn(orders)).toBeGreaterThan(100);
    expect(await checkA11y(page)).toEqual([]);

    await openScreen(page, 'Segmentation', page.getByTestId('rfm-segments'), 'Segmentation (imported)');
    expect(await page.getByTestId('rfm-segments').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('rfm-segments').textContent()).toMatch(/GBP/);

    await openScreen(page, 'Pivot', page.getByTestId('pivot'), 'Pivot (imported)');
    const heads = await page.getByTestId('pivot').locator('tbody th').allTextContents();
    expect(heads.join(' ')).toMatch(/2010/);
    expect(await page.getByTestId('pivot').locator('thead').textContent()).toContain('United Kingdom');

    // No categories in Online Retail: rules are mined by product without being asked.
    await openScreen(page, 'Next best offer', page.getByTestId('rules').or(page.getByTestId('no-rules')), 'Next best offer (imported)');
    expect(await page.getByRole('status').filter({ hasText: /baskets of [\d,]+ products/ }).count()).toBe(1);

    await openScreen(page, 'Customer value and churn', page.getByTestId('bgnbd-params').or(page.getByRole('note')), 'Customer value (imported)');
    expect(errors).toEqual([]);
    await page.close();
  });
});
