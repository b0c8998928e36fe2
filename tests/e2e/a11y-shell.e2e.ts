// The installable shell: Chromium finds the app installable, the manifest and icons are real, the first screen passes axe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { areas } from '../../src/lib/components/shell/areas';
import { checkA11y, freshApp, launchBrowser, startServer, trackErrors, type Server } from '../support/harness';

type ManifestIcon = { src: string; sizes: string; type: string; purpose?: string };
type Manifest = { name: string; short_name: string; start_url: string; scope: string; display: string; theme_color: string; icons: ManifestIcon[] };

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

/** Width and height from a PNG's IHDR chunk (bytes 16–23, big-endian). */
function pngSize(bytes: Buffer): string {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

describe('installable shell', () => {
  it('serves a manifest whose icons exist at the sizes it claims', async () => {
    const response = await fetch(new URL('manifest.webmanifest', server.url));
    expect(response.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = (await response.json()) as Manifest;
    expect(manifest).toMatchObject({ name: 'Fieldbook', start_url: '/', scope: '/', display: 'standalone', theme_color: '#1f4e79' });
    expect(manifest.icons.some((icon) => icon.purpose === 'maskable' && icon.sizes === '512x512')).toBe(true);
    for (const icon of manifest.icons) {
      const file = await fetch(new URL(icon.src, server.url));
      expect(file.status, icon.src).toBe(200);
      expect(file.headers.get('content-type'), icon.src).toBe(icon.type);
      const bytes = Buffer.from(await file.arrayBuffer());
      if (icon.type === 'image/png') expect(pngSize(bytes), icon.src).toBe(icon.sizes);
    }
  });

  it('is installable according to Chromium', async () => {
    const page = await freshApp(await context.newPage(), server.url);
    const cdp = await context.newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: { message: string }[] };
    expect(manifest.errors).toEqual([]);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
    expect(installabilityErrors.map((error) => error.errorId)).toEqual([]);
    await page.close();
  });

  it.each([
    ['a phone', { width: 390, height: 844 }],
    ['a desktop', { width: 1280, height: 800 }]
  ])('opens on %s without accessibility violations or errors', async (_, viewport) => {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    const errors = trackErrors(page);
    await freshApp(page, server.url);
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('every screen in the navigation', () => {
  // A sweep over every area a user can reach from the menu, on a demo workspace at tablet sizes: each screen opens
  // without errors, has a heading that names it, and passes axe. Areas not built yet must say so plainly.
  it('opens every area on a tablet, portrait and landscape, with no accessibility violations', async () => {
    const page = await freshApp(await context.newPage(), server.url, '?demo=small', { demo: true, timeout: 170_000 });
    const errors = trackErrors(page);
    const workspace = new URL(page.url()).search;
    for (const area of areas) {
      for (const viewport of [
        { width: 768, height: 1024 },
        { width: 1024, height: 768 }
      ]) {
        await page.setViewportSize(viewport);
        await page.goto(new URL(area.href.slice(1) + workspace, server.url).href);
        await page.locator('[data-app-ready]').waitFor({ state: 'attached' });
        const heading = page.locator('main h1').first();
        await heading.waitFor();
        if (area.notBuilt) expect(await page.locator('main').textContent()).toContain(area.notBuilt.notice);
        // Screens that compute (analytics) settle first: axe on a half-drawn screen checks nothing useful.
        await expect.poll(() => page.locator('main [aria-busy="true"]').count(), { timeout: 60_000 }).toBe(0);
        const violations = await checkA11y(page);
        expect(violations, `${area.label} at ${viewport.width}×${viewport.height}`).toEqual([]);
      }
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
