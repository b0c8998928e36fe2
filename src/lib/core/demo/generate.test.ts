// The demo generator is deterministic batch by batch, counts what it promises, and makes valid, connected records.
import { beforeAll, describe, expect, test } from 'vitest';
import { idSchema } from '../model/base';
import { collections, type CollectionName } from '../model/registry';
import { docIdFor } from '../sync/doc-layout';
import { demoBatch, demoBatchCount, demoBatchRange, demoBatches, demoTotals, generateDemo, loadOrder, type DemoScale } from './generate';
import { forgetWorlds, referenceMs } from './world';

type Rec = Record<string, unknown> & { id: string; createdAt: string };

function collect(scale: DemoScale, seed: number): Map<CollectionName, Rec[]> {
  const out = new Map<CollectionName, Rec[]>();
  for (const b of demoBatches(scale, seed)) {
    const list = out.get(b.collection) ?? [];
    list.push(...(b.records as Rec[]));
    out.set(b.collection, list);
  }
  return out;
}

let small: Map<CollectionName, Rec[]>;
beforeAll(() => {
  small = collect('small', 1);
});

const ids = (c: CollectionName) => new Set((small.get(c) ?? []).map((r) => r.id));

describe('plan and totals', () => {
  test('the batches hold exactly the counts demoTotals promises', () => {
    const totals = demoTotals('small');
    let sum = 0;
    for (const c of loadOrder) {
      expect(small.get(c)?.length ?? 0, c).toBe(totals[c]);
      sum += totals[c];
    }
    expect(totals.total).toBe(sum);
  });

  test('the field scale has the promised sizes, and its batches cover every record once', () => {
    const t = demoTotals('field');
    expect(t).toMatchObject({ contact: 50_000, account: 10_000, opportunity: 20_000, interaction: 500_000, ticket: 5_000, task: 2_000, user: 12 });
    const covered: Partial<Record<CollectionName, number>> = {};
    const count = demoBatchCount('field');
    for (let i = 0; i < count; i++) {
      const { collection, from, to } = demoBatchRange('field', i);
      expect(from).toBe(covered[collection] ?? 0);
      expect(to - from).toBeLessThanOrEqual(2_500);
      covered[collection] = to;
    }
    for (const c of loadOrder) expect(covered[c] ?? 0, c).toBe(t[c]);
    expect(() => demoBatchRange('field', count)).toThrow(RangeError);
  });

  test('generateDemo is a lazy view of the same batches', () => {
    const plan = generateDemo('small', 1);
    expect(plan.totals).toEqual(demoTotals('small'));
    expect(plan.batchCount).toBe(demoBatchCount('small'));
    const third = plan.batches(2).next().value;
    expect(third).toEqual(plan.batch(2));
  });
});

describe('determinism', () => {
  test('the same seed gives the same records; another seed another workspace', () => {
    forgetWorlds();
    const again = collect('small', 1);
    for (const c of loadOrder) expect(again.get(c), c).toEqual(small.get(c));
    const other = demoBatch('small', 2, demoBatchCount('small') - 1).records;
    expect(other).not.toEqual(demoBatch('small', 1, demoBatchCount('small') - 1).records);
  });

  test('any batch can be rebuilt on its own, without making the batches before it', () => {
    const count = demoBatchCount('small');
    const byIndex = [...demoBatches('small', 1)];
    for (const i of [0, 5, Math.floor(count / 2), count - 1]) {
      forgetWorlds();
      expect(demoBatch('small', 1, i)).toEqual(byIndex[i]);
    }
  });
});

describe('records', () => {
  test('every record passes its schema and nothing is dated after the reference day', () => {
    for (const [c, records] of small) {
      const schema = collections[c].schema;
      for (const r of records) {
        const parsed = schema.safeParse({ v: 1, updatedAt: r.createdAt, ...r });
        if (!parsed.success) throw new Error(`${c} ${r.id}: ${JSON.stringify(parsed.error.issues)}`);
        expect(Date.parse(r.createdAt)).toBeLessThanOrEqual(referenceMs);
      }
    }
    for (const o of small.get('order')!) expect(Date.parse(o.orderedAt as string)).toBeLessThanOrEqual(referenceMs);
    for (const i of small.get('interaction')!) expect(Date.parse(i.at as string)).toBeLessThanOrEqual(referenceMs);
  });

  test('ids are valid, unique across the workspace, and shaped like UUIDv7', () => {
    const seen = new Set<string>();
    for (const [c, records] of small) {
      for (const r of records) {
        expect(idSchema.safeParse(r.id).success).toBe(true);
        if (c !== 'stage') expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(seen.has(r.id), `${c} ${r.id} repeats`).toBe(false);
        seen.add(r.id);
      }
    }
    expect(seen.size).toBe(demoTotals('small').total);
  });

  test('a field-scale batch of bucketed records touches at most a few bucket docs', () => {
    const first = Array.from({ length: demoBatchCount('field') }, (_, i) => i).find((i) => demoBatchRange('field', i).collection === 'contact')!;
    for (const i of [first, first + 7]) {
      const b = demoBatch('field', 1, i);
      expect(b.collection).toBe('contact');
      const docs = new Set(b.records.map((r) => docIdFor(collections.contact, r as never)));
      expect(docs.size).toBeLessThanOrEqual(3);
    }
  });

  test('references point at records that exist', () => {
    const accounts = ids('account');
    const contacts = ids('contact');
    const products = ids('product');
    const users = ids('user');
    const orders = ids('order');
    const opportunities = ids('opportunity');
    const campaigns = ids('campaign');
    const stages = ids('stage');
    const partners = ids('partner');
    const ref = (set: Set<string>, id: unknown) => id === '' || set.has(id as string);
    for (const records of small.values()) for (const r of records) expect(users.has(r.owner as string), `owner of ${r.id}`).toBe(true);
    for (const c of small.get('contact')!) expect(ref(accounts, c.accountId)).toBe(true);
    for (const o of small.get('opportunity')!) {
      expect(stages.has(o.stage as string)).toBe(true);
      expect(accounts.has(o.accountId as string)).toBe(true);
      expect(ref(contacts, o.contactId) && ref(partners, o.partnerId)).toBe(true);
    }
    for (const o of small.get('order')!) {
      expect(contacts.has(o.contactId as string) && ref(accounts, o.accountId)).toBe(true);
      for (const l of o.lines as { productId: string }[]) expect(products.has(l.productId)).toBe(true);
    }
    for (const t of small.get('ticket')!) expect(orders.has(t.orderId as string) && products.has(t.productId as string) && contacts.has(t.contactId as string)).toBe(true);
    for (const t of small.get('task')!) {
      const rel = String(t.relatedTo);
      if (rel) expect(opportunities.has(rel.replace('opportunity:', ''))).toBe(true);
      expect(ref(contacts, t.contactId) && ref(accounts, t.accountId)).toBe(true);
    }
    for (const i of small.get('interaction')!) {
      expect(contacts.has(i.contactId as string) && ref(accounts, i.accountId)).toBe(true);
      expect(ref(campaigns, i.campaignId) && ref(opportunities, i.opportunityId)).toBe(true);
    }
    for (const p of small.get('partner')!) expect(accounts.has(p.accountId as string)).toBe(true);
  });

  test('contacts carry their company name and reachable details', () => {
    const accountName = new Map(small.get('account')!.map((a) => [a.id, a.name]));
    const emails = new Set<string>();
    for (const c of small.get('contact')!) {
      if (c.accountId) expect(c.company).toBe(accountName.get(c.accountId as string));
      expect(String(c.phone)).toMatch(/^\+977 /);
      if (c.email) {
        expect(emails.has(c.email as string), `${c.email} repeats`).toBe(false);
        emails.add(c.email as string);
      }
    }
    // A few deliberate duplicates (same person, same phone) for duplicate detection to find.
    const phones = new Map<string, number>();
    for (const c of small.get('contact')!) phones.set(c.phone as string, (phones.get(c.phone as string) ?? 0) + 1);
    const repeated = [...phones.values()].filter((n) => n > 1).length;
    expect(repeated).toBeGreaterThan(0);
    expect(repeated).toBeLessThan(20);
  });
});
