// Duplicate detection on the read model: the same person created twice offline shows up under a normalised key.
export type DuplicateCandidate = { id: string; firstName?: string; lastName?: string; name?: string; email?: string; otherEmails?: string[]; phone?: string; mobile?: string; company?: string; deletedAt?: string | null };
export type DuplicateGroup = { key: string; reason: 'email' | 'phone' | 'name+company'; ids: string[] };

/** Lower-case, trimmed; Gmail ignores dots and +tags in the local part, so those are folded too. */
export function normaliseEmail(email: string | undefined): string {
  const e = (email ?? '').trim().toLowerCase();
  const at = e.lastIndexOf('@');
  if (at <= 0) return '';
  let local = e.slice(0, at);
  const domain = e.slice(at + 1);
  if (domain === 'gmail.com' || domain === 'googlemail.com') local = local.split('+')[0].replaceAll('.', '');
  return `${local}@${domain === 'googlemail.com' ? 'gmail.com' : domain}`;
}

/** Digits only, with a leading country code (default Nepal, +977) or trunk 0 removed; too short to mean anything → ''. */
export function normalisePhone(phone: string | undefined, countryCode = '977'): string {
  let d = (phone ?? '').replace(/(?:ext|x)\.?\s*\d+$/i, '').replace(/\D/g, '');
  if (d.startsWith('00')) d = d.slice(2);
  if (d.startsWith(countryCode) && d.length > countryCode.length + 6) d = d.slice(countryCode.length);
  if (d.startsWith('0')) d = d.slice(1);
  return d.length >= 7 ? d : '';
}

export const normaliseName = (s: string | undefined): string =>
  (s ?? '').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** Groups of two or more live records that share an email, a phone, or a name at the same company. */
export function findDuplicates(records: readonly DuplicateCandidate[]): DuplicateGroup[] {
  const buckets = new Map<string, { reason: DuplicateGroup['reason']; ids: Set<string> }>();
  const add = (key: string, reason: DuplicateGroup['reason'], id: string) => {
    if (!key) return;
    const b = buckets.get(key) ?? { reason, ids: new Set<string>() };
    b.ids.add(id);
    buckets.set(key, b);
  };
  for (const r of records) {
    if (r.deletedAt) continue;
    for (const e of [r.email, ...(r.otherEmails ?? [])]) add(`email:${normaliseEmail(e)}`.replace(/^email:$/, ''), 'email', r.id);
    for (const p of [r.phone, r.mobile]) add(`phone:${normalisePhone(p)}`.replace(/^phone:$/, ''), 'phone', r.id);
    const name = normaliseName(r.name ?? [r.firstName, r.lastName].filter(Boolean).join(' '));
    const company = normaliseName(r.company);
    if (name && company) add(`name:${name}|${company}`, 'name+company', r.id);
  }
  const groups: DuplicateGroup[] = [];
  for (const [key, b] of buckets) if (b.ids.size > 1) groups.push({ key, reason: b.reason, ids: [...b.ids].sort() });
  return groups.sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * The merged record for a side-by-side merge: the kept record's values win, its empty fields are filled from the
 * other, and list fields (emails, tags) are united so nothing the user typed is thrown away.
 */
export function mergeFields<T extends Record<string, unknown>>(keep: T, other: T, choices: Partial<Record<keyof T, 'keep' | 'other'>> = {}): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(other)) {
    if (['id', 'v', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'deletedAt', 'deletedBy'].includes(key) || key.startsWith('_')) continue;
    const a = keep[key];
    const b = other[key];
    const choice = choices[key as keyof T];
    if (choice === 'other') out[key] = b;
    else if (choice === 'keep') continue;
    else if (Array.isArray(a) && Array.isArray(b)) {
      const union = [...new Set([...a, ...b].map((x) => JSON.stringify(x)))].map((x) => JSON.parse(x));
      if (union.length !== a.length) out[key] = union;
    } else if ((a === '' || a === null || a === undefined) && b !== '' && b !== null && b !== undefined) out[key] = b;
  }
  return out as Partial<T>;
}
