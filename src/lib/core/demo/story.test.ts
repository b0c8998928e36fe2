// The demo tells the story analytics must find: festival peaks, phone-then-accessories baskets, social customers, a faulty phone, churn.
import { beforeAll, describe, expect, test } from 'vitest';
import type { CollectionName } from '../model/registry';
import { demoBatch, demoBatchCount, demoBatchRange, demoBatches, type DemoScale } from './generate';
import { DAY_MS, referenceMs } from './world';

type Line = { productId: string; category: string; description: string; quantity: number; unitPrice: number; discountPct: number };
type Order = { id: string; contactId: string; orderedAt: string; status: string; lines: Line[] };
type Rec = Record<string, unknown> & { id: string; createdAt: string };

function collect(scale: DemoScale, only?: CollectionName[]): Map<CollectionName, Rec[]> {
  const out = new Map<CollectionName, Rec[]>();
  const count = demoBatchCount(scale);
  for (let i = 0; i < count; i++) {
    if (only && !only.includes(demoBatchRange(scale, i).collection)) continue;
    const b = demoBatch(scale, 1, i);
    const list = out.get(b.collection) ?? [];
    list.push(...(b.records as Rec[]));
    out.set(b.collection, list);
  }
  return out;
}

const revenue = (o: Order) => o.lines.reduce((s, l) => s + l.quantity * l.unitPrice * (1 - l.discountPct / 100), 0);

function festivalRatio(orders: Order[]): number {
  const byMonth = new Map<string, number>();
  for (const o of orders) byMonth.set(o.orderedAt.slice(0, 7), (byMonth.get(o.orderedAt.slice(0, 7)) ?? 0) + revenue(o));
  const mean = (keys: string[]) => keys.reduce((s, k) => s + (byMonth.get(k) ?? 0), 0) / keys.length;
  const offSeason = ['2025', '2026'].flatMap((y) => ['01', '02', '03', '05', '06', '07', '08'].map((m) => `${y}-${m}`));
  return mean(['2025-10', '2026-10']) / mean(offSeason);
}

function basketLift(orders: Order[], from: string, to: string): { conditional: number; base: number } {
  let withTo = 0;
  let withFrom = 0;
  let both = 0;
  for (const o of orders) {
    const cats = new Set(o.lines.map((l) => l.category));
    if (cats.has(to)) withTo++;
    if (cats.has(from)) {
      withFrom++;
      if (cats.has(to)) both++;
    }
  }
  return { conditional: both / withFrom, base: withTo / orders.length };
}

/** Complaints per 100 units sold, by product name (products with at least `minUnits` sold). */
function complaintRates(orders: Order[], tickets: Rec[], minUnits: number): [string, number][] {
  const units = new Map<string, number>();
  const names = new Map<string, string>();
  for (const o of orders) for (const l of o.lines) {
    units.set(l.productId, (units.get(l.productId) ?? 0) + l.quantity);
    names.set(l.productId, l.description);
  }
  const complaints = new Map<string, number>();
  for (const t of tickets) if (t.kind === 'complaint') complaints.set(t.productId as string, (complaints.get(t.productId as string) ?? 0) + 1);
  return [...units]
    .filter(([, u]) => u >= minUnits)
    .map(([id, u]) => [names.get(id)!, (100 * (complaints.get(id) ?? 0)) / u] as [string, number])
    .sort((a, b) => b[1] - a[1]);
}

describe('the small demo', () => {
  let data: Map<CollectionName, Rec[]>;
  let orders: Order[];
  beforeAll(() => {
    data = new Map();
    for (const b of demoBatches('small', 1)) data.set(b.collection, [...(data.get(b.collection) ?? []), ...(b.records as Rec[])]);
    orders = data.get('order') as unknown as Order[];
  });

  test('festival-season months sell at least twice the off-season months', () => {
    expect(festivalRatio(orders)).toBeGreaterThanOrEqual(2);
  });

  test('high-end phone baskets hold a case and earbuds far more often than baskets in general', () => {
    const cases = basketLift(orders, 'High-end phones', 'Phone cases');
    const earbuds = basketLift(orders, 'High-end phones', 'Earbuds');
    expect(cases.conditional / cases.base).toBeGreaterThan(3);
    expect(earbuds.conditional / earbuds.base).toBeGreaterThan(2.5);
  });

  test('some high-end phone buyers come back for the case within weeks', () => {
    const byCustomer = new Map<string, Order[]>();
    for (const o of orders) byCustomer.set(o.contactId, [...(byCustomer.get(o.contactId) ?? []), o]);
    let followUps = 0;
    for (const list of byCustomer.values()) {
      for (const phone of list.filter((o) => o.lines.some((l) => l.category === 'High-end phones') && !o.lines.some((l) => l.category === 'Phone cases'))) {
        const t = Date.parse(phone.orderedAt);
        if (list.some((o) => o !== phone && o.lines.some((l) => l.category === 'Phone cases') && Date.parse(o.orderedAt) > t && Date.parse(o.orderedAt) - t <= 36 * DAY_MS)) followUps++;
      }
    }
    expect(followUps).toBeGreaterThan(10);
  });

  test('a visible group of customers writes on social media as well as by e-mail or phone', () => {
    const channels = new Map<string, Set<string>>();
    for (const i of data.get('interaction')!) {
      const set = channels.get(i.contactId as string) ?? new Set<string>();
      set.add(i.channel as string);
      channels.set(i.contactId as string, set);
    }
    const both = [...channels.values()].filter((s) => s.has('social') && (s.has('email') || s.has('phone'))).length;
    expect(both / channels.size).toBeGreaterThan(0.1);
  });

  test('one product draws far more complaints per unit sold than any other', () => {
    const rates = complaintRates(orders, data.get('ticket')!, 40);
    expect(rates[0][0]).toBe('Volta P20');
    expect(rates[0][1]).toBeGreaterThan(2 * rates[1][1]);
  });

  test('customers lapse: many repeat buyers have not bought for months', () => {
    const last = new Map<string, number>();
    const count = new Map<string, number>();
    for (const o of orders) {
      last.set(o.contactId, Math.max(last.get(o.contactId) ?? 0, Date.parse(o.orderedAt)));
      count.set(o.contactId, (count.get(o.contactId) ?? 0) + 1);
    }
    const repeat = [...count].filter(([, n]) => n >= 2).map(([id]) => id);
    const lapsed = repeat.filter((id) => referenceMs - last.get(id)! > 180 * DAY_MS);
    expect(repeat.length).toBeGreaterThan(100);
    expect(lapsed.length / repeat.length).toBeGreaterThan(0.15);
    expect(lapsed.length / repeat.length).toBeLessThan(0.7);
  });

  test('the pipeline has deals in every stage, with reasons on closed ones', () => {
    const opps = data.get('opportunity')!;
    const stages = new Set(opps.map((o) => o.stage));
    expect([...stages].sort()).toEqual(['lost', 'negotiation', 'proposal', 'prospecting', 'qualification', 'won']);
    for (const o of opps) {
      if (o.stage === 'won') expect(o.wonReason && o.closedAt).toBeTruthy();
      if (o.stage === 'lost') expect(o.lostReason && o.closedAt).toBeTruthy();
    }
    const future = opps.filter((o) => Date.parse(o.closeDate as string) > referenceMs).length;
    expect(future).toBeGreaterThan(opps.length * 0.1);
  });

  test('campaign sends, opens, clicks and replies are interactions of the campaign', () => {
    const dashain = data.get('campaign')!.find((c) => c.name === 'Dashain offers 2025')!;
    const outcomes = new Map<string, number>();
    for (const i of data.get('interaction')!) if (i.campaignId === dashain.id) outcomes.set(i.outcome as string, (outcomes.get(i.outcome as string) ?? 0) + 1);
    const [sent, opened, clicked, responded] = ['sent', 'opened', 'clicked', 'responded'].map((k) => outcomes.get(k) ?? 0);
    expect(sent).toBeGreaterThan(opened);
    expect(opened).toBeGreaterThan(clicked);
    expect(clicked).toBeGreaterThan(responded);
    expect(responded).toBeGreaterThan(0);
  });

  test('tickets have SLA due times, and some miss them', () => {
    const tickets = data.get('ticket')!;
    let breached = 0;
    for (const t of tickets) {
      expect(Date.parse(t.slaDue as string)).toBeGreaterThan(Date.parse(t.createdAt));
      if (t.resolvedAt && Date.parse(t.resolvedAt as string) > Date.parse(t.slaDue as string)) breached++;
    }
    expect(breached).toBeGreaterThan(tickets.length * 0.05);
    expect(new Set(tickets.map((t) => t.kind))).toEqual(new Set(['request', 'return', 'complaint', 'question', 'incident']));
  });
});

describe('the field demo (orders and tickets)', () => {
  let data: Map<CollectionName, Rec[]>;
  beforeAll(() => {
    data = collect('field', ['order', 'ticket']);
  });

  test('keeps the festival peak, the basket lift and the faulty phone at scale', () => {
    const orders = data.get('order') as unknown as Order[];
    expect(orders.reduce((n, o) => n + o.lines.length, 0)).toBeGreaterThan(180_000);
    expect(festivalRatio(orders)).toBeGreaterThanOrEqual(2);
    const cases = basketLift(orders, 'High-end phones', 'Phone cases');
    expect(cases.conditional / cases.base).toBeGreaterThan(3);
    const rates = complaintRates(orders, data.get('ticket')!, 500);
    expect(rates[0][0]).toBe('Volta P20');
    expect(rates[0][1]).toBeGreaterThan(3 * rates[1][1]);
  });
});
