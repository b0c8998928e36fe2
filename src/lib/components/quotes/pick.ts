// What a record picker shows for each kind of record: its name and a second line that tells two of the same name apart.
import type { RowOf } from '$lib/core/storage/queries';
import { formatMoney } from '$lib/core/sales/quote-math';

export type PickKind = 'account' | 'contact' | 'opportunity' | 'product';

export function pickerTitle(kind: PickKind, row: RowOf<PickKind>): string {
  if (kind === 'contact') {
    const c = row as RowOf<'contact'>;
    return [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || 'Unnamed contact';
  }
  return (row as RowOf<'account' | 'opportunity' | 'product'>).name;
}

export function pickerDetail(kind: PickKind, row: RowOf<PickKind>): string {
  if (kind === 'contact') {
    const c = row as RowOf<'contact'>;
    return [c.company, c.email || c.mobile || c.phone].filter(Boolean).join(' · ');
  }
  if (kind === 'account') {
    const a = row as RowOf<'account'>;
    return [a.address.city, a.phone].filter(Boolean).join(' · ');
  }
  if (kind === 'opportunity') {
    const o = row as RowOf<'opportunity'>;
    return [o.stage, formatMoney(o.amount.amount, o.amount.currency), o.closeDate && `closes ${o.closeDate}`].filter(Boolean).join(' · ');
  }
  const p = row as RowOf<'product'>;
  const price = p.prices[0];
  return [p.sku, p.category, price ? formatMoney(price.unitPrice, price.currency) : ''].filter(Boolean).join(' · ');
}
