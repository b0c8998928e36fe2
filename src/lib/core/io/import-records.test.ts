// Importing files into a workspace: good rows kept, bad rows reported with line and reason, accounts linked, whole batches.
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { createRecord } from '../commands';
import { memoryWorkspace } from '../testing';
import type { Workspace } from '../sync/workspace';
import { ImportFileError, suggestMapping, type ImportTarget } from './csv-import';
import { importRows, importVCards, readImportFile, rejectedRowsCsv, type ImportProgress } from './import-records';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../../../tests/fixtures/import/${name}`, import.meta.url)));

function csvOf(name: string) {
  const source = readImportFile(fixture(name), name);
  if (source.kind !== 'csv') throw new Error(`${name} is not read as CSV`);
  return source.table;
}

async function importFixture(ws: Workspace, name: string, target: ImportTarget = 'contact', o: Parameters<typeof importRows>[3] = {}) {
  const table = csvOf(name);
  return importRows(ws, table, suggestMapping(table.headers, table.rows, target), o);
}

const live = async (ws: Workspace, name: 'contact' | 'account' | 'lead') => (await ws.db.rows(name).toArray()).filter((r) => !r._del);

describe('importing a CSV file', () => {
  it('imports a Google Contacts export: good rows kept, the bad e-mail reported with its line, companies linked to accounts', async () => {
    const ws = memoryWorkspace();
    const progress: ImportProgress[] = [];
    const r = await importFixture(ws, 'google-contacts.csv', 'contact', { onProgress: (p) => progress.push(p), batchSize: 3 });
    expect(r).toMatchObject({ target: 'contact', total: 7, rowsRead: 7, imported: 6, accountsCreated: 3, cancelled: false, unit: 'line' });
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ line: 9, reason: 'Email (column “E-mail 1 - Value”): must be an email address' });
    expect(r.rejected[0].values).toContain('priya(at)example.com');
    expect(progress.map((p) => p.rowsRead)).toEqual([3, 6, 7]);
    expect(progress.at(-1)).toEqual({ rowsRead: 7, imported: 6, rejected: 1, total: 7 });

    const contacts = await live(ws, 'contact');
    const accounts = await live(ws, 'account');
    expect(contacts).toHaveLength(6);
    expect(accounts.map((a) => a.name).sort()).toEqual(['Everest Traders', 'Gómez & Hijos', 'Himalayan Java']);
    const byName = (first: string) => contacts.find((c) => c.firstName === first)!;
    const java = accounts.find((a) => a.name === 'Himalayan Java')!;
    expect(byName('Aarav').accountId).toBe(java.id);
    expect(byName('Ramesh Bahadur').accountId).toBe(java.id);
    expect(byName('Aarav')).toMatchObject({ otherEmails: ['aarav.s@example.com', 'aarav.home@example.net'], mobile: '+977 980-1234567', tags: ['Customers', 'Trade fair 2025'] });
    expect(byName('Jürgen').accountId).toBe('');
    expect((await ws.db.counter('contact')).live).toBe(6);
    ws.close();
  });

  it('links to an account that already exists (name compared without case, accents or punctuation) instead of creating it', async () => {
    const ws = memoryWorkspace();
    const everest = await createRecord(ws, 'account', { name: 'EVEREST TRADERS' });
    const gomez = await createRecord(ws, 'account', { name: 'Gomez & Hijos' });
    const r = await importFixture(ws, 'google-contacts.csv');
    expect(r.accountsCreated).toBe(1);
    const contacts = await live(ws, 'contact');
    expect(contacts.filter((c) => c.accountId === everest.id).map((c) => c.company)).toEqual(['EVEREST TRADERS', 'EVEREST TRADERS']);
    expect(contacts.find((c) => c.firstName === 'José')?.accountId).toBe(gomez.id);
    ws.close();
  });

  it('creates no account for a company whose only row is refused', async () => {
    const ws = memoryWorkspace();
    const table = readImportFile(new TextEncoder().encode('Name,Email,Company\nAda Lovelace,ada@example.com,Analytical Engines\nBad Row,not-an-email,Nowhere Ltd\n'), 'x.csv');
    if (table.kind !== 'csv') throw new Error('not CSV');
    const r = await importRows(ws, table.table, suggestMapping(table.table.headers, table.table.rows, 'contact'));
    expect(r).toMatchObject({ imported: 1, accountsCreated: 1 });
    expect((await live(ws, 'account')).map((a) => a.name)).toEqual(['Analytical Engines']);
    ws.close();
  });

  it('imports an Outlook export with month-first birthdays', async () => {
    const ws = memoryWorkspace();
    const r = await importFixture(ws, 'outlook-contacts.csv');
    expect(r).toMatchObject({ imported: 3, rejected: [], accountsCreated: 2 });
    const carol = (await live(ws, 'contact')).find((c) => c.firstName === 'Carol');
    expect(carol).toMatchObject({ birthday: '1979-12-31', title: 'Office Manager', company: 'Lalitpur Clinic' });
    ws.close();
  });

  it('keeps the good rows of a file with mismatched column counts and lists the bad ones with their lines', async () => {
    const ws = memoryWorkspace();
    const r = await importFixture(ws, 'mismatched-columns.csv');
    expect(r.imported).toBe(4);
    expect(r.rejected.map((x) => [x.line, x.reason])).toEqual([
      [3, 'The row has 3 values, but the header has 4 columns'],
      [4, 'The row has 6 values, but the header has 4 columns']
    ]);
    expect((await live(ws, 'contact')).map((c) => c.lastName).sort()).toEqual(['Dijkstra', 'Johnson', 'Liskov', 'Lovelace']);
    ws.close();
  });

  it('imports the valid rows around one invalid e-mail', async () => {
    const ws = memoryWorkspace();
    const r = await importFixture(ws, 'one-invalid-email.csv');
    expect(r.imported).toBe(3);
    expect(r.rejected).toEqual([
      { line: 4, reason: 'Email (column “Email”): must be an email address', values: ['Alan Turing', 'alan.turing-at-example.com', '+44 1908 640404', 'Bletchley Park', 'Cryptanalyst'] }
    ]);
    const ada = (await live(ws, 'contact')).find((c) => c.lastName === 'Lovelace');
    expect(ada).toMatchObject({ firstName: 'Ada', title: 'Programmer', company: 'Analytical Engines' });
    ws.close();
  });

  it('imports a windows-1252 European export as leads, with DD.MM.YYYY dates and 1.234,56 budgets', async () => {
    const ws = memoryWorkspace();
    const table = csvOf('european-leads-latin1.csv');
    const base = suggestMapping(table.headers, table.rows, 'lead');
    // Mapping the budget column to a fact makes the number format detectable from its values.
    const mapping = suggestMapping(table.headers, table.rows, 'lead', { ...base, columns: { ...base.columns, 'Budget (EUR)': 'facts' } });
    expect(mapping).toMatchObject({ dateFormat: 'DD.MM.YYYY', numberFormat: '1.234,56' });
    const r = await importRows(ws, table, mapping);
    expect(r).toMatchObject({ imported: 3, rejected: [], accountsCreated: 0 });
    const leads = await live(ws, 'lead');
    expect(leads.find((l) => l.lastName === 'Müller')).toMatchObject({ company: 'Müller & Söhne GmbH', capturedAt: '2024-02-03T00:00:00.000Z', facts: { budget: 1234.56, source: 'Messe' }, source: 'other' });
    expect(leads.find((l) => l.lastName === 'Lefèvre')).toMatchObject({ facts: { budget: 980.5 }, source: 'referral' });
    ws.close();
  });

  it('reports a value in the wrong date format with the column and the format, and imports the rest', async () => {
    const ws = memoryWorkspace();
    const table = csvOf('european-leads-latin1.csv');
    const r = await importRows(ws, table, { ...suggestMapping(table.headers, table.rows, 'lead'), dateFormat: 'MM/DD/YYYY' });
    // 03.02.2024 reads as March 2 month-first; 15.11.2023 and 31.12.2023 cannot.
    expect(r.imported).toBe(1);
    expect(r.rejected.map((x) => x.reason)).toEqual([
      'Captured on (column “Erfasst am”): “15.11.2023” is not a date in the format MM/DD/YYYY',
      'Captured on (column “Erfasst am”): “31.12.2023” is not a date in the format MM/DD/YYYY'
    ]);
    ws.close();
  });
});

describe('a file that cannot be imported as a whole', () => {
  it('writes nothing and says why: binary, empty, header only, no usable column', async () => {
    const ws = memoryWorkspace();
    const reasons: string[] = [];
    for (const name of ['binary-garbage.bin', 'empty.csv', 'header-only.csv']) {
      try {
        readImportFile(fixture(name), name);
      } catch (e) {
        expect(e).toBeInstanceOf(ImportFileError);
        reasons.push((e as Error).message);
      }
    }
    expect(reasons).toEqual([
      'This file is not text: it looks like a picture, an archive or a program. Choose a CSV or vCard (.vcf) file.',
      'The file is empty.',
      'The file has column names but no rows of data.'
    ]);
    const table = csvOf('one-invalid-email.csv');
    await expect(importRows(ws, table, { target: 'contact', columns: { Email: 'email' }, dateFormat: 'YYYY-MM-DD', numberFormat: '1,234.56' })).rejects.toThrow(
      'Map a column to First name, Last name or Full name: every contact needs a name.'
    );
    expect(await ws.db.rows('contact').count()).toBe(0);
    expect(await ws.db.rows('account').count()).toBe(0);
    ws.close();
  });
});

describe('cancelling', () => {
  it('stops after the batch in flight, which is written whole, and reports what was imported', async () => {
    const ws = memoryWorkspace();
    const controller = new AbortController();
    const r = await importFixture(ws, 'mismatched-columns.csv', 'contact', { batchSize: 2, signal: controller.signal, onProgress: () => controller.abort() });
    // First batch: rows on lines 2 and 5, plus the bad rows on lines 3 and 4 that sit between them.
    expect(r).toMatchObject({ cancelled: true, imported: 2, rowsRead: 4, total: 6 });
    expect(r.rejected.map((x) => x.line)).toEqual([3, 4]);
    expect(await ws.db.rows('contact').count()).toBe(2);
    ws.close();
  });
});

describe('rejected rows download', () => {
  it('is a CSV with the line, the reason and the original columns', async () => {
    const ws = memoryWorkspace();
    const r = await importFixture(ws, 'google-contacts.csv');
    const text = rejectedRowsCsv(r);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const parsed = Papa.parse<string[]>(text.slice(1).trim());
    expect(parsed.data[0].slice(0, 4)).toEqual(['Line', 'Reason', 'Name', 'Given Name']);
    expect(parsed.data).toHaveLength(2);
    expect(parsed.data[1].slice(0, 3)).toEqual(['9', 'Email (column “E-mail 1 - Value”): must be an email address', 'Priya Bad-Email']);
    // Re-importable: the original columns come back under their own headers.
    expect(parsed.data[1][parsed.data[0].indexOf('E-mail 1 - Value')]).toBe('priya(at)example.com');
    ws.close();
  });
});

describe('importing vCard files', () => {
  it('imports an Apple vCard 3.0 file (folded lines, several e-mails, a photo) and refuses the card without a name', async () => {
    const ws = memoryWorkspace();
    const source = readImportFile(fixture('apple-contacts-3.0.vcf'), 'apple-contacts-3.0.vcf');
    if (source.kind !== 'vcard') throw new Error('not read as vCard');
    expect(source.cards).toHaveLength(3);
    const r = await importVCards(ws, source.cards);
    expect(r).toMatchObject({ imported: 2, accountsCreated: 1, unit: 'card', columns: ['Name', 'Email', 'Phone', 'Company'] });
    expect(r.rejected).toEqual([{ line: 3, reason: 'Last name: a first or last name is required', values: ['', 'nobody@example.com', '', 'Nameless Corp'] }]);
    const ada = await ws.db.rows('contact').get('6f9619ff-8b86-4d11-b42d-00c04fc964ff');
    expect(ada).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@analyticalengines.example',
      otherEmails: ['ada.king@example.org', 'countess@example.net'],
      mobile: '+44 7700 900123',
      phone: '+44 20 7946 0001',
      title: 'Programmer',
      company: 'Analytical Engines Ltd.',
      birthday: '1815-12-10',
      tags: ['Pioneers', 'Customers'],
      address: { street: "12 St James's Square", city: 'London', postalCode: 'SW1Y 4JH', country: 'United Kingdom' }
    });
    expect(ada?.notes).toBe("Wrote the first published algorithm for the Analytical Engine, and notes on Menabrea's paper.\nPrefers letters.");
    const babbage = (await live(ws, 'contact')).find((c) => c.lastName === 'Babbage');
    expect(babbage?.accountId).toBe(ada?.accountId);

    // The same file again: the cards already here (same UID) are reported, not duplicated.
    const again = await importVCards(ws, source.cards);
    expect(again.imported).toBe(0);
    expect(again.rejected.map((x) => x.reason)).toEqual([
      'This card is already in this workspace (same UID)',
      'This card is already in this workspace (same UID)',
      'Last name: a first or last name is required'
    ]);
    expect(await ws.db.rows('contact').count()).toBe(2);
    ws.close();
  });

  it('imports a vCard 4.0 file with tel: URIs and an extension', async () => {
    const ws = memoryWorkspace();
    const source = readImportFile(fixture('contacts-4.0.vcf'), 'contacts.vcf');
    if (source.kind !== 'vcard') throw new Error('not read as vCard');
    const r = await importVCards(ws, source.cards);
    expect(r).toMatchObject({ imported: 2, rejected: [] });
    const hana = await ws.db.rows('contact').get('4fbe8971-0bc3-424c-9c26-36c3e1eff6b1');
    expect(hana).toMatchObject({ firstName: 'Hana', lastName: 'Novák', mobile: '+420-602-123-456', phone: '+420-541-000-111 ext 22', birthday: '1982-03-07', otherEmails: ['hana@example.cz'] });
    expect(hana?.address).toMatchObject({ street: 'Údolní 53', city: 'Brno', postalCode: '602 00' });
    ws.close();
  });

  it('recognises a vCard by its first line whatever the file is called', () => {
    const source = readImportFile(fixture('contacts-4.0.vcf'), 'export.txt');
    expect(source.kind).toBe('vcard');
    expect(() => readImportFile(new TextEncoder().encode('BEGIN:VCARD\r\nVERSION:3.0\r\n'), 'broken.vcf')).toThrow(/no contact cards/);
  });
});
