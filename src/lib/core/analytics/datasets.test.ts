import { describe, expect, it } from 'vitest';
import { basketsFromOrders, byId, monthlyRevenue, orderLinesAsFacts, ordersAsTransactions, quarterOf, type OrderInput } from './datasets';
import { summarizeTransactions } from './transactions';

const products = byId([
  { id: 'p1', sku: 'PH-1', category: 'Phones', unitCost: 600 },
  { id: 'p2', sku: 'CS-1', category: 'Cases', unitCost: 50 }
]);
const accounts = byId([{ id: 'a1', region: 'Bagmati', tier: 'key' }]);
const contacts = byId([{ id: 'c2', address: { region: 'Gandaki' } }]);

// Every amount below is in minor units and worked out by hand.
const orders: OrderInput[] = [
  {
    id: 'o1',
    number: 'SO-1',
    orderedAt: '2025-01-31T20:00:00.000Z',
    status: 'fulfilled',
    contactId: 'c1',
    accountId: 'a1',
    currency: 'NPR',
    channel: 'store',
    owner: 'u1',
    lines: [
      { productId: 'p1', quantity: 2, unitPrice: 1000, discountPct: 10 }, // 2 × 1000 × 0.9 = 1800; cost 1200
      { productId: 'p2', sku: 'CS-RED', quantity: 1, unitPrice: 99, unitCost: 40 } // 99; cost 40 (the line's own)
    ]
  },
  { id: 'o2', orderedAt: '2025-03-02T09:00:00.000Z', status: 'placed', contactId: 'c2', region: '', lines: [{ productId: 'p2', quantity: 3, unitPrice: 100 }] },
  { id: 'o3', orderedAt: '2025-03-05T09:00:00.000Z', status: 'cancelled', contactId: 'c2', lines: [{ productId: 'p1', quantity: 1, unitPrice: 1000 }] },
  { id: 'o4', orderedAt: '2025-03-06T09:00:00.000Z', status: 'fulfilled', externalCustomerId: 'X9', region: 'United Kingdom', lines: [{ category: 'Gifts', quantity: 4, unitPrice: 250 }] },
  // Credit note: negative units against o4.
  { id: 'o5', orderedAt: '2025-03-20T09:00:00.000Z', status: 'returned', externalCustomerId: 'X9', lines: [{ category: 'Gifts', quantity: -1, unitPrice: 250 }] },
  // Returned whole: units as sold, refunded.
  { id: 'o6', orderedAt: '2025-04-01T09:00:00.000Z', status: 'returned', contactId: 'c1', lines: [{ productId: 'p1', quantity: 1, unitPrice: 1000 }] },
  { id: 'o7', orderedAt: '2025-04-02T09:00:00.000Z', status: 'fulfilled', contactId: 'c1', deletedAt: '2025-04-03T00:00:00.000Z', lines: [{ productId: 'p1', quantity: 1, unitPrice: 1000 }] },
  { id: 'o8', orderedAt: '2025-06-15T09:00:00.000Z', status: 'fulfilled', lines: [{ productId: 'p2', quantity: 1, unitPrice: 100 }] }
];

describe('orderLinesAsFacts', () => {
  const facts = orderLinesAsFacts(orders, { productsById: products, accountsById: accounts, contactsById: contacts });

  it('gives one fact per line of live, non-cancelled orders', () => {
    expect(facts.map((f) => f.orderId)).toEqual(['o1', 'o1', 'o2', 'o4', 'o5', 'o6', 'o8']);
  });

  it('computes revenue, cost and margin with discounts and product fall-backs', () => {
    const [phone, caseLine] = facts;
    expect(phone).toMatchObject({ customerId: 'c1', category: 'Phones', sku: 'PH-1', quantity: 2, revenue: 1800, cost: 1200, margin: 600 });
    expect(caseLine).toMatchObject({ category: 'Cases', sku: 'CS-RED', revenue: 99, cost: 40, margin: 59 });
    expect(phone).toMatchObject({ month: '2025-01', quarter: '2025-Q1', year: '2025', day: '2025-01-31', region: 'Bagmati', segment: 'key', owner: 'u1', channel: 'store' });
  });

  it('keys customers by contact, else account, else external id, and finds the region on account or contact', () => {
    expect(facts[2]).toMatchObject({ customerId: 'c2', region: 'Gandaki' });
    expect(facts[3]).toMatchObject({ customerId: 'X9', region: 'United Kingdom', revenue: 1000 });
    expect(facts[6]).toMatchObject({ customerId: '', revenue: 100 });
  });

  it('subtracts credit lines and zeroes a returned order while keeping its units', () => {
    expect(facts[4]).toMatchObject({ orderId: 'o5', quantity: -1, revenue: -250, status: 'returned' });
    expect(facts[5]).toMatchObject({ orderId: 'o6', quantity: 1, revenue: 0, cost: 0, margin: 0 });
  });

  it('shifts calendar keys to the business clock when asked', () => {
    const nepal = orderLinesAsFacts([orders[0]], { utcOffsetMinutes: 345 });
    expect(nepal[0]).toMatchObject({ day: '2025-02-01', month: '2025-02', quarter: '2025-Q1' });
    expect(orderLinesAsFacts([orders[2]], { includeCancelled: true })).toHaveLength(1);
    expect(quarterOf('2025-10')).toBe('2025-Q4');
  });
});

describe('ordersAsTransactions', () => {
  it('gives one net transaction per purchase, netting credit notes against the latest earlier purchase', () => {
    expect(ordersAsTransactions(orders)).toEqual([
      { customerId: 'X9', date: '2025-03-06', amount: 750 },
      { customerId: 'c1', date: '2025-01-31', amount: 1899 },
      { customerId: 'c2', date: '2025-03-02', amount: 300 }
    ]);
    expect(ordersAsTransactions(orders, { returns: 'ignore' })[0].amount).toBe(1000);
  });

  it('never takes a purchase below zero, nor nets a credit against a later purchase', () => {
    const tx = ordersAsTransactions([
      { id: 'r0', orderedAt: '2025-01-01T00:00:00Z', externalCustomerId: 'k', lines: [{ quantity: -1, unitPrice: 500 }] },
      { id: 'b1', orderedAt: '2025-01-05T00:00:00Z', externalCustomerId: 'k', lines: [{ quantity: 1, unitPrice: 300 }] },
      { id: 'r1', orderedAt: '2025-01-06T00:00:00Z', externalCustomerId: 'k', lines: [{ quantity: -2, unitPrice: 300 }] },
      { id: 'b2', orderedAt: '2025-02-01T00:00:00Z', externalCustomerId: 'k', lines: [{ quantity: 1, unitPrice: 200 }] }
    ]);
    expect(tx).toEqual([
      { customerId: 'k', date: '2025-01-05', amount: 0 },
      { customerId: 'k', date: '2025-02-01', amount: 200 }
    ]);
  });

  it('feeds summarizeTransactions', () => {
    const s = summarizeTransactions(ordersAsTransactions(orders), { calibrationEnd: '2025-06-30', unit: 'days' });
    expect(s.find((c) => c.customerId === 'c1')).toMatchObject({ frequency: 0, T: 150 });
  });
});

describe('basketsFromOrders', () => {
  it('lists the distinct items of each sale', () => {
    expect(basketsFromOrders(orders, { productsById: products })).toEqual([['Phones', 'Cases'], ['Cases'], ['Gifts'], ['Cases']]);
    expect(basketsFromOrders(orders, { item: 'sku', productsById: products })[0]).toEqual(['PH-1', 'CS-RED']);
    expect(basketsFromOrders(orders, { item: 'productId' })).toEqual([['p1', 'p2'], ['p2'], ['p2']]);
  });
});

describe('monthlyRevenue', () => {
  it('is dense: months without orders are 0', () => {
    expect(monthlyRevenue(orders)).toEqual({
      months: ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06'],
      values: [1899, 0, 300 + 1000 - 250, 0, 0, 100]
    });
    expect(monthlyRevenue(orders, { measure: 'orders', from: '2024-12', to: '2025-03' }).values).toEqual([0, 1, 0, 2]);
    expect(monthlyRevenue(orders, { measure: 'units' }).values).toEqual([3, 0, 6, 0, 0, 1]);
    expect(monthlyRevenue([])).toEqual({ months: [], values: [] });
  });

  it('crosses year ends', () => {
    const s = monthlyRevenue([
      { id: 'a', orderedAt: '2024-11-30T00:00:00Z', lines: [{ quantity: 1, unitPrice: 5 }] },
      { id: 'b', orderedAt: '2025-02-01T00:00:00Z', lines: [{ quantity: 1, unitPrice: 7 }] }
    ]);
    expect(s.months).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
    expect(s.values).toEqual([5, 0, 0, 7]);
  });
});
