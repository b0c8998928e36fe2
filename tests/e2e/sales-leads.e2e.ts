// Leads to won deal in a real browser: a visitor at the kiosk becomes a lead, is qualified and converted, and the new deal
// moves across the pipeline board by pointer drag and by keyboard (kept after a reload) until it is won with a reason.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { checkA11y, freshApp, launchBrowser, startServer, trackErrors, type Server } from '../support/harness';

let server: Server;
let context: BrowserContext;
let page: Page;
let errors: string[];

const workspace = `e2e-sales-${randomUUID().slice(0, 8)}`;
const PIN = '4826';
const deal = 'Hotel Everest – Hotel TVs';

beforeAll(async () => {
  server = await startServer();
  context = await launchBrowser();
  page = await context.newPage();
  // A landscape tablet: the size the board and the kiosk are made for.
  await page.setViewportSize({ width: 1024, height: 768 });
  errors = trackErrors(page);
});

afterAll(async () => {
  await context?.close();
  await server?.stop();
});

/** The board column of a stage, and the card of the new deal inside it. */
const column = (stage: string) => page.locator(`[data-stage="${stage}"]`);
const cardIn = (stage: string) => column(stage).locator('li.card', { hasText: deal });

describe('sales: kiosk → lead → qualified → converted → won', () => {
  it('locks a kiosk with a PIN and takes a visitor’s details', async () => {
    await freshApp(page, server.url, `leads?workspace=${workspace}`);
    await page.getByRole('heading', { name: 'No leads yet' }).waitFor();
    await page.getByRole('link', { name: 'Trade-show kiosk' }).first().click();

    await page.getByLabel('Event (required)').fill('Kathmandu IT Expo');
    await page.getByLabel('PIN (required)', { exact: true }).fill(PIN);
    await page.getByLabel('PIN again (required)').fill(PIN);
    await page.getByRole('button', { name: 'Start kiosk' }).click();

    const name = page.getByLabel('Your name');
    await name.waitFor();
    // Handed to visitors: no navigation into the rest of the app.
    expect(await page.getByRole('navigation').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Contacts' }).count()).toBe(0);
    expect(await checkA11y(page)).toEqual([]);

    await name.fill('Sita Sharma');
    await page.getByLabel('Company', { exact: true }).fill('Hotel Everest');
    await page.getByLabel('Email', { exact: true }).fill('sita@everest.example');
    await page.getByLabel('Phone', { exact: true }).fill('+977 1 4412345');
    await page.getByLabel('What are you interested in?').fill('Hotel TVs');
    const consent = page.getByRole('checkbox', { name: /you may email me/ });
    await consent.check();
    await page.getByRole('button', { name: 'Send my details' }).click();

    await page.getByRole('heading', { name: 'Thank you, Sita!' }).waitFor();
    // Back to a blank form for the next visitor by itself after a few seconds.
    await name.waitFor({ timeout: 20_000 });
    expect(await name.inputValue()).toBe('');
    expect(await consent.isChecked()).toBe(false);
  });

  it('asks for the PIN before leaving the kiosk', async () => {
    await page.goBack();
    const dialog = page.getByRole('dialog', { name: 'Staff PIN' });
    await dialog.waitFor();
    expect(new URL(page.url()).pathname).toBe('/kiosk');

    await dialog.getByLabel('PIN').fill('0000');
    await dialog.getByRole('button', { name: 'Leave kiosk' }).click();
    await dialog.getByText('That PIN is not right.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/kiosk');

    await dialog.getByLabel('PIN').fill(PIN);
    await dialog.getByRole('button', { name: 'Leave kiosk' }).click();
    await page.waitForURL((url) => url.pathname === '/leads');
  });

  it('lists the visitor as a lead from the trade show', async () => {
    const row = page.getByRole('link', { name: /Sita Sharma/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Trade show');
    expect(await checkA11y(page)).toEqual([]);
  });

  it('qualifies the lead, shows its score, and converts it with an opportunity', async () => {
    await page.getByRole('link', { name: /Sita Sharma/ }).click();
    await page.getByRole('heading', { name: 'Sita Sharma', level: 1 }).waitFor();
    // Has a company (10) + met at a trade show (10) + gave an email (5) + agreed to emails (5).
    await expect.poll(() => page.getByTestId('lead-score').textContent()).toContain('30');
    expect(await page.getByTestId('lead-score').textContent()).toContain('qualified at 50');
    expect(await page.getByRole('button', { name: 'Convert', exact: true }).isDisabled()).toBe(true);
    expect(await checkA11y(page)).toEqual([]);

    await page.getByLabel('Status').selectOption('qualified');
    await page.getByRole('button', { name: 'Save lead' }).click();
    await page.getByTestId('lead-status').filter({ hasText: 'Qualified' }).waitFor();
    expect(await page.getByTestId('lead-score').textContent()).toContain('30');

    await page.getByRole('button', { name: 'Convert', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Convert Sita Sharma' });
    await dialog.getByText('a new account will be created').waitFor();
    expect(await dialog.getByLabel('Opportunity name (required)').inputValue()).toBe(deal);
    await dialog.getByLabel('Amount (NPR)').fill('2,50,000');
    await dialog.getByRole('button', { name: 'Convert lead' }).click();
    await page.waitForURL((url) => /^\/contacts\/[^/]+$/.test(url.pathname));
    await page.getByRole('heading', { name: 'Sita Sharma', level: 1 }).waitFor();
  });

  it('moves the deal across the board by pointer drag and by keyboard, and keeps the stage', async () => {
    await freshApp(page, server.url, `opportunities?workspace=${workspace}`);
    await cardIn('prospecting').waitFor();
    expect(await page.evaluate(() => performance.getEntriesByName('fieldbook:board-rendered').length)).toBe(1);
    expect(await checkA11y(page)).toEqual([]);

    // Pointer: press on the card, move over the next column in steps (as a hand would), release.
    const from = (await cardIn('prospecting').boundingBox())!;
    const to = (await column('qualification').boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + 70);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2 + 20, from.y + 80, { steps: 4 });
    await page.mouse.move(to.x + to.width / 2, to.y + 200, { steps: 12 });
    await page.mouse.up();
    await cardIn('qualification').waitFor();
    expect(await cardIn('prospecting').count()).toBe(0);

    // Keyboard: focus the card's move button, pick up, one column right, drop.
    // The card shows in its new column at once and is re-rendered when the column re-reads the stored move; pick it
    // up again if that re-render took the focus away before the key press landed.
    await expect
      .poll(
        async () => {
          await cardIn('qualification').getByRole('button', { name: `Move ${deal}` }).focus();
          await page.keyboard.press('Space');
          return page.getByTestId('board-announcement').textContent();
        },
        { timeout: 60_000, interval: 1000 }
      )
      .toContain('Picked up');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    // While carried, the card already shows over Proposal; the drop is done once the move is announced.
    await expect.poll(() => page.getByTestId('board-announcement').textContent(), { timeout: 30_000, interval: 200 }).toContain(`Moved ${deal} to Proposal`);
    await cardIn('proposal').waitFor();

    await page.reload();
    await page.locator('[data-app-ready]').waitFor({ state: 'attached' });
    await cardIn('proposal').waitFor();
    expect(await cardIn('qualification').count()).toBe(0);
  });

  it('asks for a reason when the deal is dropped on Closed won, then marks it won', async () => {
    const handle = cardIn('proposal').getByRole('button', { name: `Move ${deal}` });
    await handle.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('board-announcement').textContent()).toContain('Over Closed won');
    await page.keyboard.press('Enter');

    const dialog = page.getByRole('dialog', { name: 'Mark as won' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Mark won' }).click();
    await dialog.getByText('Say why the deal was won').waitFor();
    await dialog.getByLabel('Reason (required)').fill('Best value for money');
    await dialog.getByRole('button', { name: 'Mark won' }).click();
    await cardIn('won').waitFor();
    expect(await cardIn('proposal').count()).toBe(0);

    await cardIn('won').getByRole('link', { name: deal }).click();
    await page.getByRole('heading', { name: /^Won/ }).waitFor();
    expect(await page.getByText('Reason: Best value for money').count()).toBe(1);
    expect(await page.getByTestId('opportunity-stage').textContent()).toBe('Closed won');
    expect(errors.filter((e) => !/service worker|sw\.js/i.test(e))).toEqual([]);
  });
});
