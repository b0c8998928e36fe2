// The benches' contact file: Google-Contacts-shaped CSV of any length, the same bytes for the Node and the in-app import figures.
import Papa from 'papaparse';

/** A Google-Contacts-shaped CSV: quoted notes with line breaks, two e-mails in some cells, 2,000 companies. */
export function contactCsv(rows: number): Uint8Array {
  const first = ['Aarav', 'Sita', 'Ramesh', 'Gita', 'Bikash', 'Anita', 'Hari', 'Maya', 'Suman', 'Kiran', 'Jürgen', 'José', 'Priya', 'Tenzing', 'Laxmi'];
  const last = ['Shrestha', 'Sharma', 'Karki', 'Thapa', 'Rai', 'Gurung', 'Tamang', 'Adhikari', 'Müller', 'Gómez', 'Magar', 'Bhandari', 'Joshi'];
  const titles = ['Owner', 'Manager', 'Purchasing', 'Director', 'Accountant', ''];
  const data: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const f = first[i % first.length];
    const l = last[(i * 7) % last.length];
    const ascii = (s: string) => s.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
    const email = ascii(`${f}.${l}.${i}@example.com`);
    data.push([
      f,
      l,
      i % 10 === 0 ? `${email} ::: ${ascii(f)}${i}@example.net` : email,
      `+977 98${String(i).padStart(8, '0')}`,
      `Company ${i % 2000} Pvt. Ltd.`,
      titles[i % titles.length],
      ['Kathmandu', 'Pokhara', 'Lalitpur', 'Biratnagar'][i % 4],
      i % 5 === 0 ? `Met at the fair.\nCall back in ${(i % 12) + 1} weeks, "after lunch".` : '',
      i % 3 === 0 ? '1988-04-12' : ''
    ]);
  }
  const fields = ['First Name', 'Last Name', 'E-mail 1 - Value', 'Phone 1 - Value', 'Organization Name', 'Organization Title', 'Address 1 - City', 'Notes', 'Birthday'];
  return new TextEncoder().encode(`\uFEFF${Papa.unparse({ fields, data }, { newline: '\r\n' })}\r\n`);
}
