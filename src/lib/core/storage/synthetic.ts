// Synthetic read-model rows for tests and benchmarks that exercise queries at scale without writing through Yjs.
import { searchTerms } from '../model/base';
import { contacts as contactCollection } from '../model/contact';

/**
 * Read-model rows of `n` synthetic contacts, to write straight into the table: queries only read it, and writing
 * 50,000 through Yjs would dominate a test. Names repeat in patterns (12 first names × 97 suffixes, 10 surnames,
 * 500 companies), so prefixes range from very common to unique.
 */
export function syntheticContacts(n: number): Record<string, unknown>[] {
  const first = ['asha', 'bikash', 'chandra', 'dipak', 'gita', 'hari', 'indra', 'jamuna', 'kamal', 'laxmi', 'maya', 'nabin'];
  const last = ['rai', 'thapa', 'gurung', 'shrestha', 'tamang', 'karki', 'magar', 'limbu', 'sherpa', 'adhikari'];
  const template = contactCollection.schema.parse({ id: 'x', v: 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', firstName: 'x' });
  return Array.from({ length: n }, (_, i) => {
    const record = {
      ...template,
      id: `c${String(i).padStart(6, '0')}`,
      firstName: `${first[i % first.length]}${i % 97}`,
      lastName: last[(i * 7) % last.length],
      email: `p${i}@example.com`,
      company: `Company ${i % 500}`
    };
    return { ...record, _doc: 'contact/0', _del: 0, _terms: searchTerms(contactCollection, record), _sort: contactCollection.title(record).toLowerCase() };
  });
}
