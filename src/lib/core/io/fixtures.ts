// Test data for io tests: a small workspace with every kind of state a backup must carry (lines, deletes, conflicts, history, settings).
import * as Y from 'yjs';
import { createAccount, createContact, createRecord, createRecords, deleteContact, logInteraction, updateContact, updateRecord } from '../commands';
import { memoryWorkspace } from '../testing';
import type { Workspace } from '../sync/workspace';

/** Sends every doc of `from` to `to`, as a sync session would. */
export async function syncInto(from: Workspace, to: Workspace): Promise<void> {
  for (const { docId } of await from.db.docs.toArray()) {
    const theirs = await to.db.docs.get(docId);
    await to.applyRemote(docId, Y.encodeStateAsUpdate(await from.doc(docId), theirs?.sv));
  }
}

/**
 * Two devices edit one workspace, some of it concurrently, then merge: `a` ends with users, accounts, contacts
 * (one deleted, one with two e-mail addresses and a multi-line note), a quote with lines, interactions in two months,
 * tasks, a same-field conflict, history of edits, and settings next to a derived counter.
 */
export async function demoLikeWorkspace(): Promise<{ ws: Workspace; ids: Record<string, string> }> {
  let clock = Date.UTC(2026, 9, 1, 9);
  const a = memoryWorkspace({ device: 11, user: () => 'u-anita', now: () => clock });
  const b = memoryWorkspace({ device: 22, user: () => 'u-bishal', now: () => clock });
  // User records whose ids are the `by` of every edit, so "who" reads as a name.
  const {
    created: [anita]
  } = await createRecords(a, 'user', [
    { id: 'u-anita', name: 'Anita Shrestha', email: 'anita@example.com', role: 'manager' },
    { id: 'u-bishal', name: 'Bishal Rai', email: 'bishal@example.com' }
  ]);
  const acme = await createAccount(a, { name: 'Himal Traders', kind: 'customer', address: { street: 'Durbar Marg 1', city: 'Kathmandu', region: 'Bagmati', postalCode: '44600', country: 'Nepal' } });
  const sita = await createContact(a, {
    firstName: 'Sita',
    lastName: 'Rai',
    email: 'sita@example.com',
    otherEmails: ['sita.home@example.org'],
    phone: '+977 1 4220000',
    mobile: '+977 9800000000',
    title: 'Buyer',
    accountId: acme.id,
    company: 'Himal Traders',
    birthday: '1990-04-15',
    notes: 'Prefers calls, after 10 am;\nspeaks Nepali, English',
    tags: ['vip', 'kathmandu']
  });
  const hari = await createContact(a, { firstName: 'Hari', lastName: 'Thapa', email: 'hari@example.com' });
  await createRecords(
    a,
    'contact',
    Array.from({ length: 40 }, (_, i) => ({ firstName: `Person ${i}`, lastName: 'Bulk', email: `p${i}@example.com` }))
  );
  const quote = await createRecord(a, 'quote', {
    number: 'Q-1001',
    title: 'Phones',
    accountId: acme.id,
    currency: 'NPR',
    lines: [
      { description: 'Phone', quantity: 2, unitPrice: 150_000_00 },
      { description: 'Case', quantity: 2, unitPrice: 1_500_00, discountPct: 10 }
    ] as never
  });
  await logInteraction(a, { channel: 'phone', at: '2026-09-20T10:00:00.000Z', contactId: sita.id, accountId: acme.id, summary: 'Intro call', durationMin: 12 });
  await logInteraction(a, { channel: 'meeting', at: '2026-10-02T08:30:00.000Z', contactId: sita.id, summary: 'Demo at the shop', durationMin: 45 });
  await createRecord(a, 'task', { title: 'Send the quote', due: '2026-10-05T09:00:00.000Z', priority: 'high', contactId: sita.id, reminderAt: '2026-10-05T08:00:00.000Z' });
  await createRecord(a, 'task', { title: 'Site visit', kind: 'meeting', due: '2026-10-07T05:15:00.000Z', durationMin: 90, status: 'done' });

  await syncInto(a, b);
  clock += 60_000;
  await updateContact(a, sita.id, { title: 'Head buyer' });
  await updateContact(b, sita.id, { title: 'Purchasing lead', phone: '+977 1 4229999' });
  await updateRecord(b, 'quote', quote.id, { status: 'sent' });
  await deleteContact(a, hari.id);
  clock += 60_000;
  await syncInto(b, a);
  await syncInto(a, b);
  await a.db.setMeta('settings:currency', 'NPR');
  await a.db.setMeta('device:lastScreen', '/contacts');
  return { ws: a, ids: { anita: anita.id, acme: acme.id, sita: sita.id, hari: hari.id, quote: quote.id } };
}
