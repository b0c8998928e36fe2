// vCard: output an address book accepts (RFC 6350 lines, folding, escaping) and reading 2.1/3.0/4.0 cards back.
import { describe, expect, it } from 'vitest';
import { contactSchema, type Contact } from '../model/contact';
import { contactsToVCard, parseVCard, telUri } from './vcard';

let n = 0;
function contact(fields: Partial<Contact>): Contact {
  return contactSchema.parse({
    id: `0190f5a2-7c1e-7000-8000-00000000000${n++ % 10}`,
    v: 1,
    createdAt: '2026-10-01T09:00:00.000Z',
    updatedAt: '2026-11-23T18:20:00.000Z',
    ...fields
  }) as Contact;
}

const physicalLines = (text: string) => text.split('\r\n').slice(0, -1);
const octets = (s: string) => new TextEncoder().encode(s).byteLength;

describe('contactsToVCard', () => {
  const sita = contact({
    firstName: 'Sita',
    lastName: 'Rai',
    email: 'sita@example.com',
    otherEmails: ['sita.home@example.org', 'sita@old.example.net'],
    phone: '+977 1 4220000 ext 12',
    mobile: '+977 9800000000',
    title: 'Head, Purchasing; Retail',
    company: 'Himal Traders',
    accountId: 'acc-1',
    address: { street: 'Durbar Marg 1', city: 'Kathmandu', region: 'Bagmati', postalCode: '44600', country: 'Nepal' },
    birthday: '1990-04-15',
    tags: ['vip', 'a,b'],
    notes: 'Prefers calls after 10 am;\nback\\slash, comma'
  });

  it('writes a well-formed vCard 4.0: CRLF, required properties, one card per contact', () => {
    const text = contactsToVCard([sita, contact({ firstName: 'Hari' })]);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = physicalLines(text);
    expect(lines.filter((l) => l === 'BEGIN:VCARD')).toHaveLength(2);
    expect(lines.filter((l) => l === 'VERSION:4.0')).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('FN:'))).toHaveLength(2);
    expect(lines.filter((l) => l === 'END:VCARD')).toHaveLength(2);
    expect(lines[0]).toBe('BEGIN:VCARD');
    expect(lines[1]).toBe('VERSION:4.0');
  });

  it('writes names, multiple e-mails with PREF, tel: URIs, ORG from the account, dates in basic form', () => {
    const lines = physicalLines(contactsToVCard([sita], new Map([['acc-1', { name: 'Himal Traders Pvt. Ltd.' }]])));
    expect(lines).toContain('UID:urn:uuid:0190f5a2-7c1e-7000-8000-000000000000');
    expect(lines).toContain('FN:Sita Rai');
    expect(lines).toContain('N:Rai;Sita;;;');
    expect(lines).toContain('EMAIL;TYPE=work;PREF=1:sita@example.com');
    expect(lines).toContain('EMAIL:sita.home@example.org');
    expect(lines).toContain('TEL;VALUE=uri;TYPE="work,voice";PREF=1:tel:+977-1-4220000;ext=12');
    expect(lines).toContain('TEL;VALUE=uri;TYPE="cell,voice":tel:+977-9800000000');
    expect(lines).toContain('ORG:Himal Traders Pvt. Ltd.');
    expect(lines).toContain('ADR;TYPE=work:;;Durbar Marg 1;Kathmandu;Bagmati;44600;Nepal');
    expect(lines).toContain('BDAY:19900415');
    expect(lines).toContain('REV:20261123T182000Z');
  });

  it('escapes backslash, comma, semicolon and line breaks in text values', () => {
    const lines = physicalLines(contactsToVCard([sita]));
    expect(lines).toContain('TITLE:Head\\, Purchasing\\; Retail');
    expect(lines).toContain('CATEGORIES:vip,a\\,b');
    expect(lines).toContain('NOTE:Prefers calls after 10 am\\;\\nback\\\\slash\\, comma');
  });

  it('folds long lines at 75 octets without ever splitting a UTF-8 character', () => {
    const notes = 'नमस्ते 🙏 '.repeat(40) + 'end';
    const text = contactsToVCard([contact({ firstName: 'सीता', lastName: 'राई', notes })]);
    const lines = physicalLines(text);
    for (const l of lines) expect(octets(l)).toBeLessThanOrEqual(75);
    // Each physical line is valid UTF-8 on its own: no character was cut in half.
    const bytes = new TextEncoder().encode(text);
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) {
        expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, i))).not.toThrow();
        start = i + 2;
      }
    }
    expect(lines.filter((l) => l.startsWith(' ')).length).toBeGreaterThan(5);
    expect(parseVCard(text)[0].contact.notes).toBe(notes);
  });

  it('turns phone numbers into tel: URIs', () => {
    expect(telUri('+977 1 4220000')).toBe('tel:+977-1-4220000');
    expect(telUri('(01) 422/0000 x 7')).toBe('tel:(01)-422-0000;ext=7');
    expect(telUri('+1.555.0100')).toBe('tel:+1.555.0100');
  });
});

describe('parseVCard', () => {
  it('reads back what contactsToVCard wrote', () => {
    const original = [
      contact({
        firstName: 'Sita',
        lastName: 'Rai',
        email: 'sita@example.com',
        otherEmails: ['sita.home@example.org'],
        phone: '+977 1 4220000',
        mobile: '+977 9800000000',
        title: 'Head, Purchasing',
        company: 'Himal; Traders',
        address: { street: 'Durbar Marg 1', city: 'Kathmandu', region: '', postalCode: '44600', country: 'Nepal' },
        birthday: '1990-04-15',
        tags: ['vip'],
        notes: 'Line one\nLine two, with comma'
      }),
      contact({ firstName: 'Hari', lastName: '' })
    ];
    const [sita, hari] = parseVCard(contactsToVCard(original));
    expect(sita.version).toBe('4.0');
    expect(sita.uid).toBe(original[0].id);
    expect(sita.contact).toMatchObject({
      firstName: 'Sita',
      lastName: 'Rai',
      email: 'sita@example.com',
      otherEmails: ['sita.home@example.org'],
      title: 'Head, Purchasing',
      company: 'Himal; Traders',
      address: original[0].address,
      birthday: '1990-04-15',
      tags: ['vip'],
      notes: 'Line one\nLine two, with comma'
    });
    const digits = (s?: string) => s?.replace(/\D/g, '');
    expect(digits(sita.contact.phone)).toBe(digits(original[0].phone));
    expect(digits(sita.contact.mobile)).toBe(digits(original[0].mobile));
    // What came back passes the contact schema as an import would check it.
    expect(contactSchema.safeParse({ ...sita.contact, id: 'x', v: 1, createdAt: original[0].createdAt, updatedAt: original[0].updatedAt }).success).toBe(true);
    expect(hari.contact).toMatchObject({ firstName: 'Hari', lastName: '' });
  });

  it('reads vCard 3.0: LF endings, tab folding, TYPE=pref, quoted-printable in a charset, grouped properties', () => {
    const text = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Jürgen Müller',
      'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;',
      'EMAIL;TYPE=INTERNET,HOME:juergen@home.example',
      'EMAIL;TYPE=INTERNET,WORK,PREF:juergen@work.example',
      'item1.TEL;TYPE=CELL:+49 170 1234567',
      'TEL;TYPE=WORK,VOICE:+49 30 123456',
      'ORG:Müller GmbH;Vertrieb',
      'NOTE;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Gr=FC=DFe aus =',
      'Berlin=0D=0Aund Hamburg',
      'NOTE:Second note that is long enough to be folded by the writer of',
      '\tthis card',
      'BDAY:1980-02-29',
      'CATEGORIES:Kunden,Berlin',
      'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ==',
      'UID:abc-123',
      'END:VCARD',
      ''
    ].join('\n');
    const [card] = parseVCard(text);
    expect(card.version).toBe('3.0');
    expect(card.uid).toBe('abc-123');
    expect(card.contact).toMatchObject({
      firstName: 'Jürgen',
      lastName: 'Müller',
      email: 'juergen@work.example',
      otherEmails: ['juergen@home.example'],
      mobile: '+49 170 1234567',
      phone: '+49 30 123456',
      company: 'Müller GmbH',
      birthday: '1980-02-29',
      tags: ['Kunden', 'Berlin']
    });
    expect(card.contact.notes).toBe('Grüße aus Berlin\r\nund Hamburg\n\nSecond note that is long enough to be folded by the writer ofthis card');
  });

  it('reads vCard 2.1 bare parameters and an FN-only card, and reports what has no place', () => {
    const text = [
      'BEGIN:VCARD',
      'VERSION:2.1',
      'FN:Asha Devi Gurung',
      'TEL;CELL:9800000001',
      'TEL;HOME:014000000',
      'TEL;WORK:014000001',
      'TEL;FAX:014000002',
      'BDAY:--0415',
      'END:VCARD'
    ].join('\r\n');
    const [card] = parseVCard(text);
    expect(card.contact).toMatchObject({ firstName: 'Asha Devi', lastName: 'Gurung', mobile: '9800000001', phone: '014000000' });
    expect(card.warnings).toEqual(expect.arrayContaining(['phone number 014000001 was left out', 'birthday "--0415" has no full date']));
  });

  it('ignores text outside cards and reads several cards', () => {
    const text = 'garbage\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:A B\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:C D\r\nEND:VCARD\r\n';
    expect(parseVCard(text).map((c) => [c.contact.firstName, c.contact.lastName])).toEqual([
      ['A', 'B'],
      ['C', 'D']
    ]);
  });
});
