// Products, quotes, tasks and rules in a real browser: a quote with three lines reordered by keyboard and totals checked by
// hand, its print view, accepting it (deal won, order made), a reminder that pops up, and a rule run that makes a review task.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { checkA11y, freshApp, launchBrowser, startServer, trackErrors, type Server } from '../support/harness';

let server: Server;
let context: BrowserContext;

const workspace = `e2e-quotes-${randomUUID().slice(0, 8)}`;
const ws = `workspace=${workspace}`;
/** Screenshots for a person to look at, when FIELDBOOK_SHOTS names a folder. */
const shotsDir = process.env.FIELDBOOK_SHOTS;

async function shot(page: Page, name: string): Promise<void> {
  if (shotsDir) await page.screenshot({ path: `${shotsDir}/${name}.png`, fullPage: true });
}

beforeAll(async () => {
  server = await startServer();
  context = await launchBrowser();
  await context.grantPermissions(['notifications'], { origin: new URL(server.url).origin });
  // Records every system notification the page constructs, and stands in for the print dialog (headless has none).
  await context.addInitScript(() => {
    const w = window as unknown as { __notifications: string[]; __printed: number; Notification: typeof Notification };
    w.__notifications = [];
    w.__printed = 0;
    const Real = window.Notification;
    if (Real) {
      class Recorded extends Real {
        constructor(title: string, options?: NotificationOptions) {
          w.__notifications.push(title);
          super(title, options);
        }
      }
      w.Notification = Recorded as typeof Notification;
    }
    window.print = () => {
      w.__printed++;
    };
  });
});

afterAll(async () => {
  await context?.close();
  await server?.stop();
});

/** A date `days` from today as YYYY-MM-DD (local), for date inputs. */
function dateIn(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A local date-time `minutes` from now, to the minute, for datetime-local inputs. */
function localTimeIn(minutes: number): string {
  const d = new Date(Date.now() + minutes * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

// axe runs on each screen's content (<main>, which holds its dialogs and panels too); the shell has its own suite.

/** Digits of a money text, so "NPR 1,30,862.97" and "NPR 130,862.97" compare alike. */
const digits = (text: string | null) => (text ?? '').replace(/[^\d.-]/g, '');

/** Pages left open by a failed test are closed before the next opens: a second tab of a workspace is read-only. */
const open = new Set<Page>();

async function newPage(path: string, viewport = { width: 1024, height: 768 }): Promise<Page> {
  for (const p of open) await p.close();
  open.clear();
  const page = await context.newPage();
  open.add(page);
  await page.setViewportSize(viewport);
  return freshApp(page, server.url, path);
}

/** Every visible button, link-button, checkbox label and select in `scope` is at least 44×44 CSS px. */
async function smallTargets(page: Page, scope: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(`${selector} button, ${selector} .button, ${selector} select, ${selector} input:not([type=checkbox])`)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.height < 43.5 || r.width < 43.5) out.push(`${el.tagName} "${el.textContent?.trim() || el.getAttribute('aria-label')}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  }, scope);
}

let opportunityId = '';
let quoteUrl = '';

describe('products, quotes, tasks and rules', () => {
  it('creates two products with prices per price book', async () => {
    const page = await newPage(`products/new?${ws}`);
    const errors = trackErrors(page);
    await page.getByRole('textbox', { name: /^Name/ }).fill('VivoLite 14 Laptop');
    await page.getByRole('textbox', { name: 'SKU' }).fill('VL-14');
    await page.getByRole('combobox', { name: 'Category' }).fill('Laptops');
    await page.getByRole('textbox', { name: /^Unit cost/ }).fill('48,000');
    await page.getByRole('textbox', { name: 'Unit price, row 1' }).fill('59999');
    await page.getByRole('button', { name: 'Add price book' }).click();
    await page.getByRole('combobox', { name: 'Price book, row 2' }).fill('Dealer');
    await page.getByRole('textbox', { name: 'Unit price, row 2' }).fill('55799');
    expect(await checkA11y(page, { include: 'main' })).toEqual([]);
    await shot(page, 'product-editor');
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.waitForURL(/\/products\/(?!new)[^/?]+\?workspace=/);
    await expect.poll(() => page.getByRole('textbox', { name: 'Unit price, row 2' }).inputValue()).toBe('55799.00');

    await freshApp(page, server.url, `products/new?${ws}`);
    await page.getByRole('textbox', { name: /^Name/ }).fill('Tihar LED String 10 m');
    await page.getByRole('textbox', { name: 'SKU' }).fill('LED-10');
    await page.getByRole('combobox', { name: 'Category' }).fill('Lighting');
    // A typo is caught next to its field before anything is written.
    await page.getByRole('textbox', { name: 'Unit price, row 1' }).fill('4.999');
    await page.getByRole('button', { name: 'Create product' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Unit price, row 1' }).getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('textbox', { name: 'Unit price, row 1' }).fill('499.50');
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.waitForURL(/\/products\/(?!new)[^/?]+\?workspace=/);

    await freshApp(page, server.url, `products?${ws}`);
    const list = page.getByRole('list', { name: 'Products' });
    await expect.poll(() => list.getByRole('link').count()).toBe(2);
    await expect.poll(() => list.textContent()).toMatch(/VivoLite 14 Laptop[\s\S]*59,999\.00/);
    await page.getByRole('searchbox', { name: 'Search products' }).fill('led');
    await expect.poll(() => list.getByRole('link').count()).toBe(1);
    expect(await checkA11y(page, { include: 'main' })).toEqual([]);
    await shot(page, 'products');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('quotes an opportunity with three lines, reordered by keyboard, with totals to the paisa', async () => {
    const page = await newPage(`opportunities/new?${ws}`);
    await page.getByRole('textbox', { name: /^Name/ }).fill('Hotel Yak laptops');
    await page.getByRole('textbox', { name: /^Amount/ }).fill('100000');
    await page.getByLabel(/^Expected close date/).fill(dateIn(30));
    await page.getByRole('button', { name: 'Add opportunity' }).click();
    await page.waitForURL(/\/opportunities\/(?!new)[^/?]+\?workspace=/);
    opportunityId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]);

    const errors = trackErrors(page);
    await freshApp(page, server.url, `quotes/new?opportunityId=${encodeURIComponent(opportunityId)}&${ws}`);
    const year = new Date().getFullYear();
    await expect.poll(() => page.getByRole('textbox', { name: /^Number/ }).inputValue()).toBe(`Q-${year}-0001`);
    await expect.poll(() => page.getByRole('textbox', { name: 'Title' }).inputValue()).toBe('Hotel Yak laptops');
    await expect.poll(() => page.getByRole('combobox', { name: 'Opportunity' }).inputValue()).toBe('Hotel Yak laptops');

    // Line 1 from the product catalogue, priced from the Standard book.
    const picker = page.getByRole('combobox', { name: 'Add a product' });
    await picker.fill('vivo');
    await page.getByRole('option', { name: /VivoLite 14 Laptop/ }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Unit price, line 1' }).inputValue()).toBe('59999.00');
    await expect.poll(() => page.getByRole('textbox', { name: 'Description, line 1' }).inputValue()).toBe('VivoLite 14 Laptop (VL-14)');
    await page.getByRole('textbox', { name: 'Quantity, line 1' }).fill('2');
    await page.getByRole('textbox', { name: 'Discount %, line 1' }).fill('10');

    await page.getByRole('button', { name: 'Add a line' }).click();
    await page.getByRole('textbox', { name: 'Description, line 2' }).fill('Installation and setup');
    await page.getByRole('textbox', { name: 'Unit price, line 2' }).fill('2500');

    await page.getByRole('button', { name: 'Add a line' }).click();
    await page.getByRole('textbox', { name: 'Description, line 3' }).fill('Extended warranty, 1 year');
    await page.getByRole('textbox', { name: 'Quantity, line 3' }).fill('2');
    await page.getByRole('textbox', { name: 'Unit price, line 3' }).fill('3000');
    await page.getByRole('textbox', { name: 'Tax %, line 3' }).fill('0');

    // Keyboard reorder: focus "Move line 3 up" and press Enter; focus follows the line.
    await page.getByRole('button', { name: 'Move line 3 up' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('textbox', { name: 'Description, line 2' }).inputValue()).toBe('Extended warranty, 1 year');
    await expect.poll(() => page.getByRole('textbox', { name: 'Description, line 3' }).inputValue()).toBe('Installation and setup');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move line 2 up');

    // By hand, in paisa: laptops 2 × 59,999.00 = 1,19,998.00 − 10% 11,999.80 = 1,07,998.20 net + 13% VAT 14,039.77 (rounded) =
    // 1,22,037.97; warranty 2 × 3,000.00 = 6,000.00 at 0%; installation 2,500.00 + 13% 325.00 = 2,825.00. Total 1,30,862.97.
    const total = page.getByTestId('quote-total');
    await expect.poll(async () => digits(await total.textContent())).toBe('130862.97');
    expect(digits(await page.getByTestId('quote-net').textContent())).toBe('116498.20');
    expect(digits(await page.getByTestId('quote-discount').textContent())).toBe('11999.80');

    expect(await checkA11y(page, { include: 'main' })).toEqual([]);
    expect(await smallTargets(page, 'main')).toEqual([]);
    await shot(page, 'quote-editor-new');
    await page.getByRole('button', { name: 'Create quote' }).click();
    await page.waitForURL(/\/quotes\/(?!new)[^/?]+\?workspace=/);
    quoteUrl = page.url();

    // The order and totals are what was stored, not just what the form held.
    await freshApp(page, server.url, quoteUrl.slice(server.url.length));
    await expect.poll(() => page.getByRole('textbox', { name: 'Description, line 2' }).inputValue()).toBe('Extended warranty, 1 year');
    await expect.poll(async () => digits(await page.getByTestId('quote-total').textContent())).toBe('130862.97');
    await expect.poll(() => page.getByTestId('quote-status').textContent()).toBe('Draft');
    for (const viewport of [
      { width: 768, height: 1024 },
      { width: 1024, height: 768 }
    ]) {
      await page.setViewportSize(viewport);
      expect(await checkA11y(page, { include: 'main' })).toEqual([]);
      expect(await smallTargets(page, 'main')).toEqual([]);
      await shot(page, `quote-editor-${viewport.width}x${viewport.height}`);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('prints the quote as a document without the app’s navigation', async () => {
    const page = await newPage(quoteUrl.slice(server.url.length));
    const errors = trackErrors(page);
    await page.getByRole('link', { name: 'Print view' }).click();
    await page.waitForURL(/\/quotes\/[^/?]+\/print\?workspace=/);
    await expect.poll(() => page.getByTestId('print-total').textContent()).toMatch(/130,862\.97|1,30,862\.97/);
    const rows = page.locator('table.lines tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(1).textContent()).toContain('Extended warranty, 1 year');
    await expect.poll(() => page.getByRole('heading', { name: 'Quotation' }).isVisible()).toBe(true);
    expect(await page.locator('main').textContent()).toContain('Himal Electronics');
    expect(await page.locator('nav:visible').count()).toBe(0);
    expect(await page.locator('header.header').isVisible()).toBe(false);
    // In print media too: only the document.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('button', { name: 'Print / Save as PDF' }).isVisible()).toBe(false);
    expect(await page.getByTestId('print-total').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('button', { name: 'Print / Save as PDF' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { __printed: number }).__printed)).toBe(1);
    expect(await checkA11y(page, { include: 'main' })).toEqual([]);
    await shot(page, 'quote-print');
    // Back in the app the shell is there again.
    await page.getByRole('link', { name: 'Back to the quote' }).click();
    await page.waitForURL(/\/quotes\/(?!new)[^/?]+\?workspace=/);
    await expect.poll(() => page.locator('nav[aria-label="Main"]').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('accepts the quote: the opportunity is won and the order made', async () => {
    const page = await newPage(quoteUrl.slice(server.url.length));
    const errors = trackErrors(page);
    await page.getByRole('button', { name: 'Accept…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Accept this quote' });
    expect(await dialog.getByRole('checkbox', { name: /Mark the opportunity won/ }).isChecked()).toBe(true);
    expect(await dialog.getByRole('checkbox', { name: /Create the order/ }).isChecked()).toBe(true);
    expect(await checkA11y(page, { include: 'main' })).toEqual([]);
    await dialog.getByRole('button', { name: 'Accept quote' }).click();
    await expect.poll(() => page.getByTestId('quote-status').first().textContent()).toBe('Accepted');
    await expect.poll(() => page.getByTestId('opportunity-stage').textContent()).toBe('Closed won');
    // The revision path stays open: a new revision is a draft with the same number.
    await page.getByRole('button', { name: 'New revision' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/rev 2/);
    await expect.poll(() => page.getByRole('link', { name: 'Revision 1' }).isVisible()).toBe(true);

    // Reorder by dragging (mouse here; the handle takes touch and pen the same way): the last line to the top.
    const lines = page.locator('li[data-line-id]');
    await expect.poll(() => lines.count()).toBe(3);
    await lines.nth(0).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const handle = await lines.nth(2).locator('.handle').boundingBox();
    const first = await lines.nth(0).boundingBox();
    if (!handle || !first) throw new Error('line items are not laid out');
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2, first.y + 10, { steps: 12 });
    await page.mouse.up();
    await expect.poll(() => page.getByRole('textbox', { name: 'Description, line 1' }).inputValue()).toBe('Installation and setup');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Save changes' }).isDisabled()).toBe(true);
    await freshApp(page, server.url, new URL(page.url()).pathname.slice(1) + new URL(page.url()).search);
    expect(await Promise.all([1, 2, 3].map((n) => page.getByRole('textbox', { name: `Description, line ${n}` }).inputValue()))).toEqual([
      'Installation and setup',
      'VivoLite 14 Laptop (VL-14)',
      'Extended warranty, 1 year'
    ]);
    await expect.poll(async () => digits(await page.getByTestId('quote-total').textContent())).toBe('130862.97');

    await freshApp(page, server.url, `opportunities/${encodeURIComponent(opportunityId)}?${ws}`);
    await expect.poll(() => page.getByTestId('opportunity-stage').textContent()).toMatch(/won/i);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reminds of a task whose reminder time has passed, in the app and as a notification', async () => {
    const page = await newPage(`accounts/new?${ws}`);
    await page.getByRole('textbox', { name: /^Name/ }).fill('Hotel Yak');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/accounts\/(?!new)[^/?]+\?workspace=/);
    const accountPath = new URL(page.url()).pathname.slice(1) + new URL(page.url()).search;

    await freshApp(page, server.url, `tasks?${ws}`);
    const errors = trackErrors(page);
    expect(await page.evaluate(() => Notification.permission)).toBe('granted');
    await page.getByRole('textbox', { name: 'New task' }).fill('Call Hotel Yak about delivery');
    await page.getByRole('combobox', { name: 'Kind' }).selectOption('call');
    await page.getByRole('button', { name: 'Add task' }).click();
    const today = page.getByRole('region', { name: /Today/ });
    await today.getByRole('link', { name: 'Call Hotel Yak about delivery' }).click();
    await page.waitForURL(/\/tasks\/[^/?]+\?workspace=/);
    await page.getByRole('combobox', { name: 'Reminder' }).selectOption('custom');
    await page.getByLabel('Remind me at').fill(localTimeIn(-1));
    await page.getByRole('combobox', { name: 'Account' }).fill('hotel');
    await page.getByRole('option', { name: /Hotel Yak/ }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { __notifications: string[] }).__notifications), { timeout: 45_000 }).toContain(
      'Call Hotel Yak about delivery'
    );

    await page.getByRole('link', { name: 'Tasks' }).first().click();
    await page.waitForURL(/\/tasks\?workspace=/);
    await expect.poll(() => page.getByTestId('reminder-count').textContent()).toMatch(/^1/);
    await page.getByTestId('reminder-bell').click();
    const reminders = page.getByRole('list', { name: 'Due reminders' });
    await expect.poll(() => reminders.textContent()).toContain('Call Hotel Yak about delivery');
    expect(await checkA11y(page, { include: 'main' })).toEqual([]);
    await shot(page, 'tasks-my-day');
    // Announced once: a reload lists it again but does not notify again.
    await freshApp(page, server.url, `tasks?${ws}`);
    await expect.poll(() => page.getByTestId('reminder-count').textContent()).toMatch(/^1/);
    expect(await page.evaluate(() => (window as unknown as { __notifications: string[] }).__notifications)).toEqual([]);
    for (const viewport of [
      { width: 768, height: 1024 },
      { width: 1024, height: 768 }
    ]) {
      await page.setViewportSize(viewport);
      expect(await checkA11y(page, { include: 'main' })).toEqual([]);
      expect(await smallTargets(page, 'main')).toEqual([]);
    }

    // A finished call goes into the customer's timeline in one tap.
    await page.getByRole('checkbox', { name: 'Done: Call Hotel Yak about delivery' }).check();
    await page.getByRole('button', { name: 'Log as interaction' }).click();
    await expect.poll(() => page.getByText('Logged in the timeline as a call').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('reminder-count').count()).toBe(0);
    await freshApp(page, server.url, accountPath);
    await expect.poll(() => page.getByRole('region', { name: 'Timeline' }).textContent()).toContain('Call Hotel Yak about delivery');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs a "past close date" rule and shows the review task it made', async () => {
    const page = await newPage(`rules?${ws}`);
    const errors = trackErrors(page);
    const rules = page.getByRole('list', { name: 'Rules' });
    // A fresh workspace gets the two starter rules; the starter "past close date" one is switched off to test our own.
    await expect.poll(() => rules.getByRole('heading').allTextContents()).toEqual(['Key accounts not contacted in 6 weeks', 'Opportunities past close date']);
    await rules.getByRole('switch', { name: /Opportunities past close date/ }).uncheck();
    await page.getByRole('button', { name: 'New rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'New rule' });
    await dialog.getByRole('textbox', { name: /^Name/ }).fill('Deals past their date');
    await dialog.getByRole('combobox', { name: 'Trigger' }).selectOption('opportunity.closeDatePassed');
    await dialog.getByRole('textbox', { name: 'Days of grace' }).fill('0');
    expect(await checkA11y(page, { include: 'main' })).toEqual([]);
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await expect.poll(() => rules.getByRole('heading').count()).toBe(3);
    expect(await rules.getByRole('switch', { name: /Opportunities past close date/ }).isChecked()).toBe(false);

    await freshApp(page, server.url, `opportunities/new?${ws}`);
    await page.getByRole('textbox', { name: /^Name/ }).fill('Everest Mobiles phones');
    await page.getByRole('textbox', { name: /^Amount/ }).fill('50000');
    await page.getByLabel(/^Expected close date/).fill(dateIn(-10));
    await page.getByRole('button', { name: 'Add opportunity' }).click();
    await page.waitForURL(/\/opportunities\/(?!new)[^/?]+\?workspace=/);

    await freshApp(page, server.url, `rules?${ws}`);
    await page.getByRole('button', { name: 'Run rules now' }).click();
    await expect.poll(() => page.getByTestId('rules-run-status').textContent()).toContain('Created 1 review task');
    expect(await checkA11y(page, { include: 'main' })).toEqual([]);
    await shot(page, 'rules');

    await page.getByRole('link', { name: 'See the tasks' }).click();
    await page.waitForURL(/\/tasks\?workspace=.*view=all/);
    const list = page.getByRole('list', { name: 'Tasks' });
    await expect.poll(() => list.textContent()).toContain(`Review Everest Mobiles phones: close date ${dateIn(-10)} has passed`);
    // Running again makes nothing new.
    await freshApp(page, server.url, `rules?${ws}`);
    await page.getByRole('button', { name: 'Run rules now' }).click();
    await expect.poll(() => page.getByTestId('rules-run-status').textContent()).toContain('Nothing new');
    expect(errors).toEqual([]);
    await page.close();
  });
});
