// CSV: a spreadsheet gets every contact with a header row, quoting intact, no formula ever runs, Excel sees UTF-8.
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { contactSchema, type Contact } from '../model/contact';
import { contactColumns, contactsToCsv, neutraliseFormula } from './csv';

const contact = (fields: Partial<Contact>): Contact =>
  contactSchema.parse({ id: `c-${Math.random().toString(36).slice(2)}`, v: 1, createdAt: '2026-10-01T09:00:00.000Z', updatedAt: '2026-11-01T09:00:00.000Z', ...fields }) as Contact;

const parse = (csv: string) => Papa.parse<string[]>(csv.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;

describe('contactsToCsv', () => {
  it('writes a header row and one row per contact, with CRLF rows', () => {
    const csv = contactsToCsv([contact({ firstName: 'Sita', lastName: 'Rai', email: 'sita@example.com' }), contact({ firstName: 'Hari' })]);
    const rows = parse(csv);
    expect(rows[0]).toEqual(contactColumns.map((c) => c.header));
    expect(rows).toHaveLength(3);
    expect(rows[1].slice(0, 3)).toEqual(['Sita', 'Rai', 'sita@example.com']);
    expect(csv.split('\r\n')).toHaveLength(4);
    expect(csv.startsWith('\uFEFF')).toBe(false);
  });

  it('keeps commas, quotes, line breaks and non-Latin text intact', () => {
    const c = contact({ firstName: 'सीता', lastName: 'O"Brien', title: 'Head, Sales', notes: 'Line 1\nLine 2', tags: ['vip', 'kathmandu'], otherEmails: ['a@example.com', 'b@example.com'] });
    const [header, row] = parse(contactsToCsv([c]));
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('First name')).toBe('सीता');
    expect(cell('Last name')).toBe('O"Brien');
    expect(cell('Title')).toBe('Head, Sales');
    expect(cell('Notes')).toBe('Line 1\nLine 2');
    expect(cell('Tags')).toBe('vip; kathmandu');
    expect(cell('Other emails')).toBe('a@example.com; b@example.com');
    expect(cell('ID')).toBe(c.id);
  });

  it('never lets a cell run as a formula (OWASP CSV injection)', () => {
    const hostile = contact({ firstName: '=HYPERLINK("http://evil.example","x")', lastName: '@SUM(1+1)', title: '-2+3', notes: '\t=1+1', phone: '+977 1 4220000' });
    const [header, row] = parse(contactsToCsv([hostile]));
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('First name')).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(cell('Last name')).toBe(`'@SUM(1+1)`);
    expect(cell('Title')).toBe(`'-2+3`);
    expect(cell('Notes')).toBe(`'\t=1+1`);
    expect(cell('Phone')).toBe(`'+977 1 4220000`);
    for (const value of row) expect(value).not.toMatch(/^[=+\-@\t\r]/);
    expect(neutraliseFormula('=A1\nmore')).toBe(`'=A1\nmore`);
    expect(neutraliseFormula('Plain')).toBe('Plain');
  });

  it('adds a UTF-8 byte-order mark for Excel when asked, and names the account', () => {
    const csv = contactsToCsv([contact({ firstName: 'Sita', accountId: 'a1', company: 'Old name' })], { bom: true, accountsById: new Map([['a1', { name: 'Himal Traders' }]]) });
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [header, row] = parse(csv);
    expect(row[header.indexOf('Company')]).toBe('Himal Traders');
  });
});
