// "Your data" and "Conflicts to review" in a real browser: a backup moves a workspace to another browser profile, a damaged
// file changes nothing, CSV/vCard/iCalendar downloads hold the records, and a conflict is settled from the review screen.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { exportWorkspace } from '../../src/lib/core/io/backup';
import { demoLikeWorkspace } from '../../src/lib/core/io/fixtures';
import { checkA11y, freshApp, launchBrowser, startServer, trackErrors, type Server } from '../support/harness';

let server: Server;
let first: BrowserContext;
let second: BrowserContext;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fieldbook-data-e2e-'));
  server = await startServer();
  first = await launchBrowser();
  second = await launchBrowser();
});

afterAll(async () => {
  await first?.close();
  await second?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const workspace = `e2e-data-${randomUUID().slice(0, 8)}`;

/** Clicks a button that starts a download and saves the file; returns its name and path. */
async function download(page: Page, button: string): Promise<{ name: string; path: string }> {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByRole('button', { name: button }).click()]);
  const path = join(dir, `${randomUUID()}-${file.suggestedFilename()}`);
  await file.saveAs(path);
  return { name: file.suggestedFilename(), path };
}

async function chooseBackup(page: Page, path: string): Promise<void> {
  await page.locator('input[type="file"]').setInputFiles(path);
}

describe('your data', () => {
  let backupPath = '';

  it('creates a contact and downloads a backup of the workspace', async () => {
    const page = await freshApp(await first.newPage(), server.url, `contacts/new?workspace=${workspace}`);
    await page.getByLabel('First name').fill('Grace');
    await page.getByLabel('Last name').fill('Hopper');
    await page.getByRole('textbox', { name: 'Email' }).fill('grace@example.com');
    await page.getByRole('button', { name: 'Create contact' }).click();
    // Not /contacts/new: navigating away before the save resolves would abandon it.
    await page.waitForURL(/\/contacts\/(?!new)[^/?]+\?workspace=/);
    await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();

    // Errors are tracked from here: the contact screens are tested by their own suite.
    const errors = trackErrors(page);
    await freshApp(page, server.url, `data?workspace=${workspace}`);
    const backup = await download(page, 'Download a backup');
    expect(backup.name).toMatch(new RegExp(`^fieldbook-${workspace}-\\d{4}-\\d{2}-\\d{2}\\.fieldbook$`));
    const bytes = readFileSync(backup.path);
    const header = JSON.parse(bytes.subarray(0, bytes.indexOf(0x0a)).toString('utf8')) as { format: string; workspace: string; counts: { records: Record<string, { live: number }> } };
    expect(header).toMatchObject({ format: 'fieldbook-backup', workspace });
    expect(header.counts.records.contact.live).toBe(1);
    await page.getByRole('status').filter({ hasText: 'Backup saved as' }).waitFor();
    backupPath = backup.path;
    expect(errors).toEqual([]);
    await page.close();
  });

  it('downloads contacts as CSV and vCard with the contact in them', async () => {
    const page = await freshApp(await first.newPage(), server.url, `data?workspace=${workspace}`);
    const csv = await download(page, 'Download contacts as csv');
    expect(csv.name).toMatch(/-contacts-\d{4}-\d{2}-\d{2}\.csv$/);
    const csvText = readFileSync(csv.path, 'utf8');
    expect(csvText.charCodeAt(0)).toBe(0xfeff);
    expect(csvText.split('\r\n')[0]).toMatch(/^\uFEFFFirst name,Last name,Email,/);
    expect(csvText).toContain('Grace,Hopper,grace@example.com');

    const vcf = await download(page, 'Download contacts as vcard');
    expect(vcf.name).toMatch(/-contacts-\d{4}-\d{2}-\d{2}\.vcf$/);
    const card = readFileSync(vcf.path, 'utf8');
    expect(card).toMatch(/^BEGIN:VCARD\r\nVERSION:4\.0\r\n/);
    expect(card).toContain('\r\nFN:Grace Hopper\r\n');
    expect(card).toContain('\r\nEMAIL;TYPE=work;PREF=1:grace@example.com\r\n');
    await page.getByRole('status').filter({ hasText: '(1 contact)' }).waitFor();
    await page.close();
  });

  it('refuses a damaged backup in another browser profile and changes nothing', async () => {
    const page = await freshApp(await second.newPage(), server.url, `data?workspace=${workspace}`);
    const damaged = Buffer.from(readFileSync(backupPath));
    damaged[Math.floor(damaged.length * 0.75)] ^= 0x10;
    const damagedPath = join(dir, 'damaged.fieldbook');
    writeFileSync(damagedPath, damaged);
    await chooseBackup(page, damagedPath);
    const alert = page.getByRole('alert').filter({ hasText: 'was not imported' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/damaged.*checksum does not match.*Nothing was imported/);
    expect(await page.getByRole('dialog').count()).toBe(0);

    const foreignPath = join(dir, 'contacts.csv');
    writeFileSync(foreignPath, 'Name,Email\nAda,ada@example.com\n');
    await chooseBackup(page, foreignPath);
    await page.getByRole('alert').filter({ hasText: 'spreadsheet (CSV) file, not a Fieldbook backup' }).waitFor();

    await freshApp(page, server.url, `contacts?workspace=${workspace}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.getByText('Grace Hopper').count()).toBe(0);
    await page.close();
  });

  it('imports the backup in the other profile: it shows what the file holds, asks, restores, and the contact is there', async () => {
    const page = await freshApp(await second.newPage(), server.url, `data?workspace=${workspace}`);
    const errors = trackErrors(page);
    expect(await checkA11y(page)).toEqual([]);
    await chooseBackup(page, backupPath);
    const dialog = page.getByRole('dialog', { name: 'Import this backup?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`Backup of workspace “${workspace}”`);
    expect(await dialog.textContent()).toContain('1 contact');
    expect(await checkA11y(page, { include: 'dialog' })).toEqual([]);
    await dialog.getByRole('button', { name: 'Import 1 record' }).click();
    await page.getByRole('status').filter({ hasText: 'Backup restored.' }).waitFor();

    expect(errors).toEqual([]);
    await page.getByRole('link', { name: 'Open contacts' }).click();
    await page.getByText('Grace Hopper').first().waitFor();
    await page.close();
  });
});

describe('conflicts to review', () => {
  const other = `${workspace}-b`;
  let backupPath = '';

  beforeAll(async () => {
    // A workspace where two devices edited one field at once, made in Node with the same core the app runs.
    const { ws } = await demoLikeWorkspace();
    backupPath = join(dir, 'conflict.fieldbook');
    writeFileSync(backupPath, new Uint8Array(await (await exportWorkspace(ws, { workspace: 'shop' })).arrayBuffer()));
  });

  it('shows the empty state when every edit merged', async () => {
    const page = await freshApp(await first.newPage(), server.url, `conflicts?workspace=${workspace}`);
    await page.getByRole('heading', { name: 'No conflicts — every edit merged cleanly' }).waitFor();
    expect(await checkA11y(page)).toEqual([]);
    await page.close();
  });

  it('lists a conflict with both values, who and when, and "Keep this" settles it live', async () => {
    const page = await freshApp(await first.newPage(), server.url, `data?workspace=${other}`);
    const errors = trackErrors(page);
    await chooseBackup(page, backupPath);
    await page.getByRole('dialog', { name: 'Import this backup?' }).getByRole('button', { name: /^Import \d+ records$/ }).click();
    await page.getByRole('status').filter({ hasText: 'Backup restored.' }).waitFor();

    const ics = await download(page, 'Download tasks and meetings as icalendar');
    expect(ics.name).toMatch(/-tasks-\d{4}-\d{2}-\d{2}\.ics$/);
    const calendar = readFileSync(ics.path, 'utf8');
    expect(calendar).toMatch(/^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\n/);
    expect(calendar).toMatch(/BEGIN:VTODO\r\n[^]*SUMMARY:Send the quote\r\n[^]*END:VTODO/);
    expect(calendar).toMatch(/BEGIN:VEVENT\r\n[^]*SUMMARY:Site visit\r\n[^]*DTEND:20261007T064500Z\r\n/);
    for (const line of calendar.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);

    await freshApp(page, server.url, `conflicts?workspace=${other}`);
    const article = page.getByRole('article', { name: /Sita Rai/ });
    await article.waitFor();
    const text = (await article.textContent()) ?? '';
    expect(text).toContain('Title');
    expect(text).toContain('Head buyer');
    expect(text).toContain('Purchasing lead');
    expect(text).toMatch(/Anita Shrestha|Bishal Rai/);
    expect(await article.getByRole('link', { name: 'Sita Rai' }).getAttribute('href')).toMatch(new RegExp(`^/contacts/[^?]+\\?workspace=${other}$`));
    expect(await checkA11y(page)).toEqual([]);

    const other_ = article.getByRole('listitem').filter({ hasText: 'Other edit' });
    const kept = (await other_.locator('.value').textContent())?.trim();
    await other_.getByRole('button', { name: /^Keep this/ }).click();
    await page.getByRole('heading', { name: 'No conflicts — every edit merged cleanly' }).waitFor();
    expect(['Head buyer', 'Purchasing lead']).toContain(kept);
    expect(errors).toEqual([]);
    await page.close();
  });
});
