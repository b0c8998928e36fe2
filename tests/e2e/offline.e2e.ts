// Offline shell: the service worker serves the app with no network, data in IndexedDB survives reloads and browser
// restarts, and a new version waits for the user instead of reloading under them.
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import {
  checkA11y,
  copyBuild,
  freshApp,
  launchBrowser,
  startServer,
  tempProfileDir,
  trackErrors,
  waitForServiceWorker,
  type Server
} from '../support/harness';

describe('a new version of the app', () => {
  let server: Server;
  let context: BrowserContext;
  let buildDir: string;

  beforeAll(async () => {
    buildDir = copyBuild();
    server = await startServer({ dir: buildDir });
    context = await launchBrowser();
  });

  afterAll(async () => {
    await context?.close();
    await server?.stop();
  });

  async function waitingWorker(page: Page): Promise<boolean> {
    return page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting));
  }

  /**
   * A page running the current version (marked in its window, so a reload shows), then a new sw.js found and the
   * prompt shown. Any byte change to sw.js is a new version for the browser.
   */
  async function pageWithNewVersion(version: string) {
    const page = await freshApp(await context.newPage(), server.url);
    const errors = trackErrors(page);
    await waitForServiceWorker(page);
    await page.evaluate(() => Object.assign(window, { fieldbookBeforeUpdate: true }));
    appendFileSync(join(buildDir, 'sw.js'), `\n// ${version}\n`);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const prompt = page.getByRole('status').filter({ hasText: 'A new version of Fieldbook is ready' });
    await prompt.waitFor();
    return { page, errors, prompt };
  }

  it('waits for the user to reload, then runs the new version', async () => {
    const { page, errors, prompt } = await pageWithNewVersion('the next version');
    // The new worker waits rather than taking over the running page by itself.
    expect(await waitingWorker(page)).toBe(true);
    expect(await page.evaluate(() => 'fieldbookBeforeUpdate' in window)).toBe(true);
    expect(await checkA11y(page, { include: '[data-update-prompt]' })).toEqual([]);

    // An unsaved edit holds the update back: no prompt while the form is dirty, back once the edit is undone.
    await page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
    await page.getByRole('link', { name: 'New contact', exact: true }).first().click();
    await page.getByLabel('First name').fill('Grace');
    await expect.poll(() => prompt.count()).toBe(0);
    await page.getByLabel('First name').fill('');
    await prompt.waitFor();

    const reload = prompt.getByRole('button', { name: 'Reload', exact: true });
    const box = await reload.boundingBox();
    expect(box && box.width >= 44 && box.height >= 44).toBe(true);

    // Enter on the Reload button reloads into the new version. The prompt's block can re-render between the focus and
    // the key (a hold released and taken again as the form settles), and a key sent to the replaced button is lost:
    // while no reload has started and the prompt is still shown, the key is pressed again (once more every 3 s).
    let hasLoaded = false;
    page.once('load', () => (hasLoaded = true));
    try {
      await expect
        .poll(
          async () => {
            if (!hasLoaded && (await prompt.isVisible())) await reload.press('Enter', { timeout: 2_000 }).catch(() => undefined);
            return hasLoaded;
          },
          { timeout: 60_000, interval: 3_000 }
        )
        .toBe(true);
    } catch (e) {
      // Say where the update stopped: a key that never arrived, or a new worker that never took control.
      const sw = await page
        .evaluate(async () => {
          const r = await navigator.serviceWorker.getRegistration();
          return { installing: r?.installing?.state, waiting: r?.waiting?.state, active: r?.active?.state, controller: navigator.serviceWorker.controller?.state, prompt: document.querySelector('[data-update-prompt]')?.textContent?.trim() };
        })
        .catch((err: unknown) => String(err));
      throw new Error(`No reload within 60 s of pressing Reload; service worker: ${JSON.stringify(sw)}`, { cause: e });
    }
    await page.locator('[data-app-ready]').waitFor({ state: 'attached' });
    expect(await page.evaluate(() => 'fieldbookBeforeUpdate' in window)).toBe(false);
    expect(await waitingWorker(page)).toBe(false);
    await waitForServiceWorker(page);
    await expect.poll(() => prompt.count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('still reaches the new version when the page fetches while the new worker takes over', async () => {
    // Chromium parks the new worker in "installed" when fetches reach the old one as it is being stopped; asking again
    // does nothing then (reproduced with this burst: 3 of 3 stuck for over 40 s before the page learnt to recover).
    const { page, errors, prompt } = await pageWithNewVersion('a version updated under load');

    // What the prompt says after the press, reported before the page goes away.
    const said: string[] = [];
    await page.exposeFunction('reportPrompt', (text: string) => said.push(text));
    // Press Reload and, in the same task, start 300 ms of fetches (the app's own manifest, uncached by query string).
    await page.evaluate(() => {
      const region = document.querySelector('[data-update-prompt]')?.parentElement;
      const report = (globalThis as unknown as { reportPrompt: (t: string) => void }).reportPrompt;
      if (region) new MutationObserver(() => report(region.textContent?.trim() ?? '')).observe(region, { subtree: true, childList: true, characterData: true });
      document.querySelector<HTMLButtonElement>('[data-update-prompt] button.reload')?.click();
      const end = performance.now() + 300;
      const fetchAgain = (): void => {
        if (performance.now() > end) return;
        void fetch(`/manifest.webmanifest?burst=${Math.random()}`).catch(() => undefined);
        setTimeout(fetchAgain, 2);
      };
      fetchAgain();
    });

    const state = () =>
      page
        .evaluate(async () => ({
          isOld: 'fieldbookBeforeUpdate' in window,
          waiting: (await navigator.serviceWorker.getRegistration())?.waiting?.state ?? null
        }))
        .catch(() => null); // the page is between documents
    await expect.poll(state, { timeout: 30_000, interval: 500 }).toEqual({ isOld: false, waiting: null });
    // The press was acknowledged at once, while the new version took over.
    expect(said.some((t) => t.startsWith('Updating Fieldbook…'))).toBe(true);
    await page.locator('[data-app-ready]').waitFor({ state: 'attached' });
    await waitForServiceWorker(page);
    await expect.poll(() => prompt.count()).toBe(0);
    // The recovery leaves nothing behind that would make a later page ask again.
    expect(await page.evaluate(() => sessionStorage.getItem('fieldbook:update-recoveries'))).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('working offline', () => {
  // One profile for the whole story: installed online, used offline, then reopened after a browser restart.
  const profile = tempProfileDir();
  const lastName = `Offline-${randomUUID().slice(0, 8)}`;
  const fullName = `Ada ${lastName}`;
  let server: Server;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let contactUrl = '';

  beforeAll(async () => {
    server = await startServer();
    context = await launchBrowser({ userDataDir: profile });
    page = await context.newPage();
    errors = trackErrors(page);
  });

  afterAll(async () => {
    await context?.close();
    await server?.stop();
  });

  it('installs the service worker with the app shell and no data', async () => {
    await freshApp(page, server.url, '', { demo: true });
    await waitForServiceWorker(page);
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    expect(cached).toContain('/index.html');
    expect(cached).toContain('/manifest.webmanifest');
    expect(cached.filter((path) => !/\.(html|js|css|svg|png|webmanifest|woff2|wasm)$/.test(path))).toEqual([]);
  });

  it('creates a contact through the UI', async () => {
    await page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
    await page.getByRole('link', { name: 'New contact', exact: true }).first().click();
    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Last name').fill(lastName);
    await page.getByRole('button', { name: 'Create contact', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: fullName }).waitFor();
    contactUrl = page.url();
    expect(new URL(contactUrl).pathname).toMatch(/^\/contacts\/[^/]+$/);
  });

  it('reloads with no network and still shows the app and the data', async () => {
    await context.setOffline(true);
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator('[data-app-ready]').waitFor({ state: 'attached' });
    await page.getByRole('heading', { level: 1, name: fullName }).waitFor();

    // A deep link to a list the page never loaded offline, and the contact is in it.
    await freshApp(page, server.url, 'contacts');
    await page.getByRole('searchbox', { name: 'Search contacts' }).fill(lastName);
    await page.getByRole('link', { name: new RegExp(fullName) }).first().waitFor();
  });

  it('keeps an edit made offline after a reload', async () => {
    await context.setOffline(true);
    await freshApp(page, contactUrl);
    await page.getByLabel('Job title').fill('Surveyor');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByText('Unsaved changes').count()).toBe(0);
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator('[data-app-ready]').waitFor({ state: 'attached' });
    await expect.poll(() => page.getByLabel('Job title').inputValue()).toBe('Surveyor');
    expect(errors).toEqual([]);
  });

  it('opens from the cache with all the data after a browser restart, with the server gone', async () => {
    await context.close();
    await server.stop();
    context = await launchBrowser({ userDataDir: profile });
    page = await context.newPage();
    errors = trackErrors(page);

    await freshApp(page, contactUrl);
    await page.getByRole('heading', { level: 1, name: fullName }).waitFor();
    await expect.poll(() => page.getByLabel('Job title').inputValue()).toBe('Surveyor');

    // The demo data loaded on the first visit is there too.
    await page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
    const count = page.getByRole('status').filter({ hasText: /^\d[\d,]* contacts$/ });
    await count.waitFor();
    expect(Number((await count.innerText()).replace(/\D/g, ''))).toBeGreaterThan(1);
    expect(errors).toEqual([]);
  });
});
