// The fields a side-by-side merge compares, how each reads as text, and the choices it hands to mergeRecords.
import type { DuplicateKind } from '$lib/core/search/duplicate-scan';

export type Side = 'left' | 'right' | 'both';
export type MergeField = {
  key: string;
  label: string;
  isList?: boolean;
  /** Fields chosen together with this one (a contact's account and its company name). */
  with?: string[];
};

export const mergeFieldsOf: Record<DuplicateKind, readonly MergeField[]> = {
  contact: [
    { key: 'firstName', label: 'First name' },
    { key: 'lastName', label: 'Last name' },
    { key: 'email', label: 'Email' },
    { key: 'otherEmails', label: 'Other emails', isList: true },
    { key: 'phone', label: 'Phone' },
    { key: 'mobile', label: 'Mobile' },
    { key: 'title', label: 'Job title' },
    { key: 'accountId', label: 'Account', with: ['company'] },
    { key: 'address', label: 'Address' },
    { key: 'birthday', label: 'Birthday' },
    { key: 'preferredChannel', label: 'Preferred channel' },
    { key: 'source', label: 'Source' },
    { key: 'tags', label: 'Tags', isList: true },
    { key: 'notes', label: 'Notes' },
    { key: 'owner', label: 'Owner' }
  ],
  account: [
    { key: 'name', label: 'Name' },
    { key: 'kind', label: 'Kind' },
    { key: 'tier', label: 'Tier' },
    { key: 'industry', label: 'Industry' },
    { key: 'website', label: 'Website' },
    { key: 'phone', label: 'Phone' },
    { key: 'email', label: 'Email' },
    { key: 'address', label: 'Address' },
    { key: 'region', label: 'Region' },
    { key: 'annualRevenue', label: 'Annual revenue' },
    { key: 'tags', label: 'Tags', isList: true },
    { key: 'notes', label: 'Notes' },
    { key: 'owner', label: 'Owner' }
  ]
};

type Rec = Record<string, unknown>;

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.values(v as Rec).every(isEmpty));

/** A field's value as one line of text ('' when empty). */
export function fieldText(field: MergeField, r: Rec): string {
  const v = r[field.key];
  if (isEmpty(v)) return '';
  if (field.key === 'accountId') return (r.company as string) || String(v);
  if (Array.isArray(v)) return v.join(', ');
  if (field.key === 'annualRevenue') {
    const m = v as { amount: number; currency: string };
    return `${m.currency} ${(m.amount / 100).toLocaleString(undefined, { maximumFractionDigits: 2 })}`;
  }
  if (typeof v === 'object') return Object.values(v as Rec).filter((x) => !isEmpty(x)).join(', ');
  return String(v);
}

export const differs = (field: MergeField, a: Rec, b: Rec): boolean => JSON.stringify(a[field.key] ?? null) !== JSON.stringify(b[field.key] ?? null);

/** What the merge does by default: lists are united; otherwise the kept record's value, or the other's when it is empty. */
export function defaultSide(field: MergeField, keep: 'left' | 'right', left: Rec, right: Rec): Side {
  if (field.isList) return 'both';
  const kept = keep === 'left' ? left : right;
  return isEmpty(kept[field.key]) ? (keep === 'left' ? 'right' : 'left') : keep;
}

/** The per-field choices mergeRecords takes: 'keep' (the kept record's value) or 'other'; lists left out are united. */
export function choicesFor(fields: readonly MergeField[], sides: Record<string, Side>, keep: 'left' | 'right'): Record<string, 'keep' | 'other'> {
  const out: Record<string, 'keep' | 'other'> = {};
  for (const f of fields) {
    const side = sides[f.key];
    if (!side || side === 'both') continue;
    const choice = side === keep ? 'keep' : 'other';
    out[f.key] = choice;
    for (const k of f.with ?? []) out[k] = choice;
  }
  return out;
}

/** The merged value of a field, as text, for the preview column. */
export function mergedText(field: MergeField, side: Side, left: Rec, right: Rec): string {
  if (side === 'both') {
    const a = (left[field.key] as unknown[] | undefined) ?? [];
    const b = (right[field.key] as unknown[] | undefined) ?? [];
    return [...new Set([...a, ...b].map(String))].join(', ');
  }
  return fieldText(field, side === 'left' ? left : right);
}
