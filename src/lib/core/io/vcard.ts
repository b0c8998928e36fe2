// vCard: contacts out as vCard 4.0 (RFC 6350), and vCard 2.1/3.0/4.0 in as contact inputs.
import type { RecordInput } from '../commands/records';
import { fullName, type Contact } from '../model/contact';
import { basicUtc, escapeText, splitUnescaped, toContentLines, unescapeText, unfoldLines } from './content-lines';

export const VCARD_MIME = 'text/vcard;charset=utf-8';

type ContactLike = Pick<
  Contact,
  'id' | 'firstName' | 'lastName' | 'email' | 'otherEmails' | 'phone' | 'mobile' | 'title' | 'accountId' | 'company' | 'address' | 'birthday' | 'tags' | 'notes' | 'updatedAt'
>;

const isUuid = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/**
 * A phone number as a `tel:` URI (RFC 3966): visual separators become '-', an extension becomes `;ext=`. Numbers
 * without a leading '+' are local; RFC 3966 wants a phone-context for those, which Fieldbook does not know, and
 * address books accept them without one.
 */
export function telUri(phone: string): string {
  const ext = /\s*(?:ext|x)\.?\s*(\d+)\s*$/i.exec(phone);
  const main = (ext ? phone.slice(0, ext.index) : phone)
    .trim()
    .replace(/[\s/]+/g, '-')
    .replace(/[^+\d().-]/g, '')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
  return `tel:${main}${ext ? `;ext=${ext[1]}` : ''}`;
}

/** One card, as logical lines (folded when joined). */
function cardLines(c: ContactLike, accountsById?: ReadonlyMap<string, { name: string }>): string[] {
  const lines = ['BEGIN:VCARD', 'VERSION:4.0'];
  lines.push(isUuid(c.id) ? `UID:urn:uuid:${c.id.toLowerCase()}` : `UID;VALUE=text:${escapeText(c.id)}`);
  lines.push(`FN:${escapeText(fullName(c) || c.email || c.id)}`);
  lines.push(`N:${[c.lastName, c.firstName, '', '', ''].map(escapeText).join(';')}`);
  if (c.email) lines.push(`EMAIL;TYPE=work;PREF=1:${escapeText(c.email)}`);
  for (const other of c.otherEmails ?? []) if (other && other !== c.email) lines.push(`EMAIL:${escapeText(other)}`);
  let pref = ';PREF=1';
  if (c.phone) {
    lines.push(`TEL;VALUE=uri;TYPE="work,voice"${pref}:${telUri(c.phone)}`);
    pref = '';
  }
  if (c.mobile) lines.push(`TEL;VALUE=uri;TYPE="cell,voice"${pref}:${telUri(c.mobile)}`);
  const org = (c.accountId && accountsById?.get(c.accountId)?.name) || c.company;
  if (org) lines.push(`ORG:${escapeText(org)}`);
  if (c.title) lines.push(`TITLE:${escapeText(c.title)}`);
  const a = c.address;
  if (a && (a.street || a.city || a.region || a.postalCode || a.country)) {
    lines.push(`ADR;TYPE=work:${['', '', a.street, a.city, a.region, a.postalCode, a.country].map(escapeText).join(';')}`);
  }
  // RFC 6350 §4.3.1: dates in the basic ISO 8601 form.
  if (c.birthday) lines.push(`BDAY:${c.birthday.replace(/-/g, '')}`);
  if (c.tags?.length) lines.push(`CATEGORIES:${c.tags.map(escapeText).join(',')}`);
  if (c.notes) lines.push(`NOTE:${escapeText(c.notes)}`);
  if (c.updatedAt) lines.push(`REV:${basicUtc(c.updatedAt)}`);
  lines.push('END:VCARD');
  return lines;
}

/**
 * Contacts as one vCard 4.0 file (RFC 6350): CRLF line ends, lines folded at 75 octets without splitting a UTF-8
 * character, TEXT values escaped. `accountsById` gives ORG the current account name (a contact's `company` is a copy).
 */
export function contactsToVCard(contacts: readonly ContactLike[], accountsById?: ReadonlyMap<string, { name: string }>): string {
  return contacts.map((c) => toContentLines(cardLines(c, accountsById))).join('');
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading

export type ContactInput = RecordInput<'contact'>;
export type ParsedVCard = {
  /** The card's UID without a `urn:uuid:` prefix ('' when it has none): lets an import spot a card it has seen. */
  uid: string;
  version: string;
  contact: ContactInput;
  /** What the card held that a contact has no place for (a third phone number…), for the import summary. */
  warnings: string[];
};

type Property = { name: string; params: Map<string, string[]>; value: string };

/** RFC 6868 caret escapes in parameter values. */
const uncaret = (v: string): string => v.replace(/\^(\^|n|')/g, (_, c: string) => (c === 'n' ? '\n' : c === "'" ? '"' : '^'));

/** Splits `group.NAME;param=a,"b";BARE:value`; bare parameters (vCard 2.1 `TEL;CELL:`) count as TYPE values. */
function parseProperty(line: string): Property | null {
  let i = 0;
  const nameEnd = line.search(/[;:]/);
  if (nameEnd <= 0) return null;
  const fullNameText = line.slice(0, nameEnd);
  const name = fullNameText.slice(fullNameText.lastIndexOf('.') + 1).toUpperCase();
  const params = new Map<string, string[]>();
  i = nameEnd;
  const add = (key: string, value: string) => {
    const list = params.get(key) ?? [];
    list.push(value);
    params.set(key, list);
  };
  while (line[i] === ';') {
    i++;
    let key = '';
    while (i < line.length && line[i] !== '=' && line[i] !== ';' && line[i] !== ':') key += line[i++];
    key = key.trim().toUpperCase();
    if (line[i] !== '=') {
      if (key) add('TYPE', key);
      continue;
    }
    i++;
    for (;;) {
      let v = '';
      if (line[i] === '"') {
        i++;
        while (i < line.length && line[i] !== '"') v += line[i++];
        i++;
      } else {
        while (i < line.length && line[i] !== ',' && line[i] !== ';' && line[i] !== ':') v += line[i++];
      }
      add(key, uncaret(v));
      if (line[i] === ',') i++;
      else break;
    }
  }
  if (line[i] !== ':') return null;
  return { name, params, value: line.slice(i + 1) };
}

const paramList = (p: Property, key: string): string[] => (p.params.get(key) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase());

function isQuotedPrintable(line: string): boolean {
  const head = line.slice(0, line.indexOf(':') + 1 || line.length);
  return /;(ENCODING=)?QUOTED-PRINTABLE[;:]/i.test(head);
}

/** Quoted-printable (RFC 2045 §6.7) in the given charset; vCard 2.1/3.0 writers use it for non-ASCII text. */
function decodeQuotedPrintable(value: string, charset: string): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < value.length; i++) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === '=' && /^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...enc.encode(value[i]));
    }
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset || 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(new Uint8Array(bytes));
}

/** `19900415`, `1990-04-15`, `1990-04-15T00:00:00Z` → `1990-04-15`; a date without a year (`--0415`) has no place. */
function parseDate(value: string): string | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$/.exec(value.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** `tel:+977-1-4220000;ext=5` → `+977-1-4220000 ext 5`; plain text stays as written. */
function phoneOf(value: string): string {
  if (!/^tel:/i.test(value)) return value.trim();
  const [number, ...params] = value.slice(4).split(';');
  const ext = params.find((p) => p.toLowerCase().startsWith('ext='));
  return `${decodeURIComponent(number)}${ext ? ` ext ${ext.slice(4)}` : ''}`;
}

/** Lower PREF first (RFC 6350 §5.3: 1 is most preferred); vCard 3.0 marks the preferred one TYPE=pref. */
function preference(p: Property): number {
  const pref = Number(p.params.get('PREF')?.[0]);
  if (Number.isInteger(pref) && pref >= 1) return pref;
  return paramList(p, 'TYPE').includes('pref') ? 1 : 101;
}

function cardToContact(props: Property[]): ParsedVCard {
  const warnings: string[] = [];
  const contact: ContactInput = {};
  const text = (p: Property) => unescapeText(p.value);
  const first = (name: string) => props.find((p) => p.name === name);
  const all = (name: string) => props.filter((p) => p.name === name).sort((a, b) => preference(a) - preference(b));

  const n = first('N');
  if (n) {
    const [family = '', given = '', additional = ''] = splitUnescaped(n.value, ';').map((part) => splitUnescaped(part, ',').map(unescapeText).join(' ').trim());
    contact.firstName = [given, additional].filter(Boolean).join(' ');
    contact.lastName = family;
  }
  const fn = first('FN');
  if (fn && !contact.firstName && !contact.lastName) {
    const words = text(fn).trim().split(/\s+/);
    contact.lastName = words.length > 1 ? words.pop()! : '';
    contact.firstName = words.join(' ');
  }
  const emails = all('EMAIL').map((p) => text(p).trim()).filter(Boolean);
  if (emails.length > 0) {
    contact.email = emails[0];
    contact.otherEmails = [...new Set(emails.slice(1))].filter((e) => e !== emails[0]).slice(0, 10);
    if (emails.length > 11) warnings.push(`${emails.length - 11} more e-mail addresses were left out`);
  }
  for (const tel of all('TEL')) {
    const types = paramList(tel, 'TYPE');
    const number = phoneOf(tel.value);
    if (!number) continue;
    const isMobile = types.includes('cell') || types.includes('mobile') || types.includes('iphone');
    if (isMobile && !contact.mobile) contact.mobile = number;
    else if (!isMobile && !contact.phone) contact.phone = number;
    else if (!contact.mobile) contact.mobile = number;
    else if (!contact.phone) contact.phone = number;
    else warnings.push(`phone number ${number} was left out`);
  }
  const org = first('ORG');
  if (org) contact.company = unescapeText(splitUnescaped(org.value, ';')[0] ?? '').trim();
  const title = first('TITLE');
  if (title) contact.title = text(title).trim();
  const adr = all('ADR')[0];
  if (adr) {
    const [pobox = '', extended = '', street = '', city = '', region = '', postalCode = '', country = ''] = splitUnescaped(adr.value, ';').map((part) =>
      splitUnescaped(part, ',').map(unescapeText).join(', ').trim()
    );
    contact.address = { street: [pobox, extended, street].filter(Boolean).join(', '), city, region, postalCode, country };
  }
  const bday = first('BDAY');
  if (bday) {
    const date = parseDate(bday.value);
    if (date) contact.birthday = date;
    else warnings.push(`birthday "${bday.value}" has no full date`);
  }
  const notes = props.filter((p) => p.name === 'NOTE').map(text).filter(Boolean);
  if (notes.length > 0) contact.notes = notes.join('\n\n');
  const tags = props.filter((p) => p.name === 'CATEGORIES').flatMap((p) => splitUnescaped(p.value, ',').map(unescapeText).map((t) => t.trim()));
  if (tags.length > 0) contact.tags = [...new Set(tags.filter(Boolean))];
  const uid = first('UID');
  return {
    uid: uid ? text(uid).trim().replace(/^urn:uuid:/i, '') : '',
    version: first('VERSION')?.value.trim() ?? '',
    contact,
    warnings
  };
}

/**
 * Reads every card of a vCard file (2.1, 3.0 or 4.0): unfolds lines, decodes quoted-printable text in its charset,
 * unescapes values, and maps what a contact can hold. Values are not validated here: the import checks each with
 * the contact schema and shows what it refused.
 */
export function parseVCard(text: string): ParsedVCard[] {
  const lines = unfoldLines(text);
  const cards: ParsedVCard[] = [];
  let props: Property[] | null = null;
  let depth = 0;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    // Quoted-printable soft line breaks: a line ending in '=' continues on the next (without a leading space).
    if (isQuotedPrintable(line)) while (line.endsWith('=') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i];
    const p = parseProperty(line);
    if (!p) continue;
    if (p.name === 'BEGIN' && p.value.trim().toUpperCase() === 'VCARD') {
      depth++;
      if (depth === 1) props = [];
      continue;
    }
    if (p.name === 'END' && p.value.trim().toUpperCase() === 'VCARD') {
      depth--;
      if (depth === 0 && props) {
        cards.push(cardToContact(props));
        props = null;
      }
      continue;
    }
    if (!props || depth !== 1) continue;
    const encoding = (p.params.get('ENCODING')?.[0] ?? '').toUpperCase();
    const types = paramList(p, 'TYPE');
    if (encoding === 'QUOTED-PRINTABLE' || types.includes('quoted-printable')) {
      p.value = decodeQuotedPrintable(p.value, p.params.get('CHARSET')?.[0] ?? 'utf-8');
    } else if (encoding === 'B' || encoding === 'BASE64') {
      continue; // photos, logos, keys: nothing a contact holds
    }
    props.push(p);
  }
  return cards;
}
