// Form drafts of a contact or an account: flat strings for the inputs, and the patch of only what the person changed.
import type { RecordInput } from '$lib/core/commands';
import { changedKeys } from '$lib/state/record-form.svelte';
import type { Channel } from '$lib/core/model/common';
import type { accountKinds, accountTiers } from '$lib/core/model/account';
import type { RowOf } from '$lib/core/storage/queries';

type AddressDraft = { street: string; city: string; region: string; postalCode: string; country: string };
const addressKeys = ['street', 'city', 'region', 'postalCode', 'country'] as const;

export type ContactDraft = AddressDraft & {
  firstName: string;
  lastName: string;
  title: string;
  email: string;
  phone: string;
  mobile: string;
  accountId: string;
  company: string;
  preferredChannel: string;
  consentEmail: boolean;
  consentSms: boolean;
  consentPhone: boolean;
  notes: string;
};

export type AccountDraft = AddressDraft & {
  name: string;
  kind: string;
  tier: string;
  industry: string;
  website: string;
  email: string;
  phone: string;
  salesRegion: string;
  notes: string;
};

const emptyAddress: AddressDraft = { street: '', city: '', region: '', postalCode: '', country: '' };

export function contactDraft(c: RowOf<'contact'> | null | undefined, account?: { id: string; name: string } | null): ContactDraft {
  return {
    firstName: c?.firstName ?? '',
    lastName: c?.lastName ?? '',
    title: c?.title ?? '',
    email: c?.email ?? '',
    phone: c?.phone ?? '',
    mobile: c?.mobile ?? '',
    accountId: c?.accountId ?? account?.id ?? '',
    company: c?.company ?? account?.name ?? '',
    preferredChannel: c?.preferredChannel ?? '',
    consentEmail: c?.consent.email ?? false,
    consentSms: c?.consent.sms ?? false,
    consentPhone: c?.consent.phone ?? false,
    notes: c?.notes ?? '',
    ...pickAddress(c?.address)
  };
}

export function accountDraft(a: RowOf<'account'> | null | undefined): AccountDraft {
  return {
    name: a?.name ?? '',
    kind: a?.kind ?? 'prospect',
    tier: a?.tier ?? 'standard',
    industry: a?.industry ?? '',
    website: a?.website ?? '',
    email: a?.email ?? '',
    phone: a?.phone ?? '',
    salesRegion: a?.region ?? '',
    notes: a?.notes ?? '',
    ...pickAddress(a?.address)
  };
}

const pickAddress = (a: AddressDraft | undefined): AddressDraft => (a ? Object.fromEntries(addressKeys.map((k) => [k, a[k] ?? ''])) as AddressDraft : { ...emptyAddress });

/**
 * Only the fields the person changed since the draft was taken go into the patch: a field edited meanwhile on
 * another device, and left alone here, keeps that device's value instead of being written back.
 */
export function contactPatch(origin: ContactDraft, draft: ContactDraft, current: RowOf<'contact'> | null | undefined): RecordInput<'contact'> {
  const changed = new Set(changedKeys(origin, draft));
  const patch: RecordInput<'contact'> = {};
  for (const k of ['firstName', 'lastName', 'title', 'email', 'phone', 'mobile', 'accountId', 'company', 'notes'] as const) {
    if (changed.has(k)) patch[k] = draft[k].trim();
  }
  if (changed.has('preferredChannel')) patch.preferredChannel = (draft.preferredChannel || null) as Channel | null;
  if (changed.has('consentEmail') || changed.has('consentSms') || changed.has('consentPhone')) {
    const consent = { email: draft.consentEmail, sms: draft.consentSms, phone: draft.consentPhone };
    // When consent was given matters (marketing law): stamp it whenever it changes.
    patch.consent = { ...consent, at: consent.email || consent.sms || consent.phone ? new Date().toISOString() : '' };
  }
  const address = addressPatch(changed, draft, current?.address);
  if (address) patch.address = address;
  return patch;
}

export function accountPatch(origin: AccountDraft, draft: AccountDraft, current: RowOf<'account'> | null | undefined): RecordInput<'account'> {
  const changed = new Set(changedKeys(origin, draft));
  const patch: RecordInput<'account'> = {};
  for (const k of ['name', 'industry', 'website', 'email', 'phone', 'notes'] as const) {
    if (changed.has(k)) patch[k] = draft[k].trim();
  }
  if (changed.has('kind')) patch.kind = draft.kind as (typeof accountKinds)[number];
  if (changed.has('tier')) patch.tier = draft.tier as (typeof accountTiers)[number];
  if (changed.has('salesRegion')) patch.region = draft.salesRegion.trim();
  const address = addressPatch(changed, draft, current?.address);
  if (address) patch.address = address;
  return patch;
}

/** The address is one field group: the changed lines over the current ones. */
function addressPatch(changed: Set<string | number | symbol>, draft: AddressDraft, current: AddressDraft | undefined): AddressDraft | null {
  if (!addressKeys.some((k) => changed.has(k))) return null;
  const out = { ...emptyAddress, ...current };
  for (const k of addressKeys) if (changed.has(k)) out[k] = draft[k].trim();
  return out;
}
