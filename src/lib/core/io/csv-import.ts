// CSV import: bytes to text (encoding detection), rows with line numbers (delimiter detection, quoted newlines), column
// suggestions from common address-book exports, date and number formats, and the mapping that turns a row into a record input.
import Papa from 'papaparse';
import { accountKinds, accountTiers } from '../model/account';
import { leadSources, leadStatuses } from '../model/lead';
import { collections } from '../model/registry';
import type { FieldbookDb } from '../storage/db';

export type ImportTarget = 'contact' | 'account' | 'lead';
export const importTargets: readonly ImportTarget[] = ['contact', 'account', 'lead'];

export type DateFormat = 'YYYY-MM-DD' | 'DD/MM/YYYY' | 'MM/DD/YYYY' | 'DD.MM.YYYY';
export const dateFormats: readonly DateFormat[] = ['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY'];
/** How a number is written: the thousands separator, then the decimal one. */
export type NumberFormat = '1,234.56' | '1.234,56';
export const numberFormats: readonly NumberFormat[] = ['1,234.56', '1.234,56'];

/**
 * How a file's columns become records: data, so it can be saved and offered again. `columns` maps each source header
 * to a field path of the target (`''` = not imported). `currency` is the currency of money columns (ISO 4217).
 */
export type ImportMapping = {
  target: ImportTarget;
  columns: Record<string, string>;
  dateFormat: DateFormat;
  numberFormat: NumberFormat;
  currency?: string;
};

/** A whole file that cannot be imported: nothing is written, and `message` says why in words a person can act on. */
export class ImportFileError extends Error {
  constructor(
    readonly problem: 'empty' | 'binary' | 'spreadsheet' | 'no-header' | 'no-rows' | 'no-columns' | 'no-cards',
    message: string
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Bytes → text

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export type DecodedText = { text: string; encoding: TextEncoding };

const startsWith = (bytes: Uint8Array, ...prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

/**
 * Text of a file whose encoding nobody declared. A byte-order mark decides (UTF-8, or UTF-16 from Excel's "Unicode
 * text"); otherwise strict UTF-8, and when the bytes are not valid UTF-8 the file is taken as windows-1252 — what
 * Excel and older CRMs write in western Europe ("Müller" as the single byte 0xFC). Windows-1252 is a superset of the
 * printable Latin-1 range, and WHATWG maps the label "latin1" to it anyway. Spreadsheets, PDFs and other binary files
 * are refused with a message rather than read as garbage.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes.length === 0) throw new ImportFileError('empty', 'The file is empty.');
  if (startsWith(bytes, 0x50, 0x4b, 0x03, 0x04)) {
    throw new ImportFileError('spreadsheet', 'This looks like an Excel workbook (.xlsx) or another zipped file. Save it as “CSV UTF-8” in the spreadsheet and import that.');
  }
  if (startsWith(bytes, 0xd0, 0xcf, 0x11, 0xe0)) {
    throw new ImportFileError('spreadsheet', 'This looks like an old Excel workbook (.xls). Save it as “CSV UTF-8” in the spreadsheet and import that.');
  }
  if (startsWith(bytes, 0x25, 0x50, 0x44, 0x46)) throw new ImportFileError('binary', 'This is a PDF document, not a CSV or vCard file.');
  let text: string;
  let encoding: TextEncoding;
  if (startsWith(bytes, 0xff, 0xfe)) [text, encoding] = [new TextDecoder('utf-16le').decode(bytes.subarray(2)), 'utf-16le'];
  else if (startsWith(bytes, 0xfe, 0xff)) [text, encoding] = [new TextDecoder('utf-16be').decode(bytes.subarray(2)), 'utf-16be'];
  else {
    // A NUL byte never appears in UTF-8 or windows-1252 text.
    const head = bytes.subarray(0, 65_536);
    if (head.includes(0)) throw notText();
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
      encoding = 'utf-8';
    } catch {
      text = new TextDecoder('windows-1252').decode(bytes);
      encoding = 'windows-1252';
    }
  }
  if (looksBinary(text)) throw notText();
  if (text.trim() === '') throw new ImportFileError('empty', 'The file holds no text: it is empty or only blank lines.');
  return { text, encoding };
}

const notText = () => new ImportFileError('binary', 'This file is not text: it looks like a picture, an archive or a program. Choose a CSV or vCard (.vcf) file.');

/** Control characters other than tab and line breaks are rare in text and common in binary data. */
function looksBinary(text: string): boolean {
  const sample = text.slice(0, 65_536);
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0xfffd) control++;
  }
  return control > Math.max(2, sample.length * 0.01);
}

// ---------------------------------------------------------------------------------------------------------------------
// Text → rows

/** One data row with the file line it starts on (a quoted value may span lines). */
export type CsvRow = { line: number; values: string[] };
/** A row that could not be read as a record (wrong number of columns, a broken quote), kept to report and download. */
export type BadRow = { line: number; reason: string; values: string[] };
export type CsvTable = {
  headers: string[];
  rows: CsvRow[];
  bad: BadRow[];
  delimiter: string;
  /** Line of the header row. */
  headerLine: number;
};

const delimiterNames: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };
export const delimiterName = (d: string): string => delimiterNames[d] ?? JSON.stringify(d);

/**
 * Reads CSV text (RFC 4180 plus what real exports do): the delimiter is guessed among comma, semicolon and tab;
 * quoted values may hold delimiters, quotes and line breaks; blank lines are skipped. The first non-blank row is the
 * header (empty names become "Column N", repeated ones get a number). A row whose number of values differs from the
 * header's is set aside as bad with its line, unless the extra values are all empty (trailing delimiters).
 */
export function parseCsv(text: string): CsvTable {
  // One line-break convention, so line numbers are a count of '\n' and Papa never guesses the wrong one.
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let headers: string[] | null = null;
  let headerLine = 0;
  const rows: CsvRow[] = [];
  const bad: BadRow[] = [];
  let delimiter = ',';
  let line = 1;
  let cursor = 0;
  // Papa guesses the delimiter from the first rows; blank lines would count as one-column rows and spoil the guess.
  const guess = Papa.parse<string[]>(normalised.slice(0, 65_536), { delimitersToGuess: [',', ';', '\t'], skipEmptyLines: 'greedy', preview: 20 });
  Papa.parse<string[]>(normalised, {
    delimiter: guess.meta.delimiter || ',',
    skipEmptyLines: false,
    step: (result) => {
      const start = line;
      const end = result.meta.cursor;
      for (let i = cursor; i < end; i++) if (normalised.charCodeAt(i) === 10) line++;
      cursor = end;
      delimiter = result.meta.delimiter || delimiter;
      const values = result.data;
      if (values.length === 0 || (values.length === 1 && values[0].trim() === '')) return;
      if (!headers) {
        headers = uniqueHeaders(values);
        headerLine = start;
        return;
      }
      const quoteError = result.errors.find((e) => e.type === 'Quotes');
      if (quoteError) {
        bad.push({ line: start, reason: 'has a quote (") that is never closed', values });
        return;
      }
      if (values.length !== headers.length) {
        const extra = values.slice(headers.length);
        if (values.length > headers.length && extra.every((v) => v.trim() === '')) {
          rows.push({ line: start, values: values.slice(0, headers.length) });
          return;
        }
        bad.push({ line: start, reason: `has ${values.length} ${values.length === 1 ? 'value' : 'values'}, but the header has ${headers.length} columns`, values });
        return;
      }
      rows.push({ line: start, values });
    }
  });
  if (!headers) throw new ImportFileError('empty', 'The file holds no rows.');
  const header: string[] = headers;
  const dataLike = header.find((h) => /@/.test(h) || /^[+\d\s().,/-]{5,}$/.test(h.trim()));
  if (dataLike !== undefined) {
    throw new ImportFileError('no-header', `The first row holds data (“${dataLike}”), not column names. Add a header row naming each column (e.g. First name, Email) and import again.`);
  }
  if (header.every((h) => /^Column \d+$/.test(h))) throw new ImportFileError('no-header', 'The first row has no column names. Add a header row naming each column and import again.');
  if (rows.length === 0 && bad.length === 0) throw new ImportFileError('no-rows', 'The file has column names but no rows of data.');
  return { headers: header, rows, bad, delimiter, headerLine };
}

function uniqueHeaders(values: string[]): string[] {
  const seen = new Map<string, number>();
  return values.map((raw, i) => {
    const base = raw.replace(/^\uFEFF/, '').trim() || `Column ${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Fields a column can fill

export type FieldKind = 'text' | 'name' | 'email' | 'emails' | 'phone' | 'date' | 'instant' | 'money' | 'list' | 'choice' | 'fact';
/** A field a column can be mapped to. `path` is the record field (dotted for address parts) or a virtual one. */
export type TargetField = { path: string; label: string; kind: FieldKind; choices?: readonly string[]; join?: string };

const address: TargetField[] = [
  { path: 'address.street', label: 'Street', kind: 'text', join: ', ' },
  { path: 'address.city', label: 'City', kind: 'text' },
  { path: 'address.region', label: 'State or province', kind: 'text' },
  { path: 'address.postalCode', label: 'Postal code', kind: 'text' },
  { path: 'address.country', label: 'Country', kind: 'text' }
];
const common: TargetField[] = [
  { path: 'tags', label: 'Tags', kind: 'list' },
  { path: 'notes', label: 'Notes', kind: 'text', join: '\n\n' }
];

/** The fields each import target offers, in the order the mapping menu lists them. */
export const targetFields: Record<ImportTarget, readonly TargetField[]> = {
  contact: [
    { path: 'fullName', label: 'Full name (split into first and last)', kind: 'name' },
    { path: 'firstName', label: 'First name', kind: 'text', join: ' ' },
    { path: 'middleName', label: 'Middle name (added to first name)', kind: 'text', join: ' ' },
    { path: 'lastName', label: 'Last name', kind: 'text', join: ' ' },
    { path: 'email', label: 'Email', kind: 'emails' },
    { path: 'otherEmails', label: 'Other emails', kind: 'emails' },
    { path: 'phone', label: 'Phone', kind: 'phone' },
    { path: 'mobile', label: 'Mobile', kind: 'phone' },
    { path: 'title', label: 'Job title', kind: 'text' },
    { path: 'company', label: 'Company (linked to its account)', kind: 'text' },
    ...address,
    { path: 'birthday', label: 'Birthday', kind: 'date' },
    { path: 'source', label: 'Source', kind: 'text' },
    ...common
  ],
  account: [
    { path: 'name', label: 'Account name', kind: 'text' },
    { path: 'kind', label: 'Kind', kind: 'choice', choices: accountKinds },
    { path: 'tier', label: 'Tier', kind: 'choice', choices: accountTiers },
    { path: 'industry', label: 'Industry', kind: 'text' },
    { path: 'website', label: 'Website', kind: 'text' },
    { path: 'phone', label: 'Phone', kind: 'phone' },
    { path: 'email', label: 'Email', kind: 'text' },
    ...address,
    { path: 'region', label: 'Sales region', kind: 'text' },
    { path: 'annualRevenue', label: 'Annual revenue', kind: 'money' },
    ...common
  ],
  lead: [
    { path: 'fullName', label: 'Full name (split into first and last)', kind: 'name' },
    { path: 'firstName', label: 'First name', kind: 'text', join: ' ' },
    { path: 'lastName', label: 'Last name', kind: 'text', join: ' ' },
    { path: 'company', label: 'Company', kind: 'text' },
    { path: 'title', label: 'Job title', kind: 'text' },
    { path: 'email', label: 'Email', kind: 'emails' },
    { path: 'phone', label: 'Phone', kind: 'phone' },
    { path: 'source', label: 'Source', kind: 'choice', choices: leadSources },
    { path: 'status', label: 'Status', kind: 'choice', choices: leadStatuses },
    { path: 'capturedAt', label: 'Captured on', kind: 'instant' },
    { path: 'facts', label: 'Fact for lead scoring (named after the column)', kind: 'fact' },
    ...common
  ]
};

export const fieldOf = (target: ImportTarget, path: string): TargetField | undefined => targetFields[target].find((f) => f.path === path);

// ---------------------------------------------------------------------------------------------------------------------
// Header suggestions

/** Lower-case letters and digits only: "E-mail 1 - Value" → "email1value", so spelling variants meet. */
export const headerKey = (h: string): string =>
  h
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

type Synonyms = Record<string, readonly string[]>;

/**
 * Known column names of common exports, per field. Google Contacts (old "Given Name … E-mail 1 - Value" and new "First
 * Name … E-mail 1 - Value"), Outlook ("E-mail Address", "Business Phone", "Job Title" …), Apple and other CRMs
 * ("Email", "Phone", "Account Name", "Title"), Fieldbook's own export, and a few German, Spanish and French names.
 */
const personSynonyms: Synonyms = {
  fullName: ['name', 'full name', 'display name', 'contact name', 'contact', 'file as'],
  firstName: ['given name', 'first name', 'firstname', 'first', 'forename', 'vorname', 'nombre', 'prenom', 'nome'],
  middleName: ['additional name', 'middle name', 'middlename'],
  lastName: ['family name', 'last name', 'lastname', 'surname', 'last', 'nachname', 'apellido', 'apellidos', 'nom', 'nom de famille', 'cognome'],
  email: ['e-mail 1 - value', 'e-mail address', 'email address', 'email', 'e-mail', 'mail', 'work email', 'email 1', 'primary email', 'correo', 'correo electronico', 'courriel'],
  otherEmails: ['e-mail 2 - value', 'e-mail 3 - value', 'e-mail 2 address', 'e-mail 3 address', 'other emails', 'other email', 'email 2', 'email 3', 'personal email', 'home email'],
  phone: ['phone 1 - value', 'business phone', 'phone', 'telephone', 'work phone', 'primary phone', 'company main phone', 'phone number', 'office phone', 'home phone', 'telefon', 'telefono', 'telephone number'],
  mobile: ['phone 2 - value', 'mobile phone', 'mobile', 'cell', 'cell phone', 'cellphone', 'mobile number', 'handy', 'mobil', 'movil', 'portable'],
  title: ['organization 1 - title', 'organization title', 'job title', 'title', 'position', 'role', 'jobtitle', 'cargo', 'funktion', 'poste', 'position title'],
  company: ['organization 1 - name', 'organization name', 'company', 'organization', 'organisation', 'account name', 'account', 'company name', 'firma', 'unternehmen', 'empresa', 'societe', 'entreprise'],
  'address.street': ['address 1 - street', 'business street', 'business street 2', 'business street 3', 'street', 'address', 'street address', 'mailing street', 'strasse', 'direccion', 'adresse', 'rue'],
  'address.city': ['address 1 - city', 'business city', 'city', 'town', 'mailing city', 'ort', 'stadt', 'ciudad', 'ville'],
  'address.region': ['address 1 - region', 'business state', 'state', 'province', 'county', 'state/province', 'mailing state', 'bundesland', 'provincia'],
  'address.postalCode': ['address 1 - postal code', 'business postal code', 'postal code', 'zip', 'zip code', 'postcode', 'mailing zip', 'mailing zip/postal code', 'plz', 'postleitzahl', 'codigo postal', 'code postal'],
  'address.country': ['address 1 - country', 'business country/region', 'country', 'country/region', 'mailing country', 'land', 'pais', 'pays'],
  birthday: ['birthday', 'date of birth', 'dob', 'birth date', 'birthdate', 'geburtstag', 'geburtsdatum', 'fecha de nacimiento', 'date de naissance'],
  source: ['source', 'lead source', 'quelle', 'origen'],
  tags: ['group membership', 'labels', 'categories', 'tags', 'groups', 'kategorien', 'etiquetas'],
  notes: ['notes', 'note', 'comments', 'comment', 'description', 'notiz', 'notizen', 'bemerkung', 'bemerkungen', 'notas', 'remarques']
};

const accountSynonyms: Synonyms = {
  name: ['account name', 'company', 'company name', 'name', 'organization', 'organisation', 'organization 1 - name', 'business name', 'firma', 'firmenname', 'unternehmen', 'empresa', 'societe'],
  kind: ['type', 'account type', 'kind', 'relationship'],
  tier: ['tier', 'account tier'],
  industry: ['industry', 'sector', 'branche', 'sector industrial'],
  website: ['website', 'web site', 'web page', 'url', 'homepage', 'webseite', 'sitio web', 'site web'],
  phone: personSynonyms.phone,
  email: personSynonyms.email,
  'address.street': [...personSynonyms['address.street'], 'billing street'],
  'address.city': [...personSynonyms['address.city'], 'billing city'],
  'address.region': [...personSynonyms['address.region'], 'billing state', 'billing state/province'],
  'address.postalCode': [...personSynonyms['address.postalCode'], 'billing zip/postal code', 'billing postal code'],
  'address.country': [...personSynonyms['address.country'], 'billing country'],
  region: ['region', 'sales region', 'territory'],
  annualRevenue: ['annual revenue', 'revenue', 'turnover', 'umsatz', 'jahresumsatz', 'facturacion', "chiffre d'affaires"],
  tags: personSynonyms.tags,
  notes: personSynonyms.notes
};

const leadSynonyms: Synonyms = {
  fullName: personSynonyms.fullName,
  firstName: personSynonyms.firstName,
  lastName: personSynonyms.lastName,
  company: personSynonyms.company,
  title: personSynonyms.title,
  email: [...personSynonyms.email, ...personSynonyms.otherEmails],
  phone: [...personSynonyms.phone, ...personSynonyms.mobile],
  source: personSynonyms.source,
  status: ['status', 'lead status', 'stage'],
  capturedAt: ['created', 'created date', 'date created', 'captured', 'captured on', 'date', 'erfasst am', 'erstellt am', 'fecha', 'fecha de alta'],
  tags: personSynonyms.tags,
  notes: personSynonyms.notes
};

const synonymsOf: Record<ImportTarget, Synonyms> = { contact: personSynonyms, account: accountSynonyms, lead: leadSynonyms };

/**
 * header key → field path and rank (the name's place in its list: lower is more specific), built once per target.
 * Earlier fields win a name two fields share (e.g. "Company" → company).
 */
const lookup = new Map<ImportTarget, Map<string, { path: string; rank: number }>>();
function lookupOf(target: ImportTarget): Map<string, { path: string; rank: number }> {
  let map = lookup.get(target);
  if (!map) {
    map = new Map();
    for (const [path, names] of Object.entries(synonymsOf[target])) {
      names.forEach((n, rank) => {
        if (!map!.has(headerKey(n))) map!.set(headerKey(n), { path, rank });
      });
    }
    lookup.set(target, map);
  }
  return map;
}

/** Fields a second column may also fill (the values are joined or overflow into another field). */
const multiColumn = new Set(['email', 'otherEmails', 'phone', 'mobile', 'address.street', 'notes', 'tags', 'facts', 'middleName']);

/**
 * The field each source column most likely holds, from its name: exact known names first, then a few patterns
 * ("E-mail 4 - Value", "Phone 3 - Value"). A column is never suggested for a field another column already fills
 * unless the field takes several. Outlook's "Title" is an honorific ("Dr.") when "Job Title" is also there.
 */
export function suggestColumns(headers: readonly string[], target: ImportTarget): Record<string, string> {
  const map = lookupOf(target);
  const keys = headers.map(headerKey);
  const hasJobTitle = keys.includes('jobtitle');
  const hasParts = keys.some((k) => map.get(k)?.path === 'firstName' || map.get(k)?.path === 'lastName');
  const candidates = headers.map((h, i) => {
    const key = keys[i];
    let path = map.get(key)?.path ?? '';
    let rank = map.get(key)?.rank ?? 1000;
    if (!path) {
      if (/^e?mail\d+(value|address)$/.test(key)) path = target === 'contact' ? 'otherEmails' : 'email';
      else if (/^phone\d+value$/.test(key)) path = target === 'contact' ? 'mobile' : 'phone';
      else if (/^address\d+(street|extendedaddress)$/.test(key)) path = 'address.street';
    }
    if (key === 'title' && hasJobTitle) path = '';
    // A "Name" column beside first/last name columns is a display copy of them.
    if (path === 'fullName' && hasParts) path = '';
    if (path && !fieldOf(target, path)) path = '';
    return { h, i, path, rank };
  });
  // The most specific name claims a field first ("Account Name" before "Name" for an account).
  const taken = new Set<string>();
  const out: Record<string, string> = Object.fromEntries(headers.map((h) => [h, '']));
  for (const c of [...candidates].sort((a, b) => a.rank - b.rank || a.i - b.i)) {
    if (!c.path || (taken.has(c.path) && !multiColumn.has(c.path))) continue;
    taken.add(c.path);
    out[c.h] = c.path;
  }
  return out;
}

/** A complete mapping for a file: suggested columns, and date and number formats detected from the values. */
export function suggestMapping(headers: readonly string[], rows: readonly CsvRow[], target: ImportTarget, base: Partial<ImportMapping> = {}): ImportMapping {
  const columns = base.columns && base.target === target ? base.columns : suggestColumns(headers, target);
  const formats = detectFormats(headers, rows, { target, columns });
  return { target, columns, dateFormat: formats.dateFormat, numberFormat: formats.numberFormat, currency: base.currency ?? 'NPR' };
}

/** The date and number formats that read the most values of the columns mapped to date and number fields. */
export function detectFormats(headers: readonly string[], rows: readonly CsvRow[], mapping: Pick<ImportMapping, 'target' | 'columns'>): { dateFormat: DateFormat; numberFormat: NumberFormat } {
  const kindAt = headers.map((h) => fieldOf(mapping.target, mapping.columns[h] ?? '')?.kind);
  const dates: string[] = [];
  const numbers: string[] = [];
  for (const row of rows.slice(0, 500)) {
    row.values.forEach((v, i) => {
      const k = kindAt[i];
      if (!v.trim()) return;
      if (k === 'date' || k === 'instant') dates.push(v);
      else if (k === 'money' || (k === 'fact' && looksNumeric(v))) numbers.push(v);
    });
  }
  // US tools (Outlook, Google) write month first; elsewhere the day comes first.
  const isUsExport = headers.some((h) => /^(e-mail address|business phone|given name|e-mail 1 - value)$/i.test(h.trim()));
  return { dateFormat: detectDateFormat(dates, isUsExport ? 'MM/DD/YYYY' : 'DD/MM/YYYY'), numberFormat: detectNumberFormat(numbers) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Dates and numbers

const isoDate = (y: number, m: number, d: number): string | null => {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1000 || y > 9999) return null;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
};

/** A date written in `format` as YYYY-MM-DD, or null when it is not a real date in that format. A time after it is ignored. */
export function parseDate(value: string, format: DateFormat): string | null {
  const v = value.trim();
  if (format === 'YYYY-MM-DD') {
    const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s])/.exec(v);
    return m ? isoDate(+m[1], +m[2], +m[3]) : null;
  }
  const sep = format === 'DD.MM.YYYY' ? '[.]' : '[/.-]';
  const m = new RegExp(`^(\\d{1,2})${sep}(\\d{1,2})${sep}(\\d{4})(?:$|[T\\s,])`).exec(v);
  if (!m) return null;
  const [a, b, y] = [+m[1], +m[2], +m[3]];
  return format === 'MM/DD/YYYY' ? isoDate(y, a, b) : isoDate(y, b, a);
}

/**
 * The format that reads the most sample dates. Ties (every day ≤ 12, or no samples) go to ISO when it reads them,
 * then to `prefer`, so "03/04/2025" from an Outlook export is read as March 4.
 */
export function detectDateFormat(samples: readonly string[], prefer: DateFormat = 'DD/MM/YYYY'): DateFormat {
  if (samples.length === 0) return 'YYYY-MM-DD';
  const order: DateFormat[] = ['YYYY-MM-DD', 'DD.MM.YYYY', prefer, ...dateFormats.filter((f) => f !== prefer)];
  let best: DateFormat = order[0];
  let bestCount = -1;
  for (const f of [...new Set(order)]) {
    const n = samples.filter((s) => parseDate(s, f) !== null).length;
    if (n > bestCount) [best, bestCount] = [f, n];
  }
  return best;
}

const looksNumeric = (v: string): boolean => /^[\s(+-]*[^\d\s]{0,4}\s*\d[\d\s.,'\u00a0\u202f]*\s*[^\d\s]{0,4}\)?$/.test(v.trim());

/**
 * A number written in `format`, or null. Currency signs or codes and spaces around it are ignored; spaces, no-break
 * spaces and apostrophes group thousands; "(12.50)" is negative, as accountants write it.
 */
export function parseNumber(value: string, format: NumberFormat): number | null {
  let v = value.trim();
  if (!v) return null;
  let negative = false;
  if (/^\(.*\)$/.test(v)) [negative, v] = [true, v.slice(1, -1).trim()];
  v = v.replace(/^[^\d+-]{1,4}\s*/, '').replace(/\s*[^\d]{1,4}$/, '');
  if (v.startsWith('-')) [negative, v] = [!negative, v.slice(1)];
  else if (v.startsWith('+')) v = v.slice(1);
  v = v.replace(/[\s'\u00a0\u202f]/g, '');
  const [thousands, decimal] = format === '1,234.56' ? [',', '.'] : ['.', ','];
  if (!new RegExp(`^\\d{1,3}(\\${thousands}\\d{3})*(\\${decimal}\\d+)?$|^\\d+(\\${decimal}\\d+)?$`).test(v)) return null;
  const n = Number(v.split(thousands).join('').replace(decimal, '.'));
  return Number.isFinite(n) ? (negative ? -n : n) : null;
}

/** "1.234,56" or "12,5" say decimal comma; "1,234.56" or "12.5" say decimal point; the majority decides. */
export function detectNumberFormat(samples: readonly string[]): NumberFormat {
  let comma = 0;
  let point = 0;
  for (const s of samples) {
    const v = s.replace(/[^\d.,]/g, '');
    if (/,\d{1,2}$/.test(v) || /\.\d{3},/.test(v) || /^\d+,\d{4,}$/.test(v)) comma++;
    else if (/\.\d{1,2}$/.test(v) || /,\d{3}\./.test(v) || /^\d+\.\d{4,}$/.test(v)) point++;
  }
  return comma > point ? '1.234,56' : '1,234.56';
}

// ---------------------------------------------------------------------------------------------------------------------
// Row → record input

/** A value in a row that could not be read for its field (a date in another format, a number that is not one). */
export type CellIssue = { column: string; field: string; message: string };
export type MappedRow = { input: Record<string, unknown>; issues: CellIssue[] };
/** Turns the values of one row into a record input; built once per file so 100,000 rows cost no per-row set-up. */
export type RowMapper = {
  map: (values: readonly string[]) => MappedRow;
  /** Source columns that fill a record field (for showing an error in the right cell). */
  columnsFor: (path: string) => string[];
  /** A person-readable field name for an issue path ("address.city" → "City"). */
  labelOf: (path: string) => string;
};

/** Our own CSV export puts an apostrophe before cells a spreadsheet would run as a formula: undo it on the way in. */
const cleanCell = (v: string): string => {
  const t = v.trim();
  return /^'[=+\-@]/.test(t) ? t.slice(1) : t;
};

/** Google packs several values into one cell with " ::: "; other tools use ";" or "," between e-mail addresses. */
const splitMulti = (v: string): string[] =>
  v
    .split(/\s*:::\s*|\s*[;,]\s*/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Google's system groups ("* myContacts", "* starred") are not labels a person chose. */
const splitTags = (v: string): string[] =>
  v
    .split(/\s*:::\s*|\s*[;,]\s*/)
    .map((s) => s.replace(/^\*\s*/, '').trim())
    .filter((s) => s && !/^(mycontacts|starred|imported on .*)$/i.test(s));

const factKey = (header: string): string => headerKey(header.replace(/\(.*?\)/g, '')) || headerKey(header) || 'fact';

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const dot = path.indexOf('.');
  if (dot < 0) {
    obj[path] = value;
    return;
  }
  const head = path.slice(0, dot);
  const inner = (obj[head] as Record<string, unknown> | undefined) ?? {};
  inner[path.slice(dot + 1)] = value;
  obj[head] = inner;
}

const getPath = (obj: Record<string, unknown>, path: string): unknown => {
  const dot = path.indexOf('.');
  if (dot < 0) return obj[path];
  return (obj[path.slice(0, dot)] as Record<string, unknown> | undefined)?.[path.slice(dot + 1)];
};

/** "Lovelace, Ada" or "Ada King Lovelace" → first and last name. */
export function splitFullName(full: string): { firstName: string; lastName: string } {
  const v = full.trim().replace(/\s+/g, ' ');
  const comma = v.indexOf(',');
  if (comma > 0) return { firstName: v.slice(comma + 1).trim(), lastName: v.slice(0, comma).trim() };
  const space = v.lastIndexOf(' ');
  return space < 0 ? { firstName: '', lastName: v } : { firstName: v.slice(0, space), lastName: v.slice(space + 1) };
}

/**
 * Compiles a mapping for a file's headers. Each row then becomes a record input: values trimmed; several columns on one
 * field joined (street lines, notes) or overflowing (a second e-mail into "Other emails", a second phone into
 * "Mobile"); Google's "Phone N - Type: Mobile" sends that phone to Mobile; dates and money read in the chosen format;
 * choices (kind, status) lower-cased. Values are not validated against the schema here: `validateInput` does that.
 */
export function compileMapping(headers: readonly string[], mapping: ImportMapping): RowMapper {
  const fields = targetFields[mapping.target];
  const byPath = new Map(fields.map((f) => [f.path, f]));
  const plan = headers
    .map((header, index) => ({ header, index, field: byPath.get(mapping.columns[header] ?? '') }))
    .filter((p): p is { header: string; index: number; field: TargetField } => !!p.field);
  // Google: "Phone 1 - Value" has its kind in "Phone 1 - Type" (older exports) or "Phone 1 - Label" (newer ones).
  const typeIndex = new Map<number, number>();
  for (const p of plan) {
    if (p.field.kind !== 'phone' || !/value$/i.test(p.header)) continue;
    const t = [p.header.replace(/value$/i, 'Type'), p.header.replace(/value$/i, 'Label')].map((h) => headers.indexOf(h)).find((i) => i >= 0);
    if (t !== undefined) typeIndex.set(p.index, t);
  }
  const currency = mapping.currency || 'NPR';
  const isContact = mapping.target === 'contact';

  const map = (values: readonly string[]): MappedRow => {
    const input: Record<string, unknown> = {};
    const issues: CellIssue[] = [];
    const emails: string[] = [];
    const others: string[] = [];
    const phones: { value: string; isMobile: boolean }[] = [];
    let fullName = '';
    let middle = '';
    for (const { header, index, field } of plan) {
      const raw = values[index];
      if (raw === undefined) continue;
      const v = cleanCell(raw);
      if (!v) continue;
      switch (field.kind) {
        case 'name':
          fullName ||= v;
          break;
        case 'emails':
          (field.path === 'otherEmails' ? others : emails).push(...splitMulti(v));
          break;
        case 'phone': {
          const t = typeIndex.get(index);
          const isMobile = field.path === 'mobile' || (t !== undefined && /mobile|cell|handy|móvil/i.test(values[t] ?? ''));
          for (const p of v.split(/\s*:::\s*/)) if (p) phones.push({ value: p, isMobile: isContact && isMobile });
          break;
        }
        case 'date':
        case 'instant': {
          // Outlook writes "0/0/00" for no date; Google writes "--05-17" for a birthday without a year, which a
          // date field cannot hold: both are left empty rather than refusing the whole person.
          if (/^0{1,2}[/.-]0{1,2}[/.-]0{2,4}$/.test(v) || /^--\d{2}-?\d{2}$/.test(v)) break;
          const d = parseDate(v, mapping.dateFormat);
          if (!d) issues.push({ column: header, field: field.path, message: `“${v}” is not a date in the format ${mapping.dateFormat}` });
          else setPath(input, field.path, field.kind === 'instant' ? `${d}T00:00:00.000Z` : d);
          break;
        }
        case 'money': {
          const n = parseNumber(v, mapping.numberFormat);
          if (n === null) issues.push({ column: header, field: field.path, message: `“${v}” is not a number written as ${mapping.numberFormat}` });
          else input[field.path] = { amount: Math.round(n * 100), currency };
          break;
        }
        case 'fact': {
          const facts = (input.facts as Record<string, unknown> | undefined) ?? {};
          const n = looksNumeric(v) ? parseNumber(v, mapping.numberFormat) : null;
          facts[factKey(header)] = n ?? v;
          input.facts = facts;
          break;
        }
        case 'list': {
          const list = (input[field.path] as string[] | undefined) ?? [];
          for (const t of splitTags(v)) if (!list.includes(t)) list.push(t);
          input[field.path] = list;
          break;
        }
        case 'choice': {
          const c = v.toLowerCase().replace(/\s+/g, '-');
          if (field.path === 'source' && mapping.target === 'lead' && !field.choices?.includes(c)) {
            // A source the model does not name is kept as a fact rather than refused.
            input.source = 'other';
            input.facts = { ...((input.facts as Record<string, unknown>) ?? {}), source: v };
          } else input[field.path] = c;
          break;
        }
        default: {
          if (field.path === 'middleName') {
            middle = middle ? `${middle} ${v}` : v;
            break;
          }
          const before = getPath(input, field.path) as string | undefined;
          if (!before) setPath(input, field.path, v);
          else if (field.join) setPath(input, field.path, `${before}${field.join}${v}`);
        }
      }
    }
    if (fullName && !input.firstName && !input.lastName) Object.assign(input, splitFullName(fullName));
    if (middle) input.firstName = [input.firstName, middle].filter(Boolean).join(' ');
    if (emails.length > 0 || others.length > 0) {
      const all = [...new Set([...emails, ...others])];
      input.email = all[0];
      if (isContact && all.length > 1) input.otherEmails = all.slice(1, 11);
    }
    if (phones.length > 0) {
      const mobiles = phones.filter((p) => p.isMobile).map((p) => p.value);
      const fixed = phones.filter((p) => !p.isMobile).map((p) => p.value);
      if (isContact) {
        const phone = fixed[0] ?? mobiles[1];
        const mobile = mobiles[0] ?? fixed[1];
        if (phone) input.phone = phone;
        if (mobile) input.mobile = mobile;
      } else input.phone = fixed[0] ?? mobiles[0];
    }
    return { input, issues };
  };

  const columnsFor = (path: string): string[] => {
    const top = path.split('.')[0];
    const exact = plan.filter((p) => p.field.path === path || p.field.path === top).map((p) => p.header);
    if (exact.length > 0) return exact;
    // Values that flowed into a field from another column: a second e-mail, a full name, a Google phone type.
    const related: Record<string, string[]> = {
      otherEmails: ['email'],
      email: ['otherEmails'],
      firstName: ['fullName', 'middleName'],
      lastName: ['fullName', 'firstName'],
      mobile: ['phone'],
      phone: ['mobile'],
      name: []
    };
    return plan.filter((p) => (related[top] ?? []).includes(p.field.path)).map((p) => p.header);
  };

  const labelOf = (path: string): string => {
    const top = path.split('.').slice(0, 2).join('.');
    return byPath.get(path)?.label ?? byPath.get(top)?.label ?? byPath.get(path.split('.')[0])?.label ?? (path || 'Record');
  };

  return { map, columnsFor, labelOf };
}

/** A field-level problem of a mapped row against the record schema. */
export type InputIssue = { path: string; message: string };

/**
 * Checks a mapped row against the record schema exactly as `createRecords` will (same identity and audit fields
 * filled in), so the preview shows the errors the import would report, cell by cell.
 */
export function validateInput(target: ImportTarget, input: Record<string, unknown>): InputIssue[] {
  const now = new Date().toISOString();
  const r = collections[target].schema.safeParse({ ...input, id: 'preview', v: 1, createdAt: now, createdBy: '', updatedAt: now, updatedBy: '', owner: 'preview' });
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** Whether a mapping can produce records at all: at least one column, and one that gives each record its name. */
export function mappingProblem(headers: readonly string[], mapping: ImportMapping): string | null {
  const mapped = headers.map((h) => mapping.columns[h]).filter((p): p is string => !!p && !!fieldOf(mapping.target, p));
  if (mapped.length === 0) return 'No column is mapped to a field: choose at least one column to import.';
  const has = (...paths: string[]) => paths.some((p) => mapped.includes(p));
  if (mapping.target === 'contact' && !has('fullName', 'firstName', 'lastName')) return 'Map a column to First name, Last name or Full name: every contact needs a name.';
  if (mapping.target === 'account' && !has('name')) return 'Map a column to Account name: every account needs a name.';
  if (mapping.target === 'lead' && !has('fullName', 'firstName', 'lastName', 'company')) return 'Map a column to a name or Company: every lead needs one of them.';
  return null;
}

// ---------------------------------------------------------------------------------------------------------------------
// Saved mappings

export const MAPPINGS_META_KEY = 'importMappings';
/** A mapping the person saved, offered again for a file with the same columns. */
export type SavedMapping = { name: string; headers: string[]; mapping: ImportMapping; savedAt: string };

const sameHeaders = (a: readonly string[], b: readonly string[]): boolean => {
  if (a.length !== b.length) return false;
  const set = new Set(a.map(headerKey));
  return b.every((h) => set.has(headerKey(h)));
};

export async function loadSavedMappings(db: FieldbookDb): Promise<SavedMapping[]> {
  return (await db.getMeta<SavedMapping[]>(MAPPINGS_META_KEY)) ?? [];
}

/** Saves (or replaces) the mapping for files with these headers and this target; the newest comes first. */
export async function saveMapping(db: FieldbookDb, name: string, headers: readonly string[], mapping: ImportMapping): Promise<SavedMapping[]> {
  const saved = await loadSavedMappings(db);
  const entry: SavedMapping = { name: name.trim() || 'Saved mapping', headers: [...headers], mapping: structuredClone(mapping), savedAt: new Date().toISOString() };
  const rest = saved.filter((s) => !(sameHeaders(s.headers, headers) && s.mapping.target === mapping.target) && s.name !== entry.name);
  const next = [entry, ...rest].slice(0, 50);
  await db.setMeta(MAPPINGS_META_KEY, next);
  return next;
}

/**
 * The saved mapping for a file with the same columns (in any order, spelled with any case or punctuation), newest
 * first, with its columns keyed by this file's headers.
 */
export function matchSavedMapping(saved: readonly SavedMapping[], headers: readonly string[]): SavedMapping | undefined {
  const found = saved.find((s) => sameHeaders(s.headers, headers));
  if (!found) return undefined;
  const byKey = new Map(Object.entries(found.mapping.columns).map(([h, path]) => [headerKey(h), path]));
  const columns = Object.fromEntries(headers.map((h) => [h, byKey.get(headerKey(h)) ?? '']));
  return { ...found, mapping: { ...found.mapping, columns } };
}
