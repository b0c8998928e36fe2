// Sync › Team password in a real browser: a bad password is refused at the field with its reason, nothing is stored, and the saved one stays in use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { checkA11y, freshApp, launchBrowser, startServer, trackErrors, type Server } from '../support/harness';

const workspace = `password-e2e-${Math.random().toString(36).slice(2, 10)}`;
const SAVED = 'kathmandu-valley-team-2026';

let server: Server;
let context: BrowserContext;
let page: Page;
let errors: string[];

beforeAll(async () => {
  server = await startServer();
  context = await launchBrowser();
  page = await context.newPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  errors = trackErrors(page);
  await freshApp(page, server.url, `sync?workspace=${workspace}`);
});

afterAll(async () => {
  await context?.close();
  await server?.stop();
});

/** Errors that are about the environment, not the app: the plain build server has no service worker. */
const appErrors = (list: string[]) => list.filter((e) => !/service ?worker|sw\.js|404/i.test(e));

const section = () => page.getByTestId('sync-password');
const field = () => section().getByLabel('Team sync password');
const savedNotice = () => section().getByText('The team password is saved on this device.');

/** The password this device has stored, read straight from its IndexedDB (not through the app). */
function storedPassword(): Promise<unknown> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const row = await new Promise<{ value?: unknown } | undefined>((resolve, reject) => {
      const req = db.transaction('meta').objectStore('meta').get('local:syncPassword');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    db.close();
    return row?.value;
  }, `fieldbook-${workspace}`);
}

describe('the team password form', () => {
  it('saves a good password', async () => {
    await page.getByRole('heading', { name: 'Team password' }).waitFor();
    await field().fill(SAVED);
    await section().getByRole('button', { name: 'Save password' }).click();
    await savedNotice().waitFor();
    expect(await storedPassword()).toBe(SAVED);
  });

  it('refuses empty, blank, short, hostile and over-long passwords with the reason at the field, storing nothing', async () => {
    await section().getByRole('button', { name: 'Change password' }).click();
    const hostile = `<script>window.__pwned = 1</script>\u0007${'A'.repeat(3000)}`;
    // Consecutive cases expect different reasons, so each poll sees the new refusal, not the last one. (A browser
    // strips line breaks from a one-line field as they are typed, so the control characters here are a bell and a tab.)
    const cases: [string, RegExp][] = [
      ['', /Enter the team sync password/],
      ['            ', /cannot be only spaces/],
      ['short', /Use at least 8 characters/],
      [hostile, /invisible control character/],
      ['x'.repeat(300), /Use at most 256 characters/],
      ['tab\tinside-the-password', /invisible control character/]
    ];
    for (const [text, reason] of cases) {
      await field().fill(text);
      await section().getByRole('button', { name: 'Save password' }).click();
      const message = section().locator('.field.invalid .error');
      await expect.poll(() => message.textContent(), { timeout: 10_000 }).toMatch(reason);
      // The reason is tied to the field for screen readers; the form stays open and nothing was stored.
      expect(await field().getAttribute('aria-invalid')).toBe('true');
      expect(await field().getAttribute('aria-describedby')).toContain(await message.getAttribute('id'));
      expect(await savedNotice().count()).toBe(0);
      expect(await storedPassword(), JSON.stringify(text.slice(0, 40))).toBe(SAVED);
    }
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await checkA11y(page, { include: '[data-testid="sync-password"]' })).toEqual([]);
  });

  it('keeps the saved password in use: cancel shows it saved, meetings stay open to start, and a reload still has it', async () => {
    await section().getByRole('button', { name: 'Cancel' }).click();
    await savedNotice().waitFor();
    expect(await section().locator('.field.invalid').count()).toBe(0);
    const start = page.getByTestId('sync-meeting').getByRole('button', { name: 'Start a meeting' });
    expect(await start.isEnabled()).toBe(true);

    await page.reload();
    await page.locator('[data-app-ready]').waitFor({ state: 'attached', timeout: 60_000 });
    await savedNotice().waitFor();
    expect(await storedPassword()).toBe(SAVED);
    expect(await page.getByTestId('sync-meeting').getByRole('button', { name: 'Start a meeting' }).isEnabled()).toBe(true);
    expect(appErrors(errors)).toEqual([]);
  });
});
