// Import, duplicates and global search in a real browser: a Google Contacts CSV imported through the mapping screen,
// its bad row reported and downloadable, a duplicate pair merged side by side, and Ctrl+K finding a contact by 3 letters.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { checkA11y, freshApp, launchBrowser, startServer, trackErrors, type Server } from '../support/harness';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/import/${name}`, import.meta.url));
const workspace = `e2e-import-${randomUUID().slice(0, 8)}`;

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

async function open(path: string): Promise<Page> {
  return freshApp(await context.newPage(), server.url, `${path}${path.includes('?') ? '&' : '?'}workspace=${workspace}`);
}

describe('import', () => {
  it('refuses a binary file with the reason and writes nothing', async () => {
    const page = await open('import');
    expect(await checkA11y(page)).toEqual([]);
    await page.locator('input[type="file"]').setInputFiles(fixture('binary-garbage.bin'));
    const alert = page.getByRole('alert').filter({ hasText: 'The file was not imported' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('This file is not text');
    expect(await alert.textContent()).toContain('Nothing was written.');
    await page.close();
  });

  it('previews a vCard file card by card: a nameless card is marked rejected with the reason, the others as imported', async () => {
    const page = await open('import');
    await page.locator('input[type="file"]').setInputFiles(fixture('apple-contacts-3.0.vcf'));
    const preview = page.getByRole('region', { name: 'Contacts in the file' });
    await preview.waitFor();
    const rows = preview.getByRole('table').locator('tbody tr');
    expect(await rows.count()).toBe(3);
    const ada = rows.filter({ hasText: 'Ada Lovelace' });
    expect(await ada.textContent()).toContain('Imported');
    expect(await ada.textContent()).toContain('+2 more');
    const nameless = rows.filter({ has: page.getByRole('rowheader', { name: '3', exact: true }) });
    expect(await nameless.textContent()).toMatch(/Rejected: .+/);
    expect(await nameless.textContent()).not.toContain('Imported');
    expect(await page.getByRole('button', { name: 'Import 3 cards' }).isEnabled()).toBe(true);
    expect(await checkA11y(page)).toEqual([]);
    await page.close();
  });

  it('imports a Google Contacts CSV: suggested mapping, preview with the bad cell, progress, summary with the rejected row', async () => {
    const page = await open('import');
    const errors = trackErrors(page);
    await page.locator('input[type="file"]').setInputFiles(fixture('google-contacts.csv'));
    await page.getByRole('heading', { name: 'Columns' }).waitFor();
    expect(await page.locator('p').filter({ hasText: 'google-contacts.csv' }).textContent()).toMatch(/google-contacts\.csv\s+· 7 rows\s+· UTF-8\s+· comma-separated/);
    expect(await page.getByRole('radio', { name: 'Contacts' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Import “E-mail 1 - Value” as').inputValue()).toBe('email');
    expect(await page.getByLabel('Import “Given Name” as').inputValue()).toBe('firstName');
    expect(await page.getByLabel('Import “Organization 1 - Name” as').inputValue()).toBe('company');
    expect(await page.getByLabel('Import “Address 1 - Formatted” as').inputValue()).toBe('');

    // The preview shows the first 5 rows: row 5 (line 9) has the broken e-mail, marked in its cell.
    const preview = page.locator('table').filter({ has: page.locator('caption', { hasText: 'Preview of the first 5 rows' }) });
    const bad = preview.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '9', exact: true }) });
    expect(await bad.textContent()).toContain('Rejected');
    expect(await bad.locator('td.invalid').textContent()).toContain('must be an email address');
    expect(await preview.getByRole('row').filter({ hasText: 'Aarav' }).textContent()).toContain('Imported');

    // Changing a column updates the preview: not importing the job titles removes that column.
    await page.getByLabel('Import “Organization 1 - Title” as').selectOption('');
    await preview.getByRole('columnheader', { name: 'Job title' }).waitFor({ state: 'detached' });
    await page.getByLabel('Import “Organization 1 - Title” as').selectOption('title');
    await preview.getByRole('columnheader', { name: 'Job title' }).waitFor();
    expect(await checkA11y(page)).toEqual([]);

    await page.getByRole('button', { name: 'Import 7 rows' }).click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor();
    const summary = page.getByRole('status').filter({ hasText: 'Imported 6 contacts.' });
    expect(await summary.textContent()).toMatch(/Created 3 accounts for their companies\.\s*Rejected 1 row\./);
    const rejected = page.locator('table').filter({ has: page.getByRole('columnheader', { name: 'Reason' }) });
    expect(await rejected.getByRole('row').nth(1).textContent()).toMatch(/^\s*9\s*Email \(column “E-mail 1 - Value”\): must be an email address\s*$/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download rejected rows' }).click()]);
    expect(download.suggestedFilename()).toBe('google-contacts-rejected-rows.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^\uFEFFLine,Reason,Name,Given Name,/);
    expect(csv).toContain('priya(at)example.com');
    expect(await checkA11y(page)).toEqual([]);

    await page.getByRole('link', { name: 'Open contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    for (const name of ['Aarav Shrestha', 'Ramesh Bahadur Karki', 'José Gómez', 'Jürgen Müller']) await page.getByText(name).first().waitFor();
    expect(await page.getByText('Sita Sharma').count()).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('duplicates', () => {
  it('finds the two Sita Sharma cards (same Gmail address) and merges them side by side', async () => {
    const page = await open('duplicates');
    const errors = trackErrors(page);
    await page.getByRole('status').filter({ hasText: '1 group of likely duplicates.' }).waitFor();
    const group = page.getByRole('listitem').filter({ hasText: 'Same email' });
    expect(await group.textContent()).toContain('Sita Sharma');
    expect(await checkA11y(page)).toEqual([]);

    await group.getByRole('button', { name: 'Compare Sita Sharma and Sita Sharma' }).click();
    const compare = page.getByRole('region', { name: 'Compare and merge' });
    await compare.getByRole('table').waitFor();
    // Both job titles side by side; take the right one (the newer card's) instead of the kept record's.
    const left = compare.getByRole('radio', { name: /^Job title: keep the left value/ });
    const right = compare.getByRole('radio', { name: /^Job title: keep the right value/ });
    const leftTitle = (await left.getAttribute('aria-label'))!.split(', ').pop();
    const rightTitle = (await right.getAttribute('aria-label'))!.split(', ').pop();
    expect([leftTitle, rightTitle].sort()).toEqual(['Head of Purchasing', 'Purchasing']);
    await compare.getByRole('radio', { name: `Job title: keep the ${leftTitle === 'Head of Purchasing' ? 'left' : 'right'} value, Head of Purchasing` }).check();
    const titleRow = compare.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Job title' }) });
    expect((await titleRow.getByRole('cell').last().textContent())?.trim()).toBe('Head of Purchasing');
    expect(await checkA11y(page)).toEqual([]);

    await compare.getByRole('button', { name: 'Merge into “Sita Sharma”' }).click();
    await page.getByText(/Merged “Sita Sharma” into “Sita Sharma”/).waitFor();
    await page.getByRole('status').filter({ hasText: 'No likely duplicates found.' }).waitFor();

    // One Sita Sharma is left, with the chosen title, both e-mail addresses and both groups' tags.
    await page.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL(/\/contacts\/[^/?]+\?workspace=/);
    await page.getByRole('heading', { name: 'Sita Sharma', level: 1 }).waitFor();
    expect(await page.locator('main').textContent()).toContain('Head of Purchasing');
    expect(['sita.sharma@gmail.com', 'Sita.Sharma+crm@gmail.com']).toContain(await page.getByRole('textbox', { name: 'Email' }).inputValue());
    await freshApp(page, server.url, `contacts?workspace=${workspace}`);
    await page.getByText('Aarav Shrestha').first().waitFor();
    expect(await page.getByText('Sita Sharma').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('global search', () => {
  it('Ctrl+K opens the search, 3 letters find a contact, Enter opens it; "/" opens it too and Escape closes it', async () => {
    const page = await open('accounts');
    const errors = trackErrors(page);
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Search everything' });
    await dialog.waitFor();
    const box = dialog.getByRole('combobox');
    await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'combobox');
    await box.pressSequentially('aar');
    const option = dialog.getByRole('option', { name: /Aarav Shrestha/ });
    await option.waitFor();
    expect(await option.textContent()).toContain('Operations Manager at Himalayan Java');
    expect(await option.getAttribute('aria-selected')).toBe('true');
    expect(await dialog.getByRole('group', { name: 'Contacts' }).count()).toBe(1);
    expect(await checkA11y(page, { include: 'dialog' })).toEqual([]);

    await page.keyboard.press('Enter');
    await page.waitForURL(/\/contacts\/[^/?]+\?workspace=/);
    await page.getByRole('heading', { name: 'Aarav Shrestha', level: 1 }).waitFor();
    expect(await dialog.isVisible()).toBe(false);

    // Arrow keys move between results across groups: "him" finds the account and its two contacts.
    // Click the page's heading (plain text, never under the sticky header) so no field has focus and "/" reaches the app.
    await page.getByRole('heading', { name: 'Aarav Shrestha', level: 1 }).click();
    await page.keyboard.press('/');
    await dialog.waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'combobox');
    await box.fill('him');
    await dialog.getByRole('option', { name: /^Himalayan Java/ }).waitFor();
    const selected = async () => dialog.locator('[role=option][aria-selected=true]').textContent();
    const first = await selected();
    await page.keyboard.press('ArrowDown');
    expect(await selected()).not.toBe(first);
    await page.keyboard.press('ArrowUp');
    expect(await selected()).toBe(first);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a workspace stored before pair terms gets them in the background after a reload, and two-word search finds by first and last name', async () => {
    const page = await open('accounts');
    const errors = trackErrors(page);
    // Make the stored rows what the version before pair terms wrote: no pair terms, no backfill begun.
    const dbName = `fieldbook-${workspace}`;
    const stripped = await page.evaluate(async (name) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = db.transaction(['contacts', 'meta'], 'readwrite');
      const done = new Promise((resolve) => (tx.oncomplete = resolve));
      const contacts = tx.objectStore('contacts');
      let n = 0;
      contacts.openCursor().onsuccess = (e) => {
        const cursor = (e.target as IDBRequest<IDBCursorWithValue | null>).result;
        if (!cursor) return;
        const row = cursor.value as { _terms: string[] };
        const terms = row._terms.filter((t) => !t.startsWith('\u0001'));
        if (terms.length < row._terms.length) n++;
        cursor.update({ ...row, _terms: terms });
        cursor.continue();
      };
      for (const t of ['contact', 'account', 'lead', 'opportunity', 'partner']) tx.objectStore('meta').delete(`local:search-pairs:${t}`);
      await done;
      db.close();
      return n;
    }, dbName);
    expect(stripped).toBeGreaterThan(0);

    await page.reload();
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    // The upkeep worker writes them back, and marks each type done.
    await page.waitForFunction(async (name) => {
      const db = await new Promise<IDBDatabase>((resolve) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
      });
      const flag = await new Promise((resolve) => {
        const r = db.transaction('meta').objectStore('meta').get('local:search-pairs:contact');
        r.onsuccess = () => resolve((r.result as { value?: unknown } | undefined)?.value);
      });
      const aarav = await new Promise<{ _terms: string[] }[]>((resolve) => {
        const r = db.transaction('contacts').objectStore('contacts').getAll();
        r.onsuccess = () => resolve((r.result as { firstName: string; _terms: string[] }[]).filter((c) => c.firstName === 'Aarav'));
      });
      db.close();
      return flag === true && aarav.length > 0 && aarav.every((c) => c._terms.includes('\u0001aa\u0001shrestha'));
    }, dbName, { timeout: 30_000, polling: 250 });

    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Search everything' });
    await dialog.waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'combobox');
    await dialog.getByRole('combobox').pressSequentially('shr aa');
    await dialog.getByRole('option', { name: /Aarav Shrestha/ }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});
