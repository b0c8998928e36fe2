// The sales dashboard on the small demo in a real browser: the funnel agrees with the board, the owner filter reaches
// every chart, tables list the values, a target set here shows against the forecast, tooltips by keyboard, axe, touch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { checkA11y, freshApp, launchBrowser, startServer, trackErrors, type Server } from '../support/harness';

let server: Server;
let context: BrowserContext;
let page: Page;
let errors: string[];

const CHARTS = ['funnel', 'won-lost', 'forecast', 'accounts', 'activity'] as const;
const chart = (id: (typeof CHARTS)[number]) => page.locator(`section[data-chart-id="${id}"]`);

beforeAll(async () => {
  server = await startServer();
  context = await launchBrowser();
  page = await context.newPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  await freshApp(page, server.url, 'dashboard?demo=small', { demo: true, timeout: 170_000 });
  errors = trackErrors(page);
});

afterAll(async () => {
  await context?.close();
  await server?.stop();
});

/** Waits until the figures on screen are those of the current filter (no sum in progress). */
async function settled(): Promise<void> {
  await page.locator('[data-dashboard-key]').waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector('[data-dashboard-key]')?.getAttribute('aria-busy') === 'false', undefined, { timeout: 60_000 });
}

/** Opens a chart's table alternative (if closed) and returns its cells, row by row. */
async function tableOf(section: Locator): Promise<string[][]> {
  const details = section.locator('details').filter({ has: page.locator('summary', { hasText: 'Show the data as a table' }) });
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  const table = details.locator('table');
  await table.waitFor();
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => (c.textContent ?? '').trim())));
}

/** Every visible button, select and input in `scope` is at least 44×44 CSS px. */
async function smallTargets(scope: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(`${selector} button, ${selector} .button, ${selector} select, ${selector} input, ${selector} summary`)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.height < 43.5 || r.width < 43.5) out.push(`${el.tagName} "${el.textContent?.trim() || el.getAttribute('aria-label')}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  }, scope);
}

describe('sales dashboard on the small demo', () => {
  let funnel: string[][] = [];
  /** A rep who owns open deals, read off a board card. */
  let rep = '';

  it('draws every chart with a title, axes and a table alternative, reached from the navigation', async () => {
    await settled();
    for (const id of CHARTS) {
      const svg = chart(id).locator('figure[data-chart] svg[role="img"]');
      await svg.waitFor();
      expect((await svg.locator('title').textContent())?.trim()).toBeTruthy();
      expect(await svg.locator('text.axis-label').count()).toBeGreaterThan(0);
    }
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Sales dashboard' }).first().getAttribute('aria-current')).toBe('page');
    funnel = await tableOf(chart('funnel'));
    expect(funnel.map((r) => r[0])).toEqual(['Prospecting', 'Qualification', 'Proposal', 'Negotiation']);
    expect(funnel.reduce((n, r) => n + Number(r[1].replace(/\D/g, '')), 0)).toBeGreaterThan(50);
  });

  it('the funnel’s figures match the pipeline board’s column totals', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Opportunities' }).first().click();
    await page.getByRole('heading', { name: 'Opportunities', level: 1 }).waitFor();
    const stages = ['prospecting', 'qualification', 'proposal', 'negotiation'];
    for (const [i, stage] of stages.entries()) {
      const column = page.locator(`[data-stage="${stage}"]`);
      // The totals appear once the column has read every card.
      await expect.poll(() => column.locator('.totals').textContent(), { timeout: 60_000 }).toMatch(/\d/);
      const count = ((await column.locator('.count').textContent()) ?? '').replace(/\D/g, '');
      expect(count).toBe(funnel[i][1].replace(/\D/g, ''));
      const totals = (await column.locator('.totals').textContent()) ?? '';
      expect(totals).toContain(funnel[i][2]);
      expect(totals).toContain(`Weighted ${funnel[i][3]}`);
    }
    const meta = (await page.locator('[data-stage="negotiation"] li.card .meta').first().textContent()) ?? '';
    rep = meta.split(' · ')[1]?.trim() ?? '';
    expect(rep).toBeTruthy();
    await page.getByRole('navigation').getByRole('link', { name: 'Sales dashboard' }).first().click();
    await page.getByRole('heading', { name: 'Sales dashboard', level: 1 }).waitFor();
    await settled();
  });

  it('a filter by owner changes every chart', async () => {
    const before = new Map<string, string>();
    for (const id of CHARTS) before.set(id, JSON.stringify(await tableOf(chart(id))));
    const activityBefore = await tableOf(chart('activity'));
    expect(activityBefore.length).toBeGreaterThan(2);
    const key = await page.locator('[data-dashboard-key]').getAttribute('data-dashboard-key');
    await page.getByLabel('Owner').selectOption({ label: rep });
    await page.waitForFunction((k) => document.querySelector('[data-dashboard-key]')?.getAttribute('data-dashboard-key') !== k, key, { timeout: 60_000 });
    await settled();
    for (const id of CHARTS) expect(JSON.stringify(await tableOf(chart(id))), `chart ${id}`).not.toBe(before.get(id));
    // The table alternative lists the values: the one rep and their count, as a number.
    const activity = await tableOf(chart('activity'));
    expect(activity).toHaveLength(1);
    expect(activity[0][0]).toBe(rep);
    expect(activity[0][1]).toBe(activityBefore.find((r) => r[0] === rep)?.[1]);
    expect(Number(activity[0][1].replace(/\D/g, ''))).toBeGreaterThan(0);
    expect(await page.locator('.head p').textContent()).toContain(rep);
  });

  /** Reloads the page (the filters start afresh) and filters to the rep again, so the target shown is theirs. */
  async function reloadAsRep(): Promise<void> {
    await page.reload();
    await page.locator('[data-app-ready]').waitFor({ state: 'attached', timeout: 60_000 });
    await page.getByLabel('Owner').waitFor();
    await settled();
    await page.getByLabel('Owner').selectOption({ label: rep });
    await settled();
  }

  it('setting a target shows the forecast against it (and clearing it says no target is set)', async () => {
    const forecast = chart('forecast');
    await forecast.locator('summary', { hasText: 'Set a quarterly target' }).click();
    const amount = forecast.getByRole('textbox', { name: /Quarterly target/ });
    // Clear whatever the demo set, so the plain "no target" state shows first.
    await forecast.getByRole('button', { name: 'Clear target' }).click();
    await expect.poll(() => forecast.locator('[data-target]').textContent(), { timeout: 30_000 }).toMatch(/No target set/);
    expect(await forecast.locator('line.reference').count()).toBe(0);

    await amount.fill('2500000');
    await forecast.getByRole('button', { name: 'Save target' }).click();
    await expect.poll(() => forecast.locator('[data-target]').textContent(), { timeout: 30_000 }).toMatch(/Quarterly target for .+: NPR\s?25,00,000(\.00)?/);
    await forecast.locator('line.reference').waitFor({ state: 'attached' });
    expect(await forecast.locator('figure p.summary').textContent()).toMatch(/against a quarterly target of NPR\s?25,00,000/);
    // The target is stored on the team member: still there after a reload.
    await reloadAsRep();
    await expect.poll(() => chart('forecast').locator('[data-target]').textContent(), { timeout: 30_000 }).toMatch(/Quarterly target for .+: NPR\s?25,00,000/);
    expect(await chart('forecast').locator('[data-target]').textContent()).toContain(rep);
  });

  it('refuses an empty, negative, non-numeric or absurd target with a message at the field, and keeps the stored one', async () => {
    const forecast = chart('forecast');
    await forecast.locator('summary', { hasText: 'Set a quarterly target' }).click();
    const amount = forecast.getByRole('textbox', { name: /Quarterly target/ });
    const stored = /Quarterly target for .+: NPR\s?25,00,000(\.00)?\./;
    // Consecutive cases expect different messages, so each poll sees the new refusal, not the last one.
    const cases: [string, RegExp][] = [
      ['', /Enter the quarterly target.*Clear target/],
      ['-1200000', /cannot be negative/],
      ['   ', /Enter the quarterly target/],
      ['12x', /Enter an amount above zero/],
      ['99999999999999999999', /Enter at most 1,000,000,000,000 NPR/],
      ['<script>window.__pwned = 1</script>', /Enter an amount above zero/]
    ];
    for (const [text, message] of cases) {
      await amount.fill(text);
      await forecast.getByRole('button', { name: 'Save target' }).click();
      await expect.poll(() => forecast.locator('.field.invalid .error').textContent(), { timeout: 10_000 }).toMatch(message);
      // The message is tied to the field for screen readers, and nothing was stored.
      expect(await amount.getAttribute('aria-invalid')).toBe('true');
      expect(await amount.getAttribute('aria-describedby')).toContain(await forecast.locator('.field.invalid .error').getAttribute('id'));
      expect(await forecast.locator('[data-target]').textContent(), JSON.stringify(text)).toMatch(stored);
      expect(await forecast.locator('[role="status"]').filter({ hasText: 'Target saved' }).count()).toBe(0);
    }
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // A good amount then goes through, and clears the message.
    await amount.fill('2500000');
    await forecast.getByRole('button', { name: 'Save target' }).click();
    await forecast.locator('[role="status"]').filter({ hasText: 'Target saved' }).waitFor();
    expect(await forecast.locator('.field.invalid').count()).toBe(0);
    await reloadAsRep();
    await expect.poll(() => chart('forecast').locator('[data-target]').textContent(), { timeout: 30_000 }).toMatch(stored);
  });

  it('reaches a chart’s tooltip with the keyboard', async () => {
    await page.getByLabel('Period').focus();
    const funnelSvg = chart('funnel').locator('svg[data-funnel]');
    let isFocused = false;
    for (let i = 0; i < 6 && !isFocused; i++) {
      await page.keyboard.press('Tab');
      isFocused = await funnelSvg.evaluate((el) => el === document.activeElement);
    }
    expect(isFocused).toBe(true);
    const tooltip = chart('funnel').locator('.tooltip');
    await expect.poll(() => tooltip.textContent()).toContain('Prospecting');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => tooltip.textContent()).toContain('Qualification');
    // The same values are spoken through the chart's live region.
    await expect.poll(() => chart('funnel').locator('[aria-live="polite"]').textContent()).toContain('Qualification');
    await page.keyboard.press('Escape');
    await expect.poll(() => tooltip.count()).toBe(0);
  });

  it('has no axe violations and only large touch targets at tablet portrait and landscape', async () => {
    for (const viewport of [
      { width: 768, height: 1024 },
      { width: 1024, height: 768 }
    ]) {
      await page.setViewportSize(viewport);
      await page.waitForTimeout(100);
      for (const id of CHARTS) await tableOf(chart(id));
      expect(await checkA11y(page), `${viewport.width}×${viewport.height}`).toEqual([]);
      expect(await smallTargets('main'), `${viewport.width}×${viewport.height}`).toEqual([]);
    }
    expect(errors).toEqual([]);
  });
});
