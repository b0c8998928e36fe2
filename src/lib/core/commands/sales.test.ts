// Multi-record sales commands on a real (fake-indexeddb) workspace: merge, convert, close, accept, revise.
import { describe, expect, it } from 'vitest';
import { memoryWorkspace } from '../testing';
import { acceptQuote, closeOpportunity, convertLead, createRecord, mergeRecords, reviseQuote } from './index';

describe('mergeRecords', () => {
  it('fills empty fields, moves related records, and soft-deletes the duplicate with a trail', async () => {
    const ws = memoryWorkspace();
    const keep = await createRecord(ws, 'contact', { firstName: 'Ram', lastName: 'Thapa', email: 'ram@himal.np' });
    const dup = await createRecord(ws, 'contact', { firstName: 'Ram', lastName: 'Thapa', phone: '+977 9841000001', tags: ['dashain'] });
    await createRecord(ws, 'interaction', { channel: 'phone', at: '2026-10-01T10:00:00.000Z', contactId: dup.id, summary: 'Asked about TVs' });
    await createRecord(ws, 'task', { title: 'Send brochure', contactId: dup.id });
    const { moved } = await mergeRecords(ws, 'contact', keep.id, dup.id);
    expect(moved).toBe(2);
    expect(await ws.db.rows('contact').get(keep.id)).toMatchObject({ email: 'ram@himal.np', phone: '+977 9841000001', tags: ['dashain'] });
    expect(await ws.db.rows('contact').get(dup.id)).toMatchObject({ _del: 1, mergedInto: keep.id });
    expect(await ws.db.rows('interaction').where('[contactId+at]').between([keep.id, ''], [keep.id, '\uffff']).count()).toBe(1);
    expect((await ws.db.rows('task').toArray())[0].contactId).toBe(keep.id);
  });
});

describe('convertLead', () => {
  it('matches an existing account by company name, creates contact and opportunity, keeps the history', async () => {
    const ws = memoryWorkspace();
    const acc = await createRecord(ws, 'account', { name: 'Hotel Yak & Yeti' });
    const lead = await createRecord(ws, 'lead', { firstName: 'Maya', lastName: 'Rai', company: 'hotel yak & yeti', email: 'maya@yak.np', source: 'trade-show', status: 'qualified' });
    await createRecord(ws, 'interaction', { channel: 'in-person', at: '2026-11-01T10:00:00.000Z', leadId: lead.id, summary: 'Met at CAN Info-Tech' });
    const r = await convertLead(ws, lead.id, { createOpportunity: { name: 'Lobby TVs', amount: 450_000_00, currency: 'NPR', closeDate: '2026-12-31' } });
    expect(r).toMatchObject({ accountId: acc.id, accountMatched: true });
    expect(await ws.db.rows('contact').get(r.contactId)).toMatchObject({ firstName: 'Maya', accountId: acc.id, email: 'maya@yak.np', source: 'trade-show' });
    expect(await ws.db.rows('opportunity').get(r.opportunityId)).toMatchObject({ name: 'Lobby TVs', accountId: acc.id, contactId: r.contactId, leadId: lead.id });
    expect(await ws.db.rows('lead').get(lead.id)).toMatchObject({ status: 'converted', convertedContactId: r.contactId, convertedAccountId: acc.id });
    const timeline = await ws.db.rows('interaction').where('[contactId+at]').between([r.contactId, ''], [r.contactId, '\uffff']).toArray();
    expect(timeline.map((i) => i.summary)).toEqual(['Met at CAN Info-Tech']);
    await expect(convertLead(ws, lead.id)).rejects.toThrow(/already converted/);
  });

  it('creates a new account when none matches', async () => {
    const ws = memoryWorkspace();
    const lead = await createRecord(ws, 'lead', { lastName: 'Gurung', company: 'Pokhara Lakeside Resort' });
    const r = await convertLead(ws, lead.id);
    expect(r.accountMatched).toBe(false);
    expect(await ws.db.rows('account').get(r.accountId)).toMatchObject({ name: 'Pokhara Lakeside Resort' });
    expect(r.opportunityId).toBe('');
  });
});

describe('deals and quotes', () => {
  it('accepting a quote marks the deal won at the quote total and creates the order; a revision copies the lines', async () => {
    const ws = memoryWorkspace();
    const phone = await createRecord(ws, 'product', { name: 'Galaxy S26', sku: 'SM-S26', category: 'Phones: high-end', unitCost: 110_000_00 });
    const opp = await createRecord(ws, 'opportunity', { name: 'Office phones', amount: { amount: 1, currency: 'NPR' }, closeDate: '2026-12-01' });
    const q = await createRecord(ws, 'quote', {
      number: 'Q-100',
      currency: 'NPR',
      opportunityId: opp.id,
      lines: [
        { productId: phone.id, description: 'Galaxy S26', quantity: 2, unitPrice: 150_000_00, discountPct: 10, taxPct: 13 },
        { description: 'Case', quantity: 2, unitPrice: 1_500_00, taxPct: 13 }
      ] as never
    });
    const rev = await reviseQuote(ws, q.id);
    expect(rev).toMatchObject({ number: 'Q-100', revision: 2, status: 'draft' });
    expect(rev.lines.map((l) => l.description)).toEqual(['Galaxy S26', 'Case']);
    expect(rev.lines[0].id).not.toBe(q.lines[0].id);
    const { orderId } = await acceptQuote(ws, q.id, { markWon: true, createOrder: true });
    const expectedTotal = Math.round(2 * 150_000_00 * 0.9 * 1.13) + Math.round(2 * 1_500_00 * 1.13);
    expect(await ws.db.rows('opportunity').get(opp.id)).toMatchObject({ stage: 'won', amount: { amount: expectedTotal, currency: 'NPR' } });
    const order = await ws.db.rows('order').get(orderId);
    expect(order).toMatchObject({ number: 'SO-Q-100', quoteId: q.id, opportunityId: opp.id });
    expect((order!.lines as { sku: string; category: string; unitCost: number }[])[0]).toMatchObject({ sku: 'SM-S26', category: 'Phones: high-end', unitCost: 110_000_00 });
    expect(await ws.db.rows('quote').get(q.id)).toMatchObject({ status: 'accepted' });
  });

  it('closing a deal as lost records the reason', async () => {
    const ws = memoryWorkspace();
    const opp = await createRecord(ws, 'opportunity', { name: 'Laptops', amount: { amount: 100, currency: 'NPR' }, closeDate: '2026-12-01' });
    await closeOpportunity(ws, opp.id, 'lost', 'Price');
    expect(await ws.db.rows('opportunity').get(opp.id)).toMatchObject({ stage: 'lost', lostReason: 'Price' });
  });
});
