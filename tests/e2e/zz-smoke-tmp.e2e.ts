import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkA11y, launchBrowser, startServer, tempProfileDir, waitForServiceWorker, type Server } from '../support/harness';
import type { BrowserContext } from 'playwright-core';

let server: Server;
let context: BrowserContext;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await context?.close();
  await server?.stop();
});
it('smoke', async () => {
  const dir = tempProfileDir();
  context = await launchBrowser({ userDataDir: dir });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.evaluate(() => navigator.serviceWorker.register('/sw.js'));
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await page.goto(new URL('contacts/abc', server.url).href);

  console.log(await page.locator('h1').textContent());
  console.log(await checkA11y(page));
  await context.close();
  await server.stop();
  context = await launchBrowser({ userDataDir: dir });
  const p2 = await context.newPage();
  await p2.goto(new URL('x/y?z=1', server.url).href);
  console.log('after restart', await p2.locator('h1').textContent());
});
