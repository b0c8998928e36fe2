// Who is in the meeting and what each is looking at: a small sealed message per device over its link, never stored in the documents.
/**
 * Presence is not data: it lives in memory while a meeting lasts and is gone when a device leaves. Each device sends
 * its own state to every linked peer when the link opens and whenever it changes (the route it shows, the record
 * open there, whether it has unsaved edits). Messages travel on their own data channel beside the sync channel,
 * sealed with the team key (crypto.ts) under a presence-only context, so a device that does not hold the key can
 * neither read nor forge them, and a sealed sync message can never be taken for one. `seq` orders a device's messages:
 * a late older one never overwrites a newer state.
 *
 * Why not y-protocols' awareness: it needs a Y.Doc and a client id per state and relays states between peers; in a
 * full mesh every device hears every other directly, so one message type and a map keyed by link is all it takes.
 */
import { z } from 'zod';
import { collections, type CollectionName } from '../model/registry';
import { open, seal } from './crypto';

export type Presence = {
  /** The user id the device works as (`by` of its changes). */
  user: string;
  /** The user's name as that device knows it (its user record), or the id. */
  name: string;
  /** The path it shows, e.g. "/contacts/0190…". */
  route: string;
  /** Record type and id shown at that path, or '' on a list or another screen. */
  collection: CollectionName | '';
  recordId: string;
  /** True while it has unsaved changes on screen. */
  isEditing: boolean;
};

export type PresenceEnvelope = { seq: number; presence: Presence };

const VERSION = 1;
const CONTEXT = new TextEncoder().encode(`fieldbook:presence:v${VERSION}`);
const utf8 = new TextEncoder();
const utf8Decode = new TextDecoder('utf-8', { fatal: true });

/** The presence a peer sent, checked: it crossed a trust boundary. */
const presenceSchema = z.object({
  v: z.literal(VERSION),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  user: z.string().max(64),
  name: z.string().max(120),
  route: z.string().max(300),
  collection: z.union([z.literal(''), z.enum(Object.keys(collections) as [CollectionName, ...CollectionName[]])]),
  recordId: z.string().max(64),
  isEditing: z.boolean()
});

/** A presence message that is not valid (altered, another version, or not presence at all). */
export class PresenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PresenceError';
  }
}

export async function sealPresence(key: CryptoKey, envelope: PresenceEnvelope): Promise<Uint8Array> {
  const { presence: p, seq } = envelope;
  const body = { v: VERSION, seq, user: p.user, name: p.name, route: p.route, collection: p.collection, recordId: p.recordId, isEditing: p.isEditing };
  return seal(key, utf8.encode(JSON.stringify(body)), CONTEXT);
}

/** Opens and checks a peer's presence; throws WrongKeyError (not our team) or PresenceError (malformed). */
export async function openPresence(key: CryptoKey, bytes: Uint8Array): Promise<PresenceEnvelope> {
  const plain = await open(key, bytes, CONTEXT);
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8Decode.decode(plain));
  } catch {
    throw new PresenceError('A presence message is not valid JSON');
  }
  const r = presenceSchema.safeParse(parsed);
  if (!r.success) throw new PresenceError(`A presence message is malformed (${r.error.issues.map((i) => i.path.join('.')).join(', ')})`);
  const { seq, user, name, route, collection, recordId, isEditing } = r.data;
  return { seq, presence: { user, name: name || user, route, collection, recordId, isEditing } };
}

/** Route segments of record pages → record type, from the registry's table names (contacts → contact, …). */
const byRoute: ReadonlyMap<string, CollectionName> = new Map(Object.entries(collections).map(([name, c]) => [c.table, name as CollectionName]));

/** What a path shows: `/contacts/abc` → contact abc; `/contacts`, `/contacts/new`, `/sync` → no record. */
export function presenceOfPath(pathname: string): Pick<Presence, 'route' | 'collection' | 'recordId'> {
  const route = pathname.slice(0, 300);
  const [segment, id] = pathname.split('/').filter(Boolean);
  const collection = byRoute.get(segment ?? '');
  if (!collection || !id || id === 'new' || id.length > 64) return { route, collection: '', recordId: '' };
  return { route, collection, recordId: decodeURIComponent(id) };
}

/** The latest presence of each linked peer. */
export class PresenceBook {
  readonly #states = new Map<string, PresenceEnvelope>();

  /** Keeps a peer's state unless an equal or newer one is already known; returns whether it changed. */
  apply(peer: string, envelope: PresenceEnvelope): boolean {
    const known = this.#states.get(peer);
    if (known && known.seq >= envelope.seq) return false;
    this.#states.set(peer, envelope);
    return true;
  }

  remove(peer: string): boolean {
    return this.#states.delete(peer);
  }

  get(peer: string): Presence | null {
    return this.#states.get(peer)?.presence ?? null;
  }

  /** Peers that show a record (a detail page, or its edit form). */
  onRecord(collection: CollectionName, recordId: string): { peer: string; presence: Presence }[] {
    const out: { peer: string; presence: Presence }[] = [];
    for (const [peer, { presence }] of this.#states) if (presence.collection === collection && presence.recordId === recordId) out.push({ peer, presence });
    return out;
  }

  clear(): void {
    this.#states.clear();
  }
}
