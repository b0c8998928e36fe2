// The record model: every type validates with messages that name the field and rule; migrations run on old shapes.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { collections, collectionNames, defineCollection, baseShape, words, pairTerms, searchTerms, PAIR_MARK, type Collection } from './index';
import { docIdFor, fnv1a, bucketDocIds } from '../sync/doc-layout';
import { toRow } from '../sync/record-map';
import { project } from '../sync/registers';
import { formatStamp } from '../sync/hlc';
import { storeSpec } from '../storage/db';

const meta = { id: 'x1', v: 1, createdAt: '2026-11-01T10:00:00.000Z', updatedAt: '2026-11-01T10:00:00.000Z' };

describe('record schemas', () => {
  it('every collection has a table, indexes, a shard and a version', () => {
    const spec = storeSpec();
    for (const name of collectionNames) {
      const c = collections[name];
      expect(c.name).toBe(name);
      // Every table is searchable and keeps the sparse conflict index; list tables also sort by name (storage/db.ts).
      expect(spec[c.table]).toMatch(/^id, _conflict, \*_terms/);
      if (c.shard.kind === 'bucket') expect(spec[c.table]).toContain('[_del+_sort]');
      for (const index of c.indexes) expect(spec[c.table].split(', ')).toContain(index);
      expect(c.version).toBeGreaterThanOrEqual(1);
      for (const key of Object.keys(baseShape)) expect(Object.keys(c.schema.shape)).toContain(key);
    }
  });

  const invalid: [keyof typeof collections, Record<string, unknown>, string, RegExp][] = [
    ['contact', { firstName: '', lastName: '' }, 'lastName', /first or last name is required/],
    ['contact', { firstName: 'A', email: 'nope' }, 'email', /must be an email address/],
    ['contact', { firstName: 'A', phone: 'call me' }, 'phone', /may contain only digits/],
    ['account', { name: '   ' }, 'name', /is required/],
    ['opportunity', { name: 'D', amount: { amount: 10, currency: 'rupees' }, closeDate: '2026-01-01' }, 'amount.currency', /3-letter currency code/],
    ['opportunity', { name: 'D', amount: { amount: 10, currency: 'NPR' }, closeDate: '01/02/2026' }, 'closeDate', /must be a date/],
    ['opportunity', { name: 'D', amount: { amount: 10, currency: 'NPR' }, closeDate: '2026-01-01', probability: 120 }, 'probability', /0–100/],
    ['interaction', { channel: 'fax', at: '2026-01-01T00:00:00Z' }, 'channel', /must be one of email, phone/],
    ['ticket', { subject: 'Broken', priority: 'asap' }, 'priority', /must be one of low, normal, high, urgent/],
    ['quote', { number: 'Q1', currency: 'NPR', lines: [{ id: 'l', position: 'a0', description: 'X', quantity: 0, unitPrice: 1 }] }, 'lines.0.quantity', /more than 0/]
  ];
  for (const [name, input, path, message] of invalid) {
    it(`${name}: ${path} ${message.source}`, () => {
      const r = collections[name].schema.safeParse({ ...meta, ...input });
      expect(r.success).toBe(false);
      const issue = r.error!.issues.find((i) => i.path.join('.') === path);
      expect(issue?.message).toMatch(message);
    });
  }

  it('fills defaults so a stored record needs only what differs from them', () => {
    const r = collections.contact.schema.parse({ ...meta, firstName: 'Asha' });
    expect(r).toMatchObject({ email: '', tags: [], deletedAt: null, consent: { email: false }, address: { city: '' } });
  });

  it('search words are lower-case and keep whole e-mail addresses', () => {
    expect(words('Asha GURUNG', 'Asha.G@Example.com')).toEqual(['asha', 'gurung', 'asha.g@example.com', 'g', 'example', 'com']);
  });
});

describe('migrations', () => {
  it('upgrade an old stored shape on projection, one version at a time', () => {
    // A v3 schema where v1 kept one "name" field and v2 renamed "tel" to "phone".
    const people = defineCollection({
      name: 'person',
      table: 'people',
      label: 'Person',
      labelPlural: 'People',
      schema: z.object({ ...baseShape, firstName: z.string(), lastName: z.string(), phone: z.string().default('') }),
      version: 3,
      migrations: {
        1: (r) => {
          const [firstName, ...rest] = String(r.name ?? '').split(' ');
          const { name: _drop, ...others } = r;
          return { ...others, firstName, lastName: rest.join(' ') };
        },
        2: (r) => {
          const { tel, ...others } = r;
          return { ...others, phone: tel ?? '' };
        }
      },
      shard: { kind: 'bucket', buckets: 1 },
      indexes: [],
      terms: (p) => words(p.firstName, p.lastName),
      title: (p) => `${p.firstName} ${p.lastName}`
    });
    const at = formatStamp(Date.UTC(2026, 0, 1), 0, 1);
    const reg = (path: string, value: unknown) => ({ path, device: '1', reg: [value, at, '', 'u'] as [unknown, string, string, string] });
    const p = project([reg('v', 1), reg('createdAt', '2026-01-01T00:00:00.000Z'), reg('name', 'Maya Devi Shrestha'), reg('tel', '+977 1')]);
    const row = toRow(people, 'person/b0', 'p1', p);
    expect(row.ok && row.row).toMatchObject({ v: 3, firstName: 'Maya', lastName: 'Devi Shrestha', phone: '+977 1' });
  });
});

describe('doc layout', () => {
  it('places a record by a stable hash of its id, and history by month', () => {
    expect(fnv1a('hello')).toBe(0x4f9f2cab);
    expect(docIdFor(collections.contact, { id: 'abc' })).toBe(`contact/b${fnv1a('abc') % 32}`);
    expect(docIdFor(collections.interaction, { id: 'i', at: '2026-11-23T10:00:00Z' })).toBe('interaction/2026-11');
    expect(() => docIdFor(collections.order, { id: 'o' })).toThrow(/orderedAt is needed/);
    expect(bucketDocIds(collections.contact)).toHaveLength(32);
  });
});

/** The search terms a read-model row of this type gets for these fields. */
const toRowTerms = (name: 'contact' | 'task', fields: Record<string, unknown>): string[] => {
  const c = collections[name] as unknown as Collection;
  return searchTerms(c, c.schema.parse({ id: 'x', v: 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...fields }));
};

describe('pair terms', () => {
  it('pairs the first three words of a title both ways, the first cut to two letters, and never start a word a person types', () => {
    const m = PAIR_MARK;
    expect(pairTerms('Ram Bahadur Thapa').sort()).toEqual([`${m}ba${m}ram`, `${m}ba${m}thapa`, `${m}ra${m}bahadur`, `${m}ra${m}thapa`, `${m}th${m}bahadur`, `${m}th${m}ram`].sort());
    // A fourth word is not paired; an initial cannot start a pair (a two-word search needs two letters); an address is no name.
    expect(pairTerms('A Rai Thapa Gurung').sort()).toEqual([`${m}ra${m}a`, `${m}ra${m}thapa`, `${m}th${m}a`, `${m}th${m}rai`].sort());
    expect(pairTerms('sita@example.com')).toEqual([]);
    for (const t of pairTerms('Puja Thapa')) expect(words(t).join(' ')).not.toBe(t);
    // Only the types people look up by name carry them.
    expect(toRowTerms('contact', { firstName: 'Puja', lastName: 'Thapa' })).toContain(`${m}pu${m}thapa`);
    expect(toRowTerms('task', { title: 'Call Puja Thapa' }).some((t) => t.startsWith(m))).toBe(false);
  });
});
