// Who is in the meeting and what each is looking at: y-protocols awareness on a presence-only doc, sealed per link, never stored.
/**
 * Presence is not data: it lives in memory while a meeting lasts and is gone when a device leaves. Each meeting keeps
 * one y-protocols `Awareness` (MeetingPresence below) on a small Y.Doc of its own whose clientID is this device's Yjs
 * client id; that doc never holds anything and is never stored, and no workspace doc is touched. The local state is a
 * `Presence` (who, which route, which record, whether it has unsaved edits); the states of the other devices are keyed
 * by their client ids, so a device is one entry however often its link is rebuilt.
 *
 * Wire: each link (mesh.ts) has a data channel for presence beside the sync channel. A device sends its own state as
 * an awareness update (`encodeAwarenessUpdate(awareness, [self])`: client id, clock, JSON state) when the link opens,
 * whenever the state changes, and when Awareness renews it (every `outdatedTimeout / 2` = 15 s while nothing
 * changes). The update is sealed with the team key (crypto.ts) under a presence-only context, so a device without the
 * key can neither read nor forge it and a sealed sync message can never be taken for one. On arrival it is opened,
 * decoded and checked with the zod schema; only entries about the link's own device are accepted (a link speaks for
 * its device, nobody else's). A message that fails any of this is dropped whole and counted; it carries no data, so
 * the sync session, not presence, decides whether the peer is trusted.
 *
 * Awareness semantics kept:
 * - Clock order: a state is taken only with a clock above the one known for that client, so a late older update
 *   (sealing is async and two may overtake each other) never overwrites a newer state.
 * - Leaving: a device that leaves sends a null state (Awareness.destroy), and the mesh calls `drop` when a peer says
 *   bye or its link ends, which removes its state at once (removeAwarenessStates). `drop` also forgets the client's
 *   clock: the client id is the device's and survives a reload, but a reloaded device starts a new Awareness whose
 *   clock starts again at 0; without forgetting, its states would be older than the last one seen and be ignored.
 *   Each link is therefore one awareness session of the peer, and a message of an ended link is never applied.
 * - Timeout: a peer whose state was not renewed for `outdatedTimeout` (30 s) is removed by Awareness itself (a link
 *   that stays open while its page hangs).
 * - No forwarding: y-webrtc re-broadcasts every state it learns so presence spreads through a partial mesh. Here every
 *   device in a meeting links to every other directly (mesh.ts), so each hears each state first-hand; relaying would
 *   only double the traffic and let one peer speak for another. A pair that cannot link directly does not see each
 *   other's presence, which matches the Sync screen (that peer is not connected there either).
 * Relay mode (relay.ts) keeps its provider's awareness null: the relay server would see it in clear.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
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

/** One entry of an awareness update: a client's state (null: it left) at its clock. */
export type PresenceEntry = { client: number; clock: number; state: Presence | null };

// v2: awareness updates. A v1 message (the earlier home-made envelope) does not open under this context.
const CONTEXT = new TextEncoder().encode('fieldbook:presence:v2');
/** A presence update names one device: a few hundred bytes. Anything far larger is not one. */
const MAX_SEALED = 8 * 1024;
const MAX_ENTRIES = 8;

/** A device's state as it crosses the trust boundary: exactly these fields, no more. */
const presenceSchema = z.strictObject({
  user: z.string().max(64),
  name: z.string().max(120),
  route: z.string().max(300),
  collection: z.union([z.literal(''), z.enum(Object.keys(collections) as [CollectionName, ...CollectionName[]])]),
  recordId: z.string().max(64),
  isEditing: z.boolean()
});
const clientSchema = z.number().int().min(1).max(2 ** 32 - 1);
const clockSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A presence message that is not valid (altered, another format, or about a device the link does not speak for). */
export class PresenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PresenceError';
  }
}

/** Entries → the awareness update format of y-protocols (varUint count, then client, clock, JSON state each). */
export function encodePresenceUpdate(entries: readonly PresenceEntry[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const { client, clock, state } of entries) {
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, JSON.stringify(state));
  }
  return encoding.toUint8Array(e);
}

/** An awareness update → checked entries; throws PresenceError for anything malformed (including trailing bytes). */
export function decodePresenceUpdate(update: Uint8Array): PresenceEntry[] {
  const d = decoding.createDecoder(update);
  const entries: PresenceEntry[] = [];
  try {
    const n = decoding.readVarUint(d);
    if (n > MAX_ENTRIES) throw new PresenceError(`A presence message about ${n} devices is not plausible`);
    for (let i = 0; i < n; i++) {
      const client = clientSchema.safeParse(decoding.readVarUint(d));
      const clock = clockSchema.safeParse(decoding.readVarUint(d));
      if (!client.success || !clock.success) throw new PresenceError('A presence message has a malformed client id or clock');
      let json: unknown;
      try {
        json = JSON.parse(decoding.readVarString(d));
      } catch {
        throw new PresenceError('A presence message is not valid JSON');
      }
      let state: Presence | null = null;
      if (json !== null) {
        const r = presenceSchema.safeParse(json);
        if (!r.success) throw new PresenceError(`A presence message is malformed (${r.error.issues.map((x) => x.path.join('.') || x.code).join(', ')})`);
        state = { ...r.data, name: r.data.name || r.data.user };
      }
      entries.push({ client: client.data, clock: clock.data, state });
    }
  } catch (e) {
    if (e instanceof PresenceError) throw e;
    throw new PresenceError(`A presence message is cut short (${(e as Error).message})`);
  }
  if (d.pos !== update.byteLength) throw new PresenceError('A presence message has the wrong length');
  return entries;
}

export async function sealPresenceUpdate(key: CryptoKey, update: Uint8Array): Promise<Uint8Array> {
  return seal(key, update, CONTEXT);
}

/**
 * Opens and checks what a link's device sent: throws WrongKeyError (not our team, or altered) or PresenceError
 * (malformed, or about another device). Returns the update re-encoded from the checked entries, so what reaches the
 * Awareness is exactly what was validated.
 */
export async function openPresenceUpdate(key: CryptoKey, sealed: Uint8Array, from: number): Promise<Uint8Array> {
  if (sealed.byteLength > MAX_SEALED) throw new PresenceError('A presence message is too large');
  const entries = decodePresenceUpdate(await open(key, sealed, CONTEXT));
  if (entries.some((x) => x.client !== from)) throw new PresenceError('A presence message speaks for another device');
  return encodePresenceUpdate(entries);
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

type AwarenessChanges = { added: number[]; updated: number[]; removed: number[] };

/** The presence of one meeting: this device's state and the states its links brought, in one y-protocols Awareness. */
export class MeetingPresence {
  readonly awareness: Awareness;
  readonly #doc: Y.Doc;
  #isDestroyed = false;

  /** `device`: this device's Yjs client id (the workspace's), which becomes the awareness client id. */
  constructor(device: number, local: Presence | null = null) {
    // Never stored, never synced, no shared types: the doc only gives Awareness its client id.
    this.#doc = new Y.Doc({ gc: true });
    this.#doc.clientID = device;
    this.awareness = new Awareness(this.#doc);
    // Awareness starts at `{}` with clock 0, which a peer would not take (it only takes clocks above what it knows,
    // 0 for a stranger). Setting the real state now moves the clock to 1 before anything is sent.
    this.awareness.setLocalState(local);
  }

  get device(): number {
    return this.awareness.clientID;
  }

  get local(): Presence | null {
    return (this.awareness.getLocalState() as Presence | null) ?? null;
  }

  setLocal(p: Presence | null): void {
    if (!this.#isDestroyed) this.awareness.setLocalState(p);
  }

  /** This device's state (and clock) as an awareness update, to send on a link. */
  localUpdate(): Uint8Array {
    return encodeAwarenessUpdate(this.awareness, [this.device]);
  }

  /** Applies a checked update (openPresenceUpdate) that came over a link; `origin` names the link. */
  apply(update: Uint8Array, origin: unknown): void {
    if (!this.#isDestroyed) applyAwarenessUpdate(this.awareness, update, origin);
  }

  /** A peer device left or its link ended: its state goes, and its clock is forgotten (see the top of this file). */
  drop(device: number): void {
    if (device === this.device || this.#isDestroyed) return;
    removeAwarenessStates(this.awareness, [device], 'link ended');
    this.awareness.meta.delete(device);
  }

  /** The state of another device, or null when none is known. */
  get(device: number): Presence | null {
    if (device === this.device) return null;
    return (this.awareness.getStates().get(device) as Presence | undefined) ?? null;
  }

  /** The other devices' states, by client id. */
  others(): Map<number, Presence> {
    const out = new Map<number, Presence>();
    for (const [client, state] of this.awareness.getStates()) if (client !== this.device && state) out.set(client, state as Presence);
    return out;
  }

  /** Calls `send` whenever this device's state should go out: it changed, was renewed, or was cleared on leaving. */
  onLocalUpdate(send: () => void): () => void {
    const listener = (changes: AwarenessChanges, origin: unknown) => {
      if (origin !== 'local') return;
      const self = this.device;
      if (changes.added.includes(self) || changes.updated.includes(self) || changes.removed.includes(self)) send();
    };
    this.awareness.on('update', listener);
    return () => this.awareness.off('update', listener);
  }

  /** Calls `changed` when what another device shows changed, arrived or went (including Awareness's own timeout). */
  onChange(changed: () => void): () => void {
    const listener = (changes: AwarenessChanges) => {
      const self = this.device;
      if ([...changes.added, ...changes.updated, ...changes.removed].some((c) => c !== self)) changed();
    };
    this.awareness.on('change', listener);
    return () => this.awareness.off('change', listener);
  }

  /** Ends presence: the state becomes null (sent to the links still open, so peers drop it at once), the timer stops. */
  destroy(): void {
    if (this.#isDestroyed) return;
    this.#isDestroyed = true;
    // Y.Doc's destroy event destroys the Awareness: null local state (an 'update' with it removed), then no timers.
    this.#doc.destroy();
  }
}
