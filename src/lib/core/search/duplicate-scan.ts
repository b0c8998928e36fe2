// Duplicate scan over a whole table: reads contacts or accounts in key-ordered chunks with progress, groups them with
// findDuplicates, and leaves out the groups a person dismissed as "not duplicates".
import type { FieldbookDb } from '../storage/db';
import { findDuplicates, type DuplicateCandidate, type DuplicateGroup } from '../sales/duplicates';

export type DuplicateKind = 'contact' | 'account';
/** What a group list shows of each record without reading it again. */
export type DuplicateMember = { id: string; title: string; detail: string };
export type DuplicateGroupView = DuplicateGroup & {
  /** Every reason the same records were grouped for (one pair can share an e-mail and a phone). */
  reasons: DuplicateGroup['reason'][];
  /** The group's key and members: dismissing it hides exactly this group, and a new member brings it back. */
  signature: string;
  members: DuplicateMember[];
};
export type ScanProgress = { done: number; total: number };
export type ScanOptions = {
  onProgress?: (p: ScanProgress) => void;
  signal?: AbortSignal;
  /** Rows read per step; between steps the thread is free for other work. */
  chunkSize?: number;
};

const dismissedKey = (kind: DuplicateKind) => `dismissedDuplicates:${kind}`;

export const groupSignature = (g: Pick<DuplicateGroup, 'key' | 'ids'>): string => `${g.key}|${[...g.ids].sort().join(',')}`;

type Row = Record<string, unknown> & { id: string };
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The fields duplicate detection reads. An account has no company of its own: giving its name as its company makes
 * findDuplicates group accounts of the same (normalised) name, beside those sharing a phone or an e-mail.
 */
function candidateOf(kind: DuplicateKind, r: Row): DuplicateCandidate {
  if (kind === 'account') {
    return { id: r.id, name: str(r.name), company: str(r.name), email: str(r.email), phone: str(r.phone), deletedAt: (r.deletedAt as string | null) ?? null };
  }
  return {
    id: r.id,
    firstName: str(r.firstName),
    lastName: str(r.lastName),
    email: str(r.email),
    otherEmails: (r.otherEmails as string[] | undefined) ?? [],
    phone: str(r.phone),
    mobile: str(r.mobile),
    company: str(r.company),
    deletedAt: (r.deletedAt as string | null) ?? null
  };
}

function memberOf(kind: DuplicateKind, r: Row): DuplicateMember {
  if (kind === 'account') {
    return { id: r.id, title: str(r.name) || 'Unnamed account', detail: [str(r.phone), str(r.email), (r.address as { city?: string } | undefined)?.city ?? ''].filter(Boolean).join(' · ') };
  }
  const name = [str(r.firstName), str(r.lastName)].filter(Boolean).join(' ');
  return { id: r.id, title: name || str(r.email) || 'Unnamed contact', detail: [str(r.company), str(r.email), str(r.mobile) || str(r.phone)].filter(Boolean).join(' · ') };
}

const nextTick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Every group of likely duplicates among the live contacts (or accounts). Rows are read in primary-key chunks (no
 * offset scans), only the fields that matter are kept, and progress is reported per chunk; the final grouping is one
 * pass over the kept fields. Run it in a worker at field scale (50,000 contacts): reading them is most of the cost.
 */
export async function scanDuplicates(db: FieldbookDb, kind: DuplicateKind, o: ScanOptions = {}): Promise<DuplicateGroupView[]> {
  const table = db.rows(kind);
  const counter = await db.counter(kind);
  const total = counter.live + counter.deleted;
  const size = o.chunkSize ?? 2000;
  const candidates: DuplicateCandidate[] = [];
  const members = new Map<string, DuplicateMember>();
  let last: string | null = null;
  let done = 0;
  for (;;) {
    if (o.signal?.aborted) throw new DOMException('The duplicate scan was stopped', 'AbortError');
    const chunk = (last === null ? await table.orderBy(':id').limit(size).toArray() : await table.where(':id').above(last).limit(size).toArray()) as Row[];
    for (const r of chunk) {
      done++;
      if (r._del) continue;
      candidates.push(candidateOf(kind, r));
      members.set(r.id, memberOf(kind, r));
    }
    o.onProgress?.({ done, total: Math.max(total, done) });
    if (chunk.length < size) break;
    last = chunk[chunk.length - 1].id;
    await nextTick();
  }
  const dismissed = new Set(await loadDismissed(db, kind));
  // The same records grouped by e-mail and by phone are one group to review, not two.
  const bySet = new Map<string, DuplicateGroupView>();
  for (const g of findDuplicates(candidates)) {
    const set = g.ids.join(',');
    const seen = bySet.get(set);
    if (seen) {
      if (!seen.reasons.includes(g.reason)) seen.reasons.push(g.reason);
      continue;
    }
    bySet.set(set, { ...g, reasons: [g.reason], signature: groupSignature(g), members: g.ids.map((id) => members.get(id)!).filter(Boolean) });
  }
  return [...bySet.values()].filter((g) => !dismissed.has(g.signature));
}

export async function loadDismissed(db: FieldbookDb, kind: DuplicateKind): Promise<string[]> {
  return (await db.getMeta<string[]>(dismissedKey(kind))) ?? [];
}

/** Remembers that a group is not a set of duplicates, so later scans leave it out. */
export async function dismissGroup(db: FieldbookDb, kind: DuplicateKind, signature: string): Promise<void> {
  const list = await loadDismissed(db, kind);
  if (!list.includes(signature)) await db.setMeta(dismissedKey(kind), [...list, signature]);
}

/** A group after `removedId` was merged away: the rest, or null when fewer than two are left. */
export function withoutMember(group: DuplicateGroupView, removedId: string): DuplicateGroupView | null {
  const ids = group.ids.filter((id) => id !== removedId);
  if (ids.length < 2) return null;
  return { ...group, ids, signature: groupSignature({ key: group.key, ids }), members: group.members.filter((m) => m.id !== removedId) };
}
