// The quote editor's draft: header and lines as typed, line order by fractional index, prices from price books, and the next quote number.
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import { ValidationError, type FieldIssue, type RecordInput } from '$lib/core/commands';
import { newId } from '$lib/core/model/base';
import type { Product } from '$lib/core/model/product';
import type { LineItem } from '$lib/core/model/quote';
import type { RowOf } from '$lib/core/storage/queries';
import { amountText, numberText, parseAmount, parseDecimal } from '$lib/components/products/money';

export type LineDraft = {
  id: string;
  position: string;
  productId: string;
  description: string;
  quantity: string;
  unitPrice: string;
  discountPct: string;
  taxPct: string;
};

export type QuoteDraft = {
  number: string;
  title: string;
  opportunityId: string;
  accountId: string;
  contactId: string;
  currency: string;
  validUntil: string;
  terms: string;
  notes: string;
  lines: LineDraft[];
};

export type QuoteDefaults = Partial<Omit<QuoteDraft, 'lines'>>;

export const DEFAULT_TERMS = 'Payment: 50% with the order, the rest on delivery. Prices include delivery within the Kathmandu valley. Warranty as per the manufacturer.';
/** Nepal's VAT rate: a new line starts with it on a rupee quote (the person can change it per line). */
export const DEFAULT_TAX_PCT = 13;
const VALID_DAYS = 30;

/** A local calendar date as YYYY-MM-DD. */
export function isoDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function defaultValidUntil(now = new Date()): string {
  return isoDate(new Date(now.getFullYear(), now.getMonth(), now.getDate() + VALID_DAYS));
}

const lineDraftOf = (l: LineItem): LineDraft => ({
  id: l.id,
  position: l.position,
  productId: l.productId,
  description: l.description,
  quantity: numberText(l.quantity),
  unitPrice: amountText(l.unitPrice),
  discountPct: l.discountPct ? numberText(l.discountPct) : '',
  taxPct: numberText(l.taxPct)
});

export function quoteDraft(q: RowOf<'quote'> | null | undefined, defaults: QuoteDefaults = {}): QuoteDraft {
  if (!q) {
    return {
      number: '',
      title: '',
      opportunityId: '',
      accountId: '',
      contactId: '',
      currency: 'NPR',
      validUntil: defaultValidUntil(),
      terms: DEFAULT_TERMS,
      notes: '',
      ...defaults,
      lines: []
    };
  }
  return {
    number: q.number,
    title: q.title,
    opportunityId: q.opportunityId,
    accountId: q.accountId,
    contactId: q.contactId,
    currency: q.currency,
    validUntil: q.validUntil,
    terms: q.terms,
    notes: q.notes,
    lines: q.lines.map(lineDraftOf)
  };
}

/** A line's numbers for the live totals: what does not read as a number counts as 0 until it is fixed. */
export function lineValues(l: LineDraft): Pick<LineItem, 'quantity' | 'unitPrice' | 'discountPct' | 'taxPct'> {
  return {
    quantity: parseDecimal(l.quantity) ?? 0,
    unitPrice: parseAmount(l.unitPrice) ?? 0,
    discountPct: parseDecimal(l.discountPct) ?? 0,
    taxPct: parseDecimal(l.taxPct) ?? 0
  };
}

/** The record input of a draft; numbers that do not read as numbers are reported per line before anything is written. */
export function quoteInput(d: QuoteDraft): RecordInput<'quote'> {
  const issues: FieldIssue[] = [];
  const lines = d.lines.map((l, i) => {
    const quantity = parseDecimal(l.quantity);
    const unitPrice = parseAmount(l.unitPrice);
    const discountPct = l.discountPct.trim() === '' ? 0 : parseDecimal(l.discountPct);
    const taxPct = l.taxPct.trim() === '' ? 0 : parseDecimal(l.taxPct);
    if (quantity === null) issues.push({ path: `lines.${i}.quantity`, message: l.quantity.trim() ? 'must be a number' : 'is required' });
    if (unitPrice === null) issues.push({ path: `lines.${i}.unitPrice`, message: l.unitPrice.trim() ? 'must be an amount like 1250 or 1250.50' : 'is required' });
    if (discountPct === null) issues.push({ path: `lines.${i}.discountPct`, message: 'must be a number 0–100' });
    if (taxPct === null) issues.push({ path: `lines.${i}.taxPct`, message: 'must be a number 0–100' });
    return {
      id: l.id,
      position: l.position,
      productId: l.productId,
      description: l.description.trim(),
      quantity: quantity ?? 0,
      unitPrice: unitPrice ?? 0,
      discountPct: discountPct ?? 0,
      taxPct: taxPct ?? 0
    };
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return {
    number: d.number.trim(),
    title: d.title.trim(),
    opportunityId: d.opportunityId,
    accountId: d.accountId,
    contactId: d.contactId,
    currency: d.currency,
    validUntil: d.validUntil,
    terms: d.terms,
    notes: d.notes,
    lines
  };
}

/** A fresh line after the last one; tax follows the line above (or the default rate on a rupee quote). */
export function newLine(lines: readonly LineDraft[], currency: string, init: Partial<LineDraft> = {}): LineDraft {
  const last = lines.length > 0 ? lines[lines.length - 1] : null;
  return {
    id: newId(),
    position: generateKeyBetween(last?.position ?? null, null),
    productId: '',
    description: '',
    quantity: '1',
    unitPrice: '',
    discountPct: '',
    taxPct: last ? last.taxPct : currency === 'NPR' ? String(DEFAULT_TAX_PCT) : '0',
    ...init
  };
}

/**
 * Moves the line at `from` to index `to` (both in display order). Only the moved line gets a new position key,
 * between its new neighbours, so a move made on another device at the same time merges line by line. Neighbours
 * with equal keys (two devices appended at once) leave no room between them: then every line is renumbered.
 */
export function moveLine(lines: readonly LineDraft[], from: number, to: number): LineDraft[] {
  if (from === to || from < 0 || to < 0 || from >= lines.length || to >= lines.length) return [...lines];
  const rest = lines.filter((_, i) => i !== from);
  const prev = rest[to - 1]?.position ?? null;
  const next = rest[to]?.position ?? null;
  const moved = lines[from];
  if (prev !== null && next !== null && prev >= next) {
    const ordered = [...rest.slice(0, to), moved, ...rest.slice(to)];
    const keys = generateNKeysBetween(null, null, ordered.length);
    return ordered.map((l, i) => ({ ...l, position: keys[i] }));
  }
  return [...rest.slice(0, to), { ...moved, position: generateKeyBetween(prev, next) }, ...rest.slice(to)];
}

/**
 * A product's price in a price book: the entry of that book in the quote's currency, else that book in any
 * currency, else the Standard book, else the first entry. `isExact` is false when it fell back (the editor says so).
 */
export function priceFor(
  product: Pick<Product, 'prices'>,
  priceBook: string,
  currency: string
): { unitPrice: number; currency: string; priceBook: string; isExact: boolean } | null {
  const p = product.prices;
  const entry =
    p.find((e) => e.priceBook === priceBook && e.currency === currency) ??
    p.find((e) => e.priceBook === 'Standard' && e.currency === currency) ??
    p.find((e) => e.currency === currency) ??
    p.find((e) => e.priceBook === priceBook) ??
    p[0];
  if (!entry) return null;
  return { unitPrice: entry.unitPrice, currency: entry.currency, priceBook: entry.priceBook, isExact: entry.priceBook === priceBook && entry.currency === currency };
}

/** A new line for a product: its name (and SKU) as the description and its price from the chosen price book. */
export function lineFromProduct(lines: readonly LineDraft[], product: Pick<Product, 'prices' | 'name' | 'sku'> & { id: string }, priceBook: string, currency: string): LineDraft {
  const price = priceFor(product, priceBook, currency);
  return newLine(lines, currency, {
    productId: product.id,
    description: product.sku ? `${product.name} (${product.sku})` : product.name,
    unitPrice: price ? amountText(price.unitPrice) : ''
  });
}

/** The next number in the yearly series, Q-2026-0001, Q-2026-0002…: one more than the highest taken (revisions share theirs). */
export function nextQuoteNumber(taken: readonly string[], year: number): string {
  const prefix = `Q-${year}-`;
  let max = 0;
  for (const n of taken) {
    if (!n.startsWith(prefix)) continue;
    const seq = Number(n.slice(prefix.length));
    if (Number.isInteger(seq) && seq > max) max = seq;
  }
  return `${prefix}${String(max + 1).padStart(4, '0')}`;
}
