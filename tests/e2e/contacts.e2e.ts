// Contacts and accounts in real Chromium with real IndexedDB: create with inline validation, search, edit, log, delete/undo, trash, keyboard, axe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { checkA11y, freshApp, launchBrowser, startServer, trackErrors, type Server } from '../support/harness';

let server: Server;
let context: BrowserContext;

beforeAll(async () => {
  server = await startServer();
  context = await launchBrowser();
});

afterAll(async () => {
  await context?.close();
  await server?.stop();
});

/** A landscape tablet: the detail page shows its sections as tabs below 1200 px. */
const TABLET = { width: 1024, height: 768 };
const PORTRAIT = { width: 768, height: 1024 };

async function openPage(path: string, options: { demo?: boolean } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  await page.setViewportSize(TABLET);
  const errors = trackErrors(page);
  await freshApp(page, server.url, path, options);
  return { page, errors };
}

/** Errors that are about the environment, not the app: the preview server of a plain `vite build` has no sw.js. */
const appErrors = (errors: string[]) => errors.filter((e) => !/service ?worker|sw\.js|404/i.test(e));

const tab = (page: Page, name: string) => page.getByRole('tab', { name, exact: true }).click();

describe('contacts in an empty workspace', () => {
  const workspace = `e2e-${Math.random().toString(36).slice(2, 10)}`;
  let page: Page;
  let errors: string[];
  let detailUrl = '';

  beforeAll(async () => {
    ({ page, errors } = await openPage(`contacts?workspace=${workspace}`));
  });

  afterAll(async () => {
    await page?.close();
  });

  it('shows an empty list that offers a new contact', async () => {
    await page.getByRole('heading', { level: 1, name: 'Contacts' }).waitFor();
    await page.getByRole('heading', { name: 'No contacts yet' }).waitFor();
    expect(await checkA11y(page)).toEqual([]);
  });

  it('refuses an invalid email inline, then saves once it is fixed, and lists the contact', async () => {
    await page.getByRole('link', { name: 'New contact' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'New contact' }).waitFor();
    await page.getByRole('textbox', { name: 'First name' }).fill('Zerina');
    await page.getByRole('textbox', { name: 'Last name' }).fill('Tamrakar');
    const email = page.getByRole('textbox', { name: 'Email' });
    await email.fill('zerina@');
    await page.getByRole('button', { name: 'Create contact' }).click();
    // The message sits next to the field and is tied to it for screen readers.
    const message = page.getByText('Must be an email address');
    await message.waitFor();
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await email.getAttribute('aria-describedby')).toContain(await message.getAttribute('id'));
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('email');
    expect(page.url()).toContain('/contacts/new');

    await email.fill('zerina@himal.example');
    expect(await message.count()).toBe(0);
    await page.getByRole('button', { name: 'Create contact' }).click();
    await page.getByRole('heading', { level: 1, name: 'Zerina Tamrakar' }).waitFor();
    detailUrl = page.url();
    expect(detailUrl).toMatch(/\/contacts\/[0-9a-f-]{36}\?workspace=e2e-/);

    await page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
    await page.getByText('1 contact', { exact: true }).waitFor();
    await page.getByRole('list', { name: 'Contacts' }).getByRole('link', { name: /Zerina Tamrakar/ }).waitFor();
  });

  it('finds the contact by a three-letter prefix of name, email or company', async () => {
    const search = page.getByRole('searchbox', { name: 'Search contacts' });
    for (const prefix of ['zer', 'TAM', 'him']) {
      await search.fill(prefix);
      await page.getByText('1 match', { exact: true }).waitFor();
      await page.getByRole('list', { name: 'Contacts' }).getByRole('link', { name: /Zerina Tamrakar/ }).waitFor();
    }
    await search.fill('zzq');
    await page.getByText('0 matches', { exact: true }).waitFor();
    await search.fill('');
  });

  it('saves an edited phone number that is still there after a reload', async () => {
    await page.goto(detailUrl);
    await page.getByRole('heading', { level: 1, name: 'Zerina Tamrakar' }).waitFor();
    await tab(page, 'Details');
    await page.getByRole('textbox', { name: 'Phone', exact: true }).fill('+977 1 5550123');
    await page.getByText('Unsaved changes').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForFunction(() => !document.body.textContent?.includes('Unsaved changes'));
    await page.reload();
    await page.locator('[data-app-ready]').waitFor({ state: 'attached' });
    await page.getByRole('heading', { level: 1, name: 'Zerina Tamrakar' }).waitFor();
    await tab(page, 'Details');
    const phone = page.getByRole('textbox', { name: 'Phone', exact: true });
    await page.waitForFunction(() => (document.querySelector('input[type=tel]') as HTMLInputElement | null)?.value !== '');
    expect(await phone.inputValue()).toBe('+977 1 5550123');
    // The header's Call action uses it too.
    expect(await page.getByRole('link', { name: 'Call' }).getAttribute('href')).toBe('tel:+97715550123');
  });

  it('logs an interaction in two taps, and it lands on top of the timeline', async () => {
    await tab(page, 'Activity');
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('No interactions yet').waitFor();
    await page.getByRole('button', { name: 'Email', exact: true }).click();
    await page.getByRole('textbox', { name: 'Summary' }).fill('Sent the price list');
    await page.getByRole('button', { name: 'Log', exact: true }).click();
    await timeline.getByText('Sent the price list').waitFor();

    // Two taps: the channel, then Log (which has focus, so a keyboard user presses Enter).
    await page.getByRole('button', { name: 'Phone', exact: true }).click();
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Log');
    await page.getByRole('button', { name: 'Log', exact: true }).click();
    await timeline.locator('li').nth(1).waitFor();
    const first = timeline.locator('li').first();
    expect(await first.textContent()).toContain('Call');
    expect(await first.textContent()).toContain('Phone, outgoing');
    expect(await first.textContent()).toContain('Completed');
    expect(await timeline.locator('li').nth(1).textContent()).toContain('Sent the price list');
  });

  it('has no accessibility violations on the detail page, landscape and portrait', async () => {
    expect(await checkA11y(page)).toEqual([]);
    await tab(page, 'Details');
    expect(await checkA11y(page)).toEqual([]);
    await page.setViewportSize(PORTRAIT);
    await tab(page, 'Related');
    // This file checks the record screens; the shell's own header is checked by a11y-shell.e2e.ts.
    expect(await checkA11y(page, { include: '#main' })).toEqual([]);
    await page.setViewportSize(TABLET);
  });

  it('deletes with an Undo that restores the contact', async () => {
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('In trash.').waitFor();
    await page.getByText('Contact deleted').waitFor();
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.waitForFunction(() => !document.body.textContent?.includes('In trash.'));
    await page.getByRole('button', { name: 'Delete', exact: true }).waitFor();
  });

  it('a deleted contact shows in the trash and comes back with Restore', async () => {
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('In trash.').waitFor();
    await page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
    await page.getByRole('heading', { name: 'No contacts yet' }).waitFor();
    await page.getByLabel('Show').selectOption('trash');
    await page.getByText('1 contact in the trash').waitFor();
    await page.getByRole('button', { name: 'Restore Zerina Tamrakar' }).click();
    await page.getByRole('heading', { name: 'The trash is empty' }).waitFor();
    await page.getByLabel('Show').selectOption('live');
    await page.getByText('1 contact', { exact: true }).waitFor();
  });

  it('works from the keyboard: Tab to the search box, type, ArrowDown, Enter opens the contact', async () => {
    await page.goto(new URL(`contacts?workspace=${workspace}`, server.url).href);
    await page.locator('[data-app-ready]').waitFor({ state: 'attached' });
    await page.getByText('1 contact', { exact: true }).waitFor();
    let isInSearch = false;
    for (let i = 0; i < 40 && !isInSearch; i++) {
      await page.keyboard.press('Tab');
      isInSearch = await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type === 'search');
    }
    expect(isInSearch).toBe(true);
    await page.keyboard.type('tam');
    await page.getByText('1 match', { exact: true }).waitFor();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Zerina Tamrakar');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Zerina Tamrakar' }).waitFor();
    expect(page.url()).toBe(detailUrl);
    expect(appErrors(errors)).toEqual([]);
  });
});

describe('contacts and accounts of the small demo', () => {
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ page, errors } = await openPage('accounts?demo=small', { demo: true }));
  });

  afterAll(async () => {
    await page?.close();
  });

  it('lists every account, and an account lists its contacts', async () => {
    await page.getByText('200 accounts', { exact: true }).waitFor();
    const rows = page.getByRole('list', { name: 'Accounts' }).getByRole('link');
    await rows.first().waitFor();
    const name = (await rows.first().locator('.name').textContent())?.trim() ?? '';
    await rows.first().click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await tab(page, 'Related');
    const contactsHeading = page.getByRole('heading', { level: 3, name: /^Contacts \(\d+\)$/ });
    await contactsHeading.waitFor();
    const related = page.getByRole('region', { name: 'Related' });
    const contactLinks = related.getByRole('listitem').getByRole('link');
    const n = Number(/\((\d+)\)/.exec((await contactsHeading.textContent()) ?? '')?.[1]);
    expect(n).toBeGreaterThan(0);
    expect(await contactLinks.count()).toBe(n);
    expect(await checkA11y(page)).toEqual([]);

    // The contact's page links back to the account.
    const contactName = (await contactLinks.first().textContent())?.trim() ?? '';
    await contactLinks.first().click();
    await page.getByRole('heading', { level: 1, name: contactName }).waitFor();
    await page.getByRole('link', { name, exact: true }).first().waitFor();
    // The demo's contacts have a history: the timeline shows it newest first.
    const times = await page
      .getByRole('region', { name: 'Timeline' })
      .locator('time')
      .evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
    expect(times).toEqual([...times].sort().reverse());
  });

  it('a buying contact shows customer insights and its record history, lazily, with no accessibility violations', async () => {
    // The demo contact with the most orders, read straight from the app's IndexedDB (not through the app).
    const { contactId, orders } = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('fieldbook-demo-small');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const rows = await new Promise<{ contactId: string; _del: number; status: string }[]>((resolve, reject) => {
        const req = db.transaction('orders').objectStore('orders').getAll();
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      db.close();
      const counts = new Map<string, number>();
      // Cancelled orders are no purchase: the insights leave them out, and so does this count.
      for (const o of rows) if (o.contactId && !o._del && o.status !== 'cancelled') counts.set(o.contactId, (counts.get(o.contactId) ?? 0) + 1);
      const [id, n] = [...counts].sort((a, b) => b[1] - a[1])[0];
      return { contactId: id, orders: n };
    });
    expect(orders).toBeGreaterThan(2);
    await page.goto(new URL(`contacts/${contactId}?demo=small`, server.url).href);
    await page.locator('[data-app-ready]').waitFor({ state: 'attached' });
    const name = (await page.getByRole('heading', { level: 1 }).textContent())?.trim() ?? '';
    expect(name.length).toBeGreaterThan(0);
    // The timeline comes first; insights are not even fetched until their tab is opened on a tablet.
    await page.getByRole('region', { name: 'Timeline' }).locator('li').first().waitFor();
    expect(await page.locator('[data-customer-insights]').count()).toBe(0);

    await tab(page, 'Related');
    // Insights mount when their place scrolls near the screen (the analytics worker starts only then).
    await page.locator('[data-when-visible="insights"]').scrollIntoViewIfNeeded();
    const insights = page.getByRole('region', { name: 'Customer insights' });
    await insights.getByText('Lifetime value, next 12 months').waitFor({ timeout: 60_000 });
    const figure = async (term: string) => (await insights.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]').textContent())?.trim() ?? '';
    // Real figures for this customer: money for value and purchases, a risk level with P(alive), the order count.
    expect(await figure('Lifetime value, next 12 months')).toMatch(/\d/);
    expect(await figure('Churn risk')).toMatch(/^(low|medium|high) P\(alive\) \d+%$/);
    expect(await figure('Bought so far')).toContain(`${orders} orders`);
    await insights.getByRole('heading', { name: 'Next best offers' }).waitFor();
    expect(await checkA11y(page, { include: '#main' })).toEqual([]);

    // An edit shows in the record's history, on the Details tab: the field, the new value, who and when.
    await tab(page, 'Details');
    const history = page.getByRole('region', { name: 'History' });
    await history.getByText(/No changes since this record was created/).waitFor();
    await page.getByRole('textbox', { name: 'Job title' }).fill('Head of purchasing');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const entry = history.getByRole('listitem').first();
    await entry.getByText('Head of purchasing').waitFor();
    expect(await entry.textContent()).toMatch(/Job title|Title/);
    expect(await entry.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(await checkA11y(page, { include: '#main' })).toEqual([]);
  });

  it('an account page shows the insights of everyone who buys for it', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: 'Accounts', exact: true }).first().click();
    await page.getByText('200 accounts', { exact: true }).waitFor();
    await page.getByRole('list', { name: 'Accounts' }).getByRole('link').first().click();
    // Wide screens show every section: history loads once the timeline is drawn, insights once scrolled near.
    await page.locator('[data-when-visible="insights"]').scrollIntoViewIfNeeded();
    const insights = page.getByRole('region', { name: 'Customer insights' });
    await insights.locator('dl, p').first().waitFor({ timeout: 60_000 });
    await page.getByRole('region', { name: 'History' }).waitFor();
    expect(await insights.textContent()).toMatch(/Lifetime value|No orders/);
    expect(await checkA11y(page, { include: '#main' })).toEqual([]);
    await page.setViewportSize(TABLET);
  });

  it('windows 1,000 contacts: only rows on screen exist, and scrolling to the end loads the last ones', async () => {
    await page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
    await page.getByText('1,000 contacts', { exact: true }).waitFor();
    const list = page.getByRole('list', { name: 'Contacts' });
    await list.getByRole('link').first().waitFor();
    expect(await list.locator('li').count()).toBeLessThan(60);
    await page.keyboard.press('End');
    await list.getByRole('link').first().focus();
    await page.keyboard.press('End');
    await page.waitForFunction(() => document.activeElement?.closest('li')?.getAttribute('aria-posinset') === '1000');
    await page.waitForFunction(() => document.activeElement?.tagName === 'A');
    expect(await list.locator('li').count()).toBeLessThan(60);
    expect(await checkA11y(page)).toEqual([]);
    expect(appErrors(errors)).toEqual([]);
  });
});
