// Two tabs of one browser profile: one writes (it holds the device's Web Lock), the other is read-only and says so, sees the writer's changes, and takes over when the writer closes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { checkA11y, freshApp, launchBrowser, startServer, trackErrors, type Server } from '../support/harness';

const workspace = `tabs-e2e-${Math.random().toString(36).slice(2, 10)}`;
const READ_ONLY = 'Fieldbook is open for editing in another tab.';

let server: Server;
let browser: BrowserContext;
let writer: { page: Page; errors: string[] };
let reader: { page: Page; errors: string[] };
let taraPath = '';

beforeAll(async () => {
  server = await startServer();
  // One profile, as a user with two tabs has: same IndexedDB, same device id, same Web Locks.
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Errors that are about the environment, not the app: the plain build server has no service worker. */
const appErrors = (errors: string[]) => errors.filter((e) => !/service ?worker|sw\.js|404/i.test(e));

async function openTab(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors = trackErrors(page);
  await freshApp(page, server.url, path);
  return { page, errors };
}

const banner = (page: Page) => page.getByRole('status').filter({ hasText: READ_ONLY });
const jobTitle = (page: Page) => page.getByRole('textbox', { name: 'Job title', exact: true });

describe('two tabs of the same browser', () => {
  it('the first tab writes; the second opens read-only and says so, with editing switched off', async () => {
    writer = await openTab(`contacts/new?workspace=${workspace}`);
    await writer.page.getByRole('textbox', { name: 'First name' }).fill('Tara');
    await writer.page.getByRole('textbox', { name: 'Last name' }).fill('Shrestha');
    await writer.page.getByRole('button', { name: 'Create contact' }).click();
    await writer.page.getByRole('heading', { level: 1, name: 'Tara Shrestha' }).waitFor();
    taraPath = new URL(writer.page.url()).pathname;
    expect(taraPath).toMatch(/^\/contacts\/[\w-]+$/);
    expect(await banner(writer.page).count()).toBe(0);

    reader = await openTab(`${taraPath.slice(1)}?workspace=${workspace}`);
    await reader.page.getByRole('heading', { level: 1, name: 'Tara Shrestha' }).waitFor();
    await banner(reader.page).waitFor();
    expect(await reader.page.getByRole('button', { name: 'Delete', exact: true }).isDisabled()).toBe(true);
    expect(await jobTitle(reader.page).isDisabled()).toBe(true);
    expect(await checkA11y(reader.page)).toEqual([]);

    // Sync runs in the writing tab only: the read-only tab's Sync screen says where, and cannot start a meeting.
    await reader.page.getByRole('link', { name: 'Sync', exact: true }).first().click();
    await reader.page.getByRole('heading', { level: 1, name: 'Sync' }).waitFor();
    await reader.page.getByTestId('sync-meeting').getByText('meetings run in that tab').waitFor();
    expect(await reader.page.getByRole('button', { name: 'Start a meeting' }).isDisabled()).toBe(true);
    expect(await checkA11y(reader.page)).toEqual([]);
    await reader.page.goBack();
    await reader.page.getByRole('heading', { level: 1, name: 'Tara Shrestha' }).waitFor();
  });

  it('a change saved in the writing tab shows in the read-only tab without a reload', async () => {
    await jobTitle(writer.page).fill('Branch manager');
    await writer.page.getByRole('button', { name: 'Save', exact: true }).click();
    await writer.page.waitForFunction(() => !document.body.innerText.includes('Unsaved changes'));
    await reader.page.getByRole('main').getByText('Branch manager').first().waitFor({ timeout: 30_000 });
    await expect.poll(() => jobTitle(reader.page).inputValue(), { timeout: 30_000, interval: 200 }).toBe('Branch manager');
  });

  it('closing the writing tab lets the other take over: the notice goes, and its edits save and last', async () => {
    await writer.page.close();
    await banner(reader.page).waitFor({ state: 'detached', timeout: 30_000 });
    expect(await jobTitle(reader.page).isDisabled()).toBe(false);
    await jobTitle(reader.page).fill('Regional manager');
    await reader.page.getByRole('button', { name: 'Save', exact: true }).click();
    await reader.page.waitForFunction(() => !document.body.innerText.includes('Unsaved changes'));

    // A new tab now is the read-only one, and it sees what the new writer saved (it came from storage, not memory).
    const third = await openTab(`${taraPath.slice(1)}?workspace=${workspace}`);
    await banner(third.page).waitFor();
    await expect.poll(() => jobTitle(third.page).inputValue(), { timeout: 30_000, interval: 200 }).toBe('Regional manager');
    expect(await banner(reader.page).count()).toBe(0);
    expect(appErrors(reader.errors)).toEqual([]);
    expect(appErrors(writer.errors)).toEqual([]);
    expect(appErrors(third.errors)).toEqual([]);
  });
});
