// The product editor's draft: fields as typed (amounts as decimal text), price-book rows, and the record input they make.
import { generateKeyBetween } from 'fractional-indexing';
import { ValidationError, type FieldIssue, type RecordInput } from '$lib/core/commands';
import { newId } from '$lib/core/model/base';
import type { RowOf } from '$lib/core/storage/queries';
import { amountText, parseAmount } from './money';

export type PriceDraft = { id: string; position: string; priceBook: string; unitPrice: string; currency: string };
export type ProductDraft = {
  name: string;
  sku: string;
  category: string;
  description: string;
  isActive: boolean;
  unitCost: string;
  currency: string;
  prices: PriceDraft[];
};

/** A new price-book row after the last one; the first is the Standard book, later ones are named by the person. */
export function newPriceRow(prices: readonly PriceDraft[], currency: string): PriceDraft {
  const last = prices.length > 0 ? prices[prices.length - 1].position : null;
  return { id: newId(), position: generateKeyBetween(last, null), priceBook: prices.length === 0 ? 'Standard' : '', unitPrice: '', currency };
}

export function productDraft(p: RowOf<'product'> | null | undefined, currency = 'NPR'): ProductDraft {
  if (!p) {
    return { name: '', sku: '', category: '', description: '', isActive: true, unitCost: '', currency, prices: [newPriceRow([], currency)] };
  }
  return {
    name: p.name,
    sku: p.sku,
    category: p.category,
    description: p.description,
    isActive: p.isActive,
    unitCost: p.unitCost ? amountText(p.unitCost) : '',
    currency: p.currency,
    prices: p.prices.map((e) => ({ id: e.id, position: e.position, priceBook: e.priceBook, unitPrice: amountText(e.unitPrice), currency: e.currency }))
  };
}

const AMOUNT_HINT = 'must be an amount like 1250 or 1250.50';

/**
 * The record input of a draft. Amounts typed as text become minor units here; one that does not read as an amount
 * is reported like a schema issue (same path, same place on screen) before anything is written.
 */
export function productInput(d: ProductDraft): RecordInput<'product'> {
  const issues: FieldIssue[] = [];
  const unitCost = parseAmount(d.unitCost, 0);
  if (unitCost === null) issues.push({ path: 'unitCost', message: AMOUNT_HINT });
  const prices = d.prices.map((e, i) => {
    const unitPrice = parseAmount(e.unitPrice);
    if (unitPrice === null) issues.push({ path: `prices.${i}.unitPrice`, message: e.unitPrice.trim() ? AMOUNT_HINT : 'is required' });
    return { id: e.id, position: e.position, priceBook: e.priceBook.trim(), unitPrice: unitPrice ?? 0, currency: e.currency };
  });
  const books = new Map<string, number>();
  d.prices.forEach((e, i) => {
    const key = `${e.priceBook.trim().toLowerCase()}|${e.currency}`;
    if (e.priceBook.trim() && books.has(key)) issues.push({ path: `prices.${i}.priceBook`, message: 'is already listed with this currency' });
    books.set(key, i);
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return {
    name: d.name,
    sku: d.sku.trim(),
    category: d.category.trim(),
    description: d.description,
    isActive: d.isActive,
    unitCost: unitCost ?? 0,
    currency: d.currency,
    prices
  };
}
