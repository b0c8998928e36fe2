// Two browsers that never connect to each other sync a workspace through the relay (scripts/relay.js), set up on the Sync screen.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { checkA11y, freshApp, launchBrowser, startServer, trackErrors, type Server } from '../support/harness';

const RELAY_JS = fileURLToPath(new URL('../../scripts/relay.js', import.meta.url));
const PASSWORD = 'himal team 2026';
const workspace = `relay-e2e-${Math.random().toString(36).slice(2, 10)}`;

let server: Server;
let relayUrl = '';
let relay: ChildProcess | null = null;
let dataDir = '';
let tabletA: BrowserContext;
let tabletB: BrowserContext;

/** scripts/relay.js on a free loopback port: a WebSocket to 127.0.0.1 needs no private network namespace. */
async function startRelay(): Promise<string> {
  dataDir = mkdtempSync(join(tmpdir(), 'fieldbook-relay-e2e-'));
  const child = spawn(process.execPath, [RELAY_JS, '--host', '127.0.0.1', '--port', '0', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  relay = child;
  let output = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay.js did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /running at (ws:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`relay.js exited with ${code}:\n${output}`)));
  });
}

async function stopRelay(): Promise<void> {
  const child = relay;
  relay = null;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

beforeAll(async () => {
  [server, relayUrl] = await Promise.all([startServer(), startRelay()]);
  // Two profiles: separate IndexedDB, separate device ids; nothing connects them but the relay.
  [tabletA, tabletB] = await Promise.all([launchBrowser(), launchBrowser()]);
});

afterAll(async () => {
  await Promise.all([tabletA?.close(), tabletB?.close()]);
  await server?.stop();
  await stopRelay();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Errors that are about the environment, not the app: the preview server of a plain `vite build` has no sw.js. */
const appErrors = (errors: string[]) => errors.filter((e) => !/service ?worker|sw\.js|404/i.test(e));

async function open(context: BrowserContext, path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors = trackErrors(page);
  await freshApp(page, server.url, path);
  return { page, errors };
}

/** Sync › Relay server: enter the address (and the team password when the Sync screen has none stored), connect, wait until live. */
async function connectRelay(page: Page): Promise<void> {
  const section = page.getByTestId('relay-settings');
  await section.getByRole('heading', { name: 'Relay server' }).waitFor();
  await section.getByRole('textbox', { name: 'Relay address' }).fill(relayUrl);
  const password = section.getByLabel('Team sync password');
  if ((await password.count()) > 0) await password.fill(PASSWORD);
  await section.getByRole('button', { name: 'Connect to relay' }).click();
  await section.locator('[data-testid=relay-status][data-status=live]').waitFor({ timeout: 60_000 });
}

async function createContact(page: Page, first: string, last: string): Promise<void> {
  await page.goto(new URL('contacts/new', server.url).href);
  await page.locator('[data-app-ready]').waitFor({ state: 'attached' });
  await page.getByRole('textbox', { name: 'First name' }).fill(first);
  await page.getByRole('textbox', { name: 'Last name' }).fill(last);
  await page.getByRole('button', { name: 'Create contact' }).click();
  await page.getByRole('heading', { level: 1, name: `${first} ${last}` }).waitFor();
}

/** In-app navigation (no reload), so the relay connection of this tab stays up. */
async function goToContacts(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Contacts' }).waitFor();
}

const contactLink = (page: Page, name: string) => page.getByRole('list', { name: 'Contacts' }).getByRole('link', { name: new RegExp(name) });

describe('relay sync between two browsers that never meet', () => {
  let a: { page: Page; errors: string[] };
  let b: { page: Page; errors: string[] };

  it('brings a contact made on tablet A to tablet B through the relay', async () => {
    a = await open(tabletA, `contacts?workspace=${workspace}`);
    await createContact(a.page, 'Zerina', 'Tamrakar');
    await a.page.goto(new URL('sync', server.url).href);
    await a.page.locator('[data-app-ready]').waitFor({ state: 'attached' });
    await connectRelay(a.page);
    await a.page.getByTestId('relay-status').getByText('Last synced with the relay').waitFor();

    b = await open(tabletB, `sync?workspace=${workspace}`);
    // A typed password follows the team password rule: one too short is refused in words, and nothing connects.
    const section = b.page.getByTestId('relay-settings');
    await section.getByRole('textbox', { name: 'Relay address' }).fill(relayUrl);
    await section.getByLabel('Team sync password').fill('short');
    await section.getByRole('button', { name: 'Connect to relay' }).click();
    await section.getByText('Use at least 8 characters').waitFor();
    expect(await section.getByLabel('Team sync password').getAttribute('aria-invalid')).toBe('true');
    expect(await section.locator('[data-testid=relay-status][data-status=live]').count()).toBe(0);
    await connectRelay(b.page);
    await goToContacts(b.page);
    await contactLink(b.page, 'Zerina Tamrakar').waitFor({ timeout: 60_000 });
  });

  it('carries a change made on B back to A while both stay connected', async () => {
    await b.page.getByRole('link', { name: 'New contact' }).first().click();
    await b.page.getByRole('textbox', { name: 'First name' }).fill('Ishwor');
    await b.page.getByRole('textbox', { name: 'Last name' }).fill('Karki');
    await b.page.getByRole('button', { name: 'Create contact' }).click();
    await b.page.getByRole('heading', { level: 1, name: 'Ishwor Karki' }).waitFor();

    await goToContacts(a.page);
    await contactLink(a.page, 'Ishwor Karki').waitFor({ timeout: 60_000 });
    await contactLink(a.page, 'Zerina Tamrakar').waitFor();
  });

  it('shows the relay state in words and passes axe', async () => {
    await a.page.getByRole('link', { name: 'Sync', exact: true }).first().click();
    const status = a.page.getByTestId('relay-status');
    await status.getByText('Connected.').waitFor();
    await status.getByText(/The relay holds \d+ encrypted entr/).waitFor();
    expect(await checkA11y(a.page, { include: '[data-testid=relay-settings]' })).toEqual([]);
    expect(appErrors(a.errors)).toEqual([]);
    expect(appErrors(b.errors)).toEqual([]);
  });

  it('leaves no record data in the relay’s files', async () => {
    await a.page.getByTestId('relay-settings').getByRole('button', { name: 'Disconnect from relay' }).click();
    await a.page.locator('[data-testid=relay-status][data-status=stopped]').waitFor();
    await stopRelay();
    const files = readdirSync(dataDir).map((f) => readFileSync(join(dataDir, f)).toString('latin1'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.some((f) => /Zerina|Tamrakar|Ishwor|Karki|contact\/b/.test(f))).toBe(false);
  });
});
