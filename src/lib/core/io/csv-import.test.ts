// CSV import on hand-made files shaped like real exports: encodings, delimiters, quoted newlines, column suggestions, formats.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compileMapping,
  decodeText,
  detectDateFormat,
  detectNumberFormat,
  ImportFileError,
  loadSavedMappings,
  mappingProblem,
  matchSavedMapping,
  parseCsv,
  parseDate,
  parseNumber,
  saveMapping,
  splitFullName,
  suggestColumns,
  suggestMapping,
  validateInput,
  type ImportMapping
} from './csv-import';
import { memoryDb } from '../testing';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../../../tests/fixtures/import/${name}`, import.meta.url)));
const tableOf = (name: string) => parseCsv(decodeText(fixture(name)).text);
const problemOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ImportFileError) return e.problem;
    throw e;
  }
  return 'none';
};

describe('reading the bytes', () => {
  it('reads UTF-8 with a byte-order mark and drops the mark', () => {
    const { text, encoding } = decodeText(fixture('google-contacts.csv'));
    expect(encoding).toBe('utf-8');
    expect(text.startsWith('Name,Given Name')).toBe(true);
    expect(text).toContain('José Gómez');
  });

  it('falls back to windows-1252 when the bytes are not UTF-8, so single-byte umlauts read right', () => {
    const { text, encoding } = decodeText(fixture('european-leads-latin1.csv'));
    expect(encoding).toBe('windows-1252');
    expect(text).toContain('Jürgen;Müller;Müller & Söhne GmbH');
    expect(text).toContain('Gómez Instalaciones');
    expect(text).toContain('Lefèvre Électricité');
  });

  it('reads UTF-16 from a byte-order mark (Excel "Unicode text")', () => {
    const text = 'First name\tEmail\r\nZoë\tzoe@example.com\r\n';
    const bytes = new Uint8Array([0xff, 0xfe, ...new Uint8Array(new Uint16Array([...text].map((c) => c.charCodeAt(0))).buffer)]);
    const decoded = decodeText(bytes);
    expect(decoded.encoding).toBe('utf-16le');
    expect(parseCsv(decoded.text)).toMatchObject({ headers: ['First name', 'Email'], delimiter: '\t', rows: [{ values: ['Zoë', 'zoe@example.com'] }] });
  });

  it('refuses binary garbage, an empty file and a spreadsheet with a reason', () => {
    expect(problemOf(() => decodeText(fixture('binary-garbage.bin')))).toBe('binary');
    expect(problemOf(() => decodeText(fixture('empty.csv')))).toBe('empty');
    expect(problemOf(() => decodeText(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])))).toBe('spreadsheet');
    expect(() => decodeText(new Uint8Array([0x50, 0x4b, 0x03, 0x04]))).toThrow(/Save it as “CSV UTF-8”/);
  });
});

describe('reading rows', () => {
  it('keeps quoted values with line breaks, quotes and commas whole, and numbers rows by their first line', () => {
    const t = tableOf('google-contacts.csv');
    expect(t.delimiter).toBe(',');
    expect(t.headers).toHaveLength(56);
    expect(t.rows).toHaveLength(7);
    expect(t.bad).toEqual([]);
    const notes = t.headers.indexOf('Notes');
    expect(t.rows[0].values[notes]).toBe('Met at the Kathmandu trade fair.\nPrefers calls after 4 pm, "never" before 9.');
    // Row 1 spans lines 2–5 (its Notes and Formatted address hold three line breaks), so row 2 starts on line 6.
    expect(t.rows.map((r) => r.line)).toEqual([2, 6, 7, 8, 9, 10, 12]);
  });

  it('detects the semicolon of a European export', () => {
    const t = tableOf('european-leads-latin1.csv');
    expect(t.delimiter).toBe(';');
    expect(t.headers).toEqual(['Vorname', 'Nachname', 'Firma', 'E-Mail', 'Telefon', 'Erfasst am', 'Budget (EUR)', 'Quelle', 'Notiz']);
    expect(t.rows[0].values[8]).toBe('Interessiert an Solaranlagen; Rückruf im März');
  });

  it('sets rows with the wrong number of values aside with their line, keeps the good ones, and forgives trailing empty values', () => {
    const t = tableOf('mismatched-columns.csv');
    expect(t.rows.map((r) => r.values[0])).toEqual(['Ada', 'Katherine', 'Edsger', 'Barbara']);
    expect(t.rows.map((r) => r.line)).toEqual([2, 5, 6, 8]);
    expect(t.bad).toEqual([
      { line: 3, reason: 'has 3 values, but the header has 4 columns', values: ['Grace', 'Hopper', 'grace@example.com'] },
      { line: 4, reason: 'has 6 values, but the header has 4 columns', values: ['Alan', 'Turing', 'alan@example.com', 'Bletchley Park', 'extra', 'values'] }
    ]);
  });

  it('refuses a header-only file, a file without a header row, and gives every column a unique name', () => {
    expect(problemOf(() => tableOf('header-only.csv'))).toBe('no-rows');
    expect(() => parseCsv('Ada,Lovelace,ada@example.com\nGrace,Hopper,grace@example.com\n')).toThrow(/first row holds data \(“ada@example.com”\)/);
    expect(parseCsv('Name,Notes,Notes,\nAda,a,b,c\n').headers).toEqual(['Name', 'Notes', 'Notes (2)', 'Column 4']);
  });

  it('reports an unclosed quote as a bad row', () => {
    const t = parseCsv('Name,Email\nAda,ada@example.com\n"Grace,grace@example.com\n');
    expect(t.rows).toHaveLength(1);
    expect(t.bad[0]).toMatchObject({ line: 3, reason: 'has a quote (") that is never closed' });
  });
});

describe('suggesting columns', () => {
  it('maps the older Google Contacts layout', () => {
    const t = tableOf('google-contacts.csv');
    const c = suggestColumns(t.headers, 'contact');
    expect(c).toMatchObject({
      Name: '',
      'Given Name': 'firstName',
      'Additional Name': 'middleName',
      'Family Name': 'lastName',
      Birthday: 'birthday',
      Notes: 'notes',
      'Group Membership': 'tags',
      'E-mail 1 - Type': '',
      'E-mail 1 - Value': 'email',
      'E-mail 2 - Value': 'otherEmails',
      'Phone 1 - Value': 'phone',
      'Phone 2 - Value': 'mobile',
      'Address 1 - Formatted': '',
      'Address 1 - Street': 'address.street',
      'Address 1 - City': 'address.city',
      'Address 1 - Region': 'address.region',
      'Address 1 - Postal Code': 'address.postalCode',
      'Address 1 - Country': 'address.country',
      'Organization 1 - Name': 'company',
      'Organization 1 - Title': 'title',
      'Website 1 - Value': ''
    });
  });

  it('maps the newer Google layout and Outlook, where "Title" is an honorific beside "Job Title"', () => {
    const g = suggestColumns(tableOf('google-contacts-new.csv').headers, 'contact');
    expect(g).toMatchObject({ 'First Name': 'firstName', 'Last Name': 'lastName', 'File As': '', 'Organization Name': 'company', 'Organization Title': 'title', Labels: 'tags', 'E-mail 1 - Value': 'email' });
    const o = suggestColumns(tableOf('outlook-contacts.csv').headers, 'contact');
    expect(o).toMatchObject({
      Title: '',
      'Job Title': 'title',
      'First Name': 'firstName',
      'Middle Name': 'middleName',
      'Last Name': 'lastName',
      Company: 'company',
      Account: '',
      'Business Street': 'address.street',
      'Business Street 2': 'address.street',
      'Business City': 'address.city',
      'Business State': 'address.region',
      'Business Postal Code': 'address.postalCode',
      'Business Country/Region': 'address.country',
      'Business Phone': 'phone',
      'Mobile Phone': 'mobile',
      'E-mail Address': 'email',
      'E-mail 2 Address': 'otherEmails',
      'E-mail Display Name': '',
      Categories: 'tags',
      Birthday: 'birthday'
    });
  });

  it('maps generic CRM names, and the same file differently for accounts and leads', () => {
    const headers = ['Name', 'Email', 'Phone', 'Account Name', 'Title'];
    expect(suggestColumns(headers, 'contact')).toEqual({ Name: 'fullName', Email: 'email', Phone: 'phone', 'Account Name': 'company', Title: 'title' });
    expect(suggestColumns(headers, 'account')).toEqual({ Name: '', Email: 'email', Phone: 'phone', 'Account Name': 'name', Title: '' });
    expect(suggestColumns(tableOf('european-leads-latin1.csv').headers, 'lead')).toEqual({
      Vorname: 'firstName',
      Nachname: 'lastName',
      Firma: 'company',
      'E-Mail': 'email',
      Telefon: 'phone',
      'Erfasst am': 'capturedAt',
      'Budget (EUR)': '',
      Quelle: 'source',
      Notiz: 'notes'
    });
  });
});

describe('dates and numbers', () => {
  it('reads each date format and refuses impossible dates', () => {
    expect(parseDate('2024-02-29', 'YYYY-MM-DD')).toBe('2024-02-29');
    expect(parseDate('2023-02-29', 'YYYY-MM-DD')).toBeNull();
    expect(parseDate('1985-04-15T00:00:00Z', 'YYYY-MM-DD')).toBe('1985-04-15');
    expect(parseDate('15/04/1985', 'DD/MM/YYYY')).toBe('1985-04-15');
    expect(parseDate('4/15/1985', 'MM/DD/YYYY')).toBe('1985-04-15');
    expect(parseDate('4/15/1985', 'DD/MM/YYYY')).toBeNull();
    expect(parseDate('03.02.2024', 'DD.MM.YYYY')).toBe('2024-02-03');
    expect(parseDate('31.12.23', 'DD.MM.YYYY')).toBeNull();
  });

  it('detects the date format from the values, preferring month-first for US exports only when the values allow both', () => {
    expect(detectDateFormat(['03.02.2024', '15.11.2023'])).toBe('DD.MM.YYYY');
    expect(detectDateFormat(['4/15/1985', '12/31/1979'])).toBe('MM/DD/YYYY');
    expect(detectDateFormat(['15/04/1985', '01/02/2000'])).toBe('DD/MM/YYYY');
    expect(detectDateFormat(['01/02/2000'], 'MM/DD/YYYY')).toBe('MM/DD/YYYY');
    expect(detectDateFormat(['1988-04-12'])).toBe('YYYY-MM-DD');
  });

  it('reads numbers in both conventions, with currency signs and spaces', () => {
    expect(parseNumber('1.234,56', '1.234,56')).toBe(1234.56);
    expect(parseNumber('12.500,00', '1.234,56')).toBe(12500);
    expect(parseNumber('980,5', '1.234,56')).toBe(980.5);
    expect(parseNumber('€ 1 234,56', '1.234,56')).toBe(1234.56);
    expect(parseNumber('1,234.56', '1,234.56')).toBe(1234.56);
    expect(parseNumber('$1,234', '1,234.56')).toBe(1234);
    expect(parseNumber('(12.50)', '1,234.56')).toBe(-12.5);
    expect(parseNumber('1.234,56', '1,234.56')).toBeNull();
    expect(parseNumber('twelve', '1,234.56')).toBeNull();
    expect(detectNumberFormat(['1.234,56', '12.500,00', '980,5'])).toBe('1.234,56');
    expect(detectNumberFormat(['1,234.56', '12.5'])).toBe('1,234.56');
  });
});

describe('mapping rows', () => {
  it('turns a Google row into a contact: several e-mails, phone types, street, tags, multi-line notes', () => {
    const t = tableOf('google-contacts.csv');
    const mapping = suggestMapping(t.headers, t.rows, 'contact');
    expect(mapping.dateFormat).toBe('YYYY-MM-DD');
    const m = compileMapping(t.headers, mapping);
    const { input, issues } = m.map(t.rows[0].values);
    expect(issues).toEqual([]);
    expect(input).toEqual({
      firstName: 'Aarav',
      lastName: 'Shrestha',
      birthday: '1988-04-12',
      notes: 'Met at the Kathmandu trade fair.\nPrefers calls after 4 pm, "never" before 9.',
      tags: ['Customers', 'Trade fair 2025'],
      email: 'aarav.shrestha@himalayanjava.com.np',
      otherEmails: ['aarav.s@example.com', 'aarav.home@example.net'],
      mobile: '+977 980-1234567',
      phone: '01-4412345',
      address: { street: 'Thamel Marg 12', city: 'Kathmandu', region: 'Bagmati', postalCode: '44600', country: 'Nepal' },
      company: 'Himalayan Java',
      title: 'Operations Manager'
    });
    expect(validateInput('contact', input)).toEqual([]);
    // A middle name joins the first name; a birthday without a year is left out rather than refusing the person.
    expect(m.map(t.rows[6].values).input).toMatchObject({ firstName: 'Ramesh Bahadur', lastName: 'Karki' });
    expect(m.map(t.rows[3].values)).toMatchObject({ issues: [] });
    expect(m.map(t.rows[3].values).input.birthday).toBeUndefined();
  });

  it('shows a schema error in the cell it came from', () => {
    const t = tableOf('google-contacts.csv');
    const m = compileMapping(t.headers, suggestMapping(t.headers, t.rows, 'contact'));
    const issues = validateInput('contact', m.map(t.rows[4].values).input);
    expect(issues).toEqual([{ path: 'email', message: 'must be an email address' }]);
    expect(m.columnsFor('email')).toEqual(['E-mail 1 - Value']);
    expect(m.labelOf('email')).toBe('Email');
    expect(m.columnsFor('otherEmails.1')).toEqual(['E-mail 2 - Value']);
  });

  it('reads Outlook rows with month-first birthdays, "0/0/00" as none, Business Street lines joined', () => {
    const t = tableOf('outlook-contacts.csv');
    const mapping = suggestMapping(t.headers, t.rows, 'contact');
    expect(mapping.dateFormat).toBe('MM/DD/YYYY');
    const m = compileMapping(t.headers, mapping);
    const anita = m.map(t.rows[0].values).input;
    expect(anita).toMatchObject({
      firstName: 'Anita',
      lastName: 'Thapa',
      title: 'Medical Director',
      birthday: '1985-04-15',
      phone: '+977 1-5521234',
      mobile: '+977 981-2223334',
      email: 'anita.thapa@lalitpurclinic.example',
      otherEmails: ['anita@example.com'],
      tags: ['Customers', 'VIP'],
      address: { street: 'Pulchowk Road 5, Block B', city: 'Lalitpur', region: 'Bagmati', postalCode: '44700', country: 'Nepal' }
    });
    const bikash = m.map(t.rows[1].values);
    expect(bikash.issues).toEqual([]);
    expect(bikash.input).toMatchObject({ phone: '061-520000', mobile: '061-530000' });
    expect(bikash.input.birthday).toBeUndefined();
    expect(validateInput('contact', m.map(t.rows[2].values).input)).toEqual([]);
  });

  it('reads a European lead export: DD.MM.YYYY dates, 1.234,56 budgets as a scoring fact, an unknown source kept', () => {
    const t = tableOf('european-leads-latin1.csv');
    const base = suggestMapping(t.headers, t.rows, 'lead');
    const mapping = suggestMapping(t.headers, t.rows, 'lead', { ...base, columns: { ...base.columns, 'Budget (EUR)': 'facts' } });
    expect(mapping.dateFormat).toBe('DD.MM.YYYY');
    expect(mapping.numberFormat).toBe('1.234,56');
    const m = compileMapping(t.headers, mapping);
    const rows = t.rows.map((r) => m.map(r.values));
    expect(rows.map((r) => r.issues)).toEqual([[], [], []]);
    expect(rows[0].input).toMatchObject({
      firstName: 'Jürgen',
      lastName: 'Müller',
      company: 'Müller & Söhne GmbH',
      capturedAt: '2024-02-03T00:00:00.000Z',
      source: 'other',
      facts: { budget: 1234.56, source: 'Messe' }
    });
    expect(rows[1].input).toMatchObject({ source: 'web-form', facts: { budget: 12500 } });
    expect(rows[2].input).toMatchObject({ source: 'referral', facts: { budget: 980.5 }, capturedAt: '2023-12-31T00:00:00.000Z' });
    for (const r of rows) expect(validateInput('lead', r.input)).toEqual([]);
    // The same file read with the wrong date format says which value and which format.
    const wrong = compileMapping(t.headers, { ...mapping, dateFormat: 'MM/DD/YYYY' });
    expect(wrong.map(t.rows[1].values).issues).toEqual([{ column: 'Erfasst am', field: 'capturedAt', message: '“15.11.2023” is not a date in the format MM/DD/YYYY' }]);
  });

  it('splits a full name, and money becomes minor units in the chosen currency', () => {
    expect(splitFullName('Ada King Lovelace')).toEqual({ firstName: 'Ada King', lastName: 'Lovelace' });
    expect(splitFullName('Lovelace, Ada')).toEqual({ firstName: 'Ada', lastName: 'Lovelace' });
    expect(splitFullName('Cher')).toEqual({ firstName: '', lastName: 'Cher' });
    const m = compileMapping(['Company', 'Revenue', 'Type'], { target: 'account', columns: { Company: 'name', Revenue: 'annualRevenue', Type: 'kind' }, dateFormat: 'YYYY-MM-DD', numberFormat: '1,234.56', currency: 'EUR' });
    expect(m.map(['Acme', '1,250,000.50', 'Customer']).input).toEqual({ name: 'Acme', annualRevenue: { amount: 125_000_050, currency: 'EUR' }, kind: 'customer' });
    expect(m.map(['Acme', 'lots', '']).issues).toEqual([{ column: 'Revenue', field: 'annualRevenue', message: '“lots” is not a number written as 1,234.56' }]);
  });

  it('strips the apostrophe our own export puts before a leading + or =', () => {
    const m = compileMapping(['First name', 'Phone'], { target: 'contact', columns: { 'First name': 'firstName', Phone: 'phone' }, dateFormat: 'YYYY-MM-DD', numberFormat: '1,234.56' });
    expect(m.map(['Ada', "'+977 1 4220000"]).input).toEqual({ firstName: 'Ada', phone: '+977 1 4220000' });
  });

  it('says when a mapping cannot make records', () => {
    const base: ImportMapping = { target: 'contact', columns: {}, dateFormat: 'YYYY-MM-DD', numberFormat: '1,234.56' };
    expect(mappingProblem(['A'], base)).toMatch(/No column is mapped/);
    expect(mappingProblem(['Email'], { ...base, columns: { Email: 'email' } })).toMatch(/every contact needs a name/);
    expect(mappingProblem(['Name'], { ...base, columns: { Name: 'fullName' } })).toBeNull();
    expect(mappingProblem(['Name'], { ...base, target: 'account', columns: { Name: 'firstName' } })).toMatch(/No column is mapped/);
  });
});

describe('saved mappings', () => {
  it('are stored in the workspace and offered again for a file with the same columns in another order', async () => {
    const db = memoryDb();
    const mapping: ImportMapping = { target: 'lead', columns: { Vorname: 'firstName', Nachname: 'lastName', Budget: 'facts' }, dateFormat: 'DD.MM.YYYY', numberFormat: '1.234,56' };
    await saveMapping(db, 'Messe-Export', ['Vorname', 'Nachname', 'Budget'], mapping);
    const saved = await loadSavedMappings(db);
    expect(saved).toHaveLength(1);
    const match = matchSavedMapping(saved, ['budget', 'Nachname', 'Vorname']);
    expect(match?.name).toBe('Messe-Export');
    expect(match?.mapping).toMatchObject({ target: 'lead', dateFormat: 'DD.MM.YYYY', columns: { budget: 'facts', Nachname: 'lastName', Vorname: 'firstName' } });
    expect(matchSavedMapping(saved, ['Vorname', 'Nachname'])).toBeUndefined();
    // Saving again for the same columns replaces the entry.
    await saveMapping(db, 'Messe-Export 2', ['Vorname', 'Nachname', 'Budget'], { ...mapping, dateFormat: 'DD/MM/YYYY' });
    expect((await loadSavedMappings(db)).map((s) => s.name)).toEqual(['Messe-Export 2']);
    db.close();
  });
});
