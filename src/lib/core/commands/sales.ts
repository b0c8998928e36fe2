// Sales commands that touch several records: merge duplicates, convert a lead, close a deal, accept or revise a quote.
import { createRecord, NotFoundError, updateRecord, ValidationError, type RecordType } from './records';
import type { CollectionName } from '../model/registry';
import type { Workspace } from '../sync/workspace';
import { mergeFields, normaliseName } from '../sales/duplicates';
import { quoteTotals } from '../sales/quote-math';

type RelationRef = { name: CollectionName; field: string; index?: string; range?: 'compound' };

/** Every record field that points at a contact or an account, with the index that finds them fast. */
const relations: Record<'contact' | 'account', RelationRef[]> = {
  contact: [
    { name: 'interaction', field: 'contactId', index: '[contactId+at]', range: 'compound' },
    { name: 'task', field: 'contactId', index: '[contactId+_del]', range: 'compound' },
    { name: 'opportunity', field: 'contactId', index: 'contactId' },
    { name: 'ticket', field: 'contactId', index: '[contactId+_del]', range: 'compound' },
    { name: 'order', field: 'contactId', index: '[contactId+orderedAt]', range: 'compound' },
    { name: 'quote', field: 'contactId', index: 'contactId' }
  ],
  account: [
    { name: 'contact', field: 'accountId', index: '[accountId+_del]', range: 'compound' },
    { name: 'opportunity', field: 'accountId', index: '[accountId+_del]', range: 'compound' },
    { name: 'interaction', field: 'accountId', index: '[accountId+at]', range: 'compound' },
    { name: 'task', field: 'accountId', index: '[accountId+_del]', range: 'compound' },
    { name: 'ticket', field: 'accountId', index: '[accountId+_del]', range: 'compound' },
    { name: 'order', field: 'accountId', index: '[accountId+orderedAt]', range: 'compound' },
    { name: 'quote', field: 'accountId', index: '[accountId+_del]', range: 'compound' },
    { name: 'partner', field: 'accountId', index: 'accountId' }
  ]
};

async function idsPointingAt(ws: Workspace, ref: RelationRef, id: string): Promise<string[]> {
  const table = ws.db.rows(ref.name);
  const q = ref.range === 'compound' ? table.where(ref.index!).between([id, -Infinity], [id, '\uffff'], true, true) : table.where(ref.index!).equals(id);
  return (await q.primaryKeys()) as string[];
}

/**
 * Merges `otherId` into `keepId`: empty fields of the kept record are filled from the other (or per-field choices),
 * every record that pointed at the other now points at the kept one, and the other is soft-deleted with
 * `mergedInto` set — so its history stays reachable and an offline edit to it elsewhere is not lost.
 */
export async function mergeRecords(
  ws: Workspace,
  name: 'contact' | 'account',
  keepId: string,
  otherId: string,
  choices: Record<string, 'keep' | 'other'> = {}
): Promise<{ moved: number }> {
  if (keepId === otherId) throw new ValidationError([{ path: 'id', message: 'cannot merge a record with itself' }]);
  const [keep, other] = await Promise.all([ws.db.rows(name).get(keepId), ws.db.rows(name).get(otherId)]);
  if (!keep) throw new NotFoundError(name, keepId);
  if (!other) throw new NotFoundError(name, otherId);
  const patch = mergeFields(keep, other, choices);
  if (Object.keys(patch).length > 0) await updateRecord(ws, name, keepId, patch as never);
  let moved = 0;
  for (const ref of relations[name]) {
    for (const id of await idsPointingAt(ws, ref, otherId)) {
      await updateRecord(ws, ref.name, id, { [ref.field]: keepId } as never);
      moved++;
    }
  }
  await updateRecord(ws, name, otherId, { mergedInto: keepId, deletedAt: new Date().toISOString(), deletedBy: ws.user } as never);
  return { moved };
}

export type ConvertLeadOptions = { createOpportunity?: { name: string; amount: number; currency: string; closeDate: string } | null; accountId?: string };
export type ConvertLeadResult = { contactId: string; accountId: string; opportunityId: string; accountMatched: boolean };

/**
 * Converts a lead in one step: an account (the one given, else an existing one whose name matches the lead's
 * company, else a new one), a contact, optionally an opportunity; the lead's interactions move to the contact, and
 * the lead itself stays (status converted, with links) so its history is kept.
 */
export async function convertLead(ws: Workspace, leadId: string, options: ConvertLeadOptions = {}): Promise<ConvertLeadResult> {
  const lead = (await ws.db.rows('lead').get(leadId)) as RecordType<'lead'> | undefined;
  if (!lead) throw new NotFoundError('lead', leadId);
  if (lead.status === 'converted') throw new ValidationError([{ path: 'status', message: 'this lead is already converted' }]);
  let accountId = options.accountId ?? '';
  let accountMatched = Boolean(accountId);
  if (!accountId && lead.company) {
    const key = normaliseName(lead.company);
    const firstWord = key.split(' ')[0];
    const candidates = await ws.db.rows('account').where('_terms').equals(firstWord).toArray();
    const match = candidates.find((a) => !a.deletedAt && normaliseName(a.name as string) === key);
    if (match) {
      accountId = match.id as string;
      accountMatched = true;
    } else {
      accountId = (await createRecord(ws, 'account', { name: lead.company, kind: 'prospect', owner: lead.owner })).id;
    }
  }
  const contact = await createRecord(ws, 'contact', {
    firstName: lead.firstName,
    lastName: lead.lastName || (lead.firstName ? '' : lead.company),
    email: lead.email,
    phone: lead.phone,
    title: lead.title,
    accountId,
    company: lead.company,
    consent: lead.consent,
    source: lead.source,
    tags: lead.tags,
    notes: lead.notes,
    owner: lead.owner
  });
  let opportunityId = '';
  if (options.createOpportunity) {
    const o = options.createOpportunity;
    opportunityId = (
      await createRecord(ws, 'opportunity', {
        name: o.name,
        amount: { amount: o.amount, currency: o.currency },
        closeDate: o.closeDate,
        accountId,
        contactId: contact.id,
        leadId,
        source: lead.source,
        partnerId: lead.partnerId,
        owner: lead.owner
      })
    ).id;
  }
  for (const id of (await ws.db.rows('interaction').where('[leadId+at]').between([leadId, ''], [leadId, '\uffff']).primaryKeys()) as string[]) {
    await updateRecord(ws, 'interaction', id, { contactId: contact.id, accountId });
  }
  await updateRecord(ws, 'lead', leadId, { status: 'converted', convertedContactId: contact.id, convertedAccountId: accountId, convertedOpportunityId: opportunityId });
  return { contactId: contact.id, accountId, opportunityId, accountMatched };
}

/** Closes a deal as won or lost with a reason. */
export async function closeOpportunity(ws: Workspace, id: string, outcome: 'won' | 'lost', reason = ''): Promise<void> {
  await updateRecord(ws, 'opportunity', id, {
    stage: outcome,
    closedAt: new Date().toISOString(),
    ...(outcome === 'won' ? { wonReason: reason } : { lostReason: reason })
  });
}

/**
 * Accepts a quote: marks it accepted, optionally marks its opportunity won, and optionally creates the order with
 * the quote's lines — the purchase history analytics reads.
 */
export async function acceptQuote(ws: Workspace, quoteId: string, options: { markWon?: boolean; createOrder?: boolean } = {}): Promise<{ orderId: string }> {
  const q = (await ws.db.rows('quote').get(quoteId)) as RecordType<'quote'> | undefined;
  if (!q) throw new NotFoundError('quote', quoteId);
  const now = new Date().toISOString();
  await updateRecord(ws, 'quote', quoteId, { status: 'accepted', decidedAt: now });
  if (options.markWon && q.opportunityId) {
    const total = quoteTotals(q.lines).total;
    await updateRecord(ws, 'opportunity', q.opportunityId, { stage: 'won', closedAt: now, amount: { amount: total, currency: q.currency }, wonReason: `Quote ${q.number} accepted` });
  }
  let orderId = '';
  if (options.createOrder) {
    const products = new Map(((await ws.db.rows('product').bulkGet(q.lines.map((l) => l.productId).filter(Boolean))) as (RecordType<'product'> | undefined)[]).filter((p): p is RecordType<'product'> => !!p).map((p) => [p.id, p]));
    orderId = (
      await createRecord(ws, 'order', {
        number: `SO-${q.number}${q.revision > 1 ? `-${q.revision}` : ''}`,
        orderedAt: now,
        accountId: q.accountId,
        contactId: q.contactId,
        currency: q.currency,
        quoteId,
        opportunityId: q.opportunityId,
        lines: q.lines.map((l) => ({
          id: l.id,
          position: l.position,
          productId: l.productId,
          sku: products.get(l.productId)?.sku ?? '',
          category: products.get(l.productId)?.category ?? '',
          description: l.description,
          quantity: l.quantity,
          unitPrice: l.unitPrice,
          unitCost: products.get(l.productId)?.unitCost ?? 0,
          discountPct: l.discountPct
        }))
      })
    ).id;
  }
  return { orderId };
}

/** A new revision of a quote: a new record with the same number and lines, revision + 1, back to draft. */
export async function reviseQuote(ws: Workspace, quoteId: string): Promise<RecordType<'quote'>> {
  const q = (await ws.db.rows('quote').get(quoteId)) as RecordType<'quote'> | undefined;
  if (!q) throw new NotFoundError('quote', quoteId);
  const siblings = (await ws.db.rows('quote').where('number').equals(q.number).toArray()) as RecordType<'quote'>[];
  const revision = Math.max(...siblings.map((s) => s.revision)) + 1;
  return createRecord(ws, 'quote', {
    number: q.number,
    title: q.title,
    opportunityId: q.opportunityId,
    accountId: q.accountId,
    contactId: q.contactId,
    currency: q.currency,
    validUntil: q.validUntil,
    revision,
    status: 'draft',
    lines: q.lines.map(({ id: _id, ...rest }) => rest) as never,
    terms: q.terms,
    notes: q.notes
  });
}
