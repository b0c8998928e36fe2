// CSV export of contacts: a header row, RFC 4180 quoting by papaparse, and cells made safe to open in a spreadsheet.
import Papa from 'papaparse';
import type { Contact } from '../model/contact';

export const CSV_MIME = 'text/csv;charset=utf-8';

/** Excel reads a CSV as UTF-8 only when it starts with a byte-order mark; other tools ignore it. */
const BOM = '\uFEFF';

/**
 * A cell a spreadsheet would run as a formula (OWASP "CSV Injection"): one starting with = + - @, or a tab or carriage
 * return, gets a leading apostrophe so it shows as text. A phone number like "+977 …" is shown with that apostrophe:
 * the price of never running a formula from someone else's data.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r\n]/.test(value) ? `'${value}` : value;
}

type ContactRow = Pick<
  Contact,
  | 'id'
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'otherEmails'
  | 'phone'
  | 'mobile'
  | 'title'
  | 'accountId'
  | 'company'
  | 'address'
  | 'birthday'
  | 'tags'
  | 'notes'
  | 'owner'
  | 'createdAt'
  | 'updatedAt'
> &
  Partial<Pick<Contact, 'preferredChannel' | 'consent' | 'source'>>;

/** The columns, in order: header text and how to read each from a contact. */
export const contactColumns: readonly { header: string; value: (c: ContactRow, account?: string) => string }[] = [
  { header: 'First name', value: (c) => c.firstName },
  { header: 'Last name', value: (c) => c.lastName },
  { header: 'Email', value: (c) => c.email },
  { header: 'Other emails', value: (c) => (c.otherEmails ?? []).join('; ') },
  { header: 'Phone', value: (c) => c.phone },
  { header: 'Mobile', value: (c) => c.mobile },
  { header: 'Title', value: (c) => c.title },
  { header: 'Company', value: (c, account) => account || c.company },
  { header: 'Street', value: (c) => c.address?.street ?? '' },
  { header: 'City', value: (c) => c.address?.city ?? '' },
  { header: 'Region', value: (c) => c.address?.region ?? '' },
  { header: 'Postal code', value: (c) => c.address?.postalCode ?? '' },
  { header: 'Country', value: (c) => c.address?.country ?? '' },
  { header: 'Birthday', value: (c) => c.birthday },
  { header: 'Preferred channel', value: (c) => c.preferredChannel ?? '' },
  { header: 'Email consent', value: (c) => (c.consent?.email ? 'yes' : 'no') },
  { header: 'SMS consent', value: (c) => (c.consent?.sms ? 'yes' : 'no') },
  { header: 'Phone consent', value: (c) => (c.consent?.phone ? 'yes' : 'no') },
  { header: 'Source', value: (c) => c.source ?? '' },
  { header: 'Tags', value: (c) => (c.tags ?? []).join('; ') },
  { header: 'Notes', value: (c) => c.notes },
  { header: 'Owner', value: (c) => c.owner },
  { header: 'Created', value: (c) => c.createdAt },
  { header: 'Updated', value: (c) => c.updatedAt },
  { header: 'ID', value: (c) => c.id }
];

/**
 * Contacts as CSV (RFC 4180: comma-separated, CRLF rows, fields quoted where needed) with a header row. `bom` adds
 * the UTF-8 byte-order mark Excel needs to read non-ASCII names; `accountsById` fills Company with the current account
 * name. Every cell is guarded against formula injection.
 */
export function contactsToCsv(
  rows: readonly ContactRow[],
  options: { bom?: boolean; accountsById?: ReadonlyMap<string, { name: string }> } = {}
): string {
  const data = rows.map((c) => {
    const account = c.accountId ? options.accountsById?.get(c.accountId)?.name : undefined;
    return contactColumns.map((col) => neutraliseFormula(col.value(c, account) ?? ''));
  });
  const csv = Papa.unparse({ fields: contactColumns.map((c) => c.header), data }, { newline: '\r\n', quotes: false, header: true });
  return (options.bom ? BOM : '') + csv + '\r\n';
}
