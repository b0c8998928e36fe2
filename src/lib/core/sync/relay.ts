// Relay sync: the workspace's docs travel as sealed entries of one Yjs "envelope" doc per team room on a stock y-websocket server.
/**
 * Why an envelope: a stock y-websocket server merges the Yjs docs it holds, so it must see Yjs structure. The relay
 * doc is therefore one Y.Map of opaque entries, `key → seal(teamKey, { docId, update })` (crypto.ts, AES-GCM, the
 * entry key bound in as additional data). The server sees the room hash, entry keys (`<device tag>.<seq>`: random,
 * no doc ids), the envelope's Yjs client ids, sizes and timing — never a doc id or a record.
 *
 * Reading: every entry not read before is opened and applied through `ws.applyRemote` (the validated entry point),
 * merged per doc so one doc is validated and stored once per batch; a refused merge is retried entry by entry so
 * one bad entry costs only itself. An entry counts as read once the local doc covers it (an update whose causal
 * predecessors are missing waits in memory in Yjs; it is read again next time rather than marked done).
 *
 * Writing: what the relay holds for a doc is known from the entries on it (each entry's per-client clock ranges, kept
 * in a local index `sync:relay:<room>:entries`). On connect every local doc whose state vector goes beyond that is
 * published as `encodeStateAsUpdate(doc, relaySv)`; afterwards each stored change (local, or from a meeting-room
 * peer) is published as its diff against the relay's state vector, so nothing that came from the relay is sent back.
 * Pure deletions (no new structs) are published unless they came from our own relay apply. Updates above
 * `maxEntryBytes` are split into numbered parts of one group, written in one envelope transaction.
 *
 * Growth: entries are never rewritten by the server; each device replaces its own entries for a doc with one full
 * state once it has more than `compactAfter` of them (deleted Y.Map values are garbage-collected by Yjs, leaving a
 * few bytes of tombstone). The relay holds at most about (devices × doc state) + recent diffs; see docs/relay.md.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebsocketProvider as YWebsocketProvider } from 'y-websocket';
import { deriveTeamKey, open, roomName, seal, WrongKeyError } from './crypto';
import { LOCAL_ORIGIN, ReadOnlyError, RejectedUpdateError, StorageError, type ChangeEvent, type Workspace } from './workspace';

export type RelayStatus = 'connecting' | 'catching-up' | 'live' | 'offline' | 'stopped' | 'failed';

/** Entries to read or write in the current pass, and bytes moved (sealed entries, both directions). */
export type RelayProgress = { entriesTotal: number; entriesDone: number; bytes: number };

export type RelayErrorKind =
  /** Entries that do not open with our key (another password, or damaged on the relay); ignored. */
  | 'wrong-password'
  /** An entry opened but is not a Fieldbook entry, or a refused update; ignored, local data intact. */
  | 'damaged-entry'
  | 'rejected-update'
  | 'connection'
  | 'bad-url'
  | 'read-only'
  | 'storage';

/** A relay problem in words a person can act on; `isFatal` ones stop the relay sync. */
export class RelayError extends Error {
  readonly isFatal: boolean;
  constructor(
    readonly kind: RelayErrorKind,
    message: string,
    readonly docId = ''
  ) {
    super(message);
    this.name = 'RelayError';
    this.isFatal = kind === 'read-only' || kind === 'storage' || kind === 'bad-url';
  }
}

export type RelayStats = {
  /** Entries on the relay for this room right now. */
  onRelay: number;
  entriesRead: number;
  entriesWritten: number;
  /** Entries that did not open with our key. */
  unreadable: number;
  /** Entries that opened but were refused (damaged, or failing validation). */
  refused: number;
  /** Own entries replaced by a full-state entry. */
  compacted: number;
  bytesIn: number;
  bytesOut: number;
};

/** The part of y-websocket's provider relay.ts uses; tests may inject a wrapper. */
export type ProviderConstructor = typeof YWebsocketProvider;

type Secret = { password: string; workspace: string } | { key: CryptoKey; room: string };

export type RelayOptions = Secret & {
  /** ws:// or wss:// address of the relay (http(s):// is accepted and converted). */
  url: string;
  WebsocketProvider?: ProviderConstructor;
  /** A WebSocket implementation where the platform has none (Node: the `ws` package). */
  WebSocketPolyfill?: unknown;
  onProgress?: (p: RelayProgress) => void;
  onStatus?: (s: RelayStatus) => void;
  /** Every problem; fatal ones also end the relay sync. */
  onError?: (e: RelayError) => void;
  /** Own entries per doc before they are replaced by one full-state entry. */
  compactAfter?: number;
  /** Largest update carried by one entry; bigger ones are split. */
  maxEntryBytes?: number;
  /** How long local changes are gathered before they are published together. */
  publishDelayMs?: number;
};

export type RelaySync = {
  readonly status: RelayStatus;
  readonly progress: RelayProgress;
  readonly stats: Readonly<RelayStats>;
  /** When the relay was last fully caught up in both directions (ms since epoch), or null. */
  readonly lastSyncAt: number | null;
  /** Resolves once the first catch-up (read everything, publish what the relay lacks) is done. */
  readonly whenSynced: Promise<void>;
  /** Resolves when nothing is waiting to be read or published (tests, "sync now" buttons). */
  idle(): Promise<void>;
  /** Replaces this device's entries for every doc with one full-state entry each. */
  compactAll(): Promise<void>;
  stop(): Promise<void>;
};

/** An envelope entry as the relay stores it: index per key, kept locally (never sent). */
type EntryInfo = {
  /** Doc id, or '' for an entry that was refused. */
  doc: string;
  /** Flattened per-client clock ranges covered: [client, from, to, …]. */
  r: number[];
};
type DeviceState = { tag: string; seq: number };
type Incoming = { keys: string[]; docId: string; update: Uint8Array };
type Opened = { docId: string; group: string; index: number; count: number; bytes: Uint8Array };
type Pending = { updates: Uint8Array[]; mayPublishDeletes: boolean };

const MAP = 'entries';
const PUBLISH = 'fieldbook:relay-publish';
const VERSION = 1;
const DEFAULTS = { compactAfter: 64, maxEntryBytes: 1024 * 1024, publishDelayMs: 50 };
/** Above this much unsent data the publisher waits for the socket (a 50 MB first publish must not pile up in memory). */
const HIGH_WATER = 4 * 1024 * 1024;
const utf8 = new TextEncoder();

const running = new WeakMap<Workspace, RelaySync>();

/** The relay address as the provider wants it, or a RelayError saying what is wrong with the text. */
export function normaliseRelayUrl(text: string, pageProtocol = ''): string {
  let url: URL;
  try {
    url = new URL(text.trim().includes('://') ? text.trim() : `ws://${text.trim()}`);
  } catch {
    throw new RelayError('bad-url', `"${text}" is not a relay address. It looks like ws://server:1234 or wss://relay.example.org.`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new RelayError('bad-url', `A relay address starts with ws:// or wss://, not ${url.protocol}//.`);
  }
  const isLoopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (pageProtocol === 'https:' && url.protocol === 'ws:' && !isLoopback) {
    throw new RelayError('bad-url', 'Fieldbook is open over https, so the browser only allows a secure relay: use wss:// (a reverse proxy with TLS in front of the relay, see docs/relay.md).');
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** Additional data for an entry: binds the ciphertext to its key, so the server cannot swap entries unnoticed. */
const entryContext = (entryKey: string): Uint8Array => utf8.encode(`fieldbook:relay:v${VERSION}:${entryKey}`);

function encodePayload(docId: string, group: string, index: number, count: number, bytes: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, VERSION);
  encoding.writeVarString(e, docId);
  encoding.writeVarString(e, group);
  encoding.writeVarUint(e, index);
  encoding.writeVarUint(e, count);
  encoding.writeVarUint8Array(e, bytes);
  return encoding.toUint8Array(e);
}

function decodePayload(payload: Uint8Array): Opened {
  const d = decoding.createDecoder(payload);
  const version = decoding.readVarUint(d);
  if (version !== VERSION) throw new Error(`entry format ${version} is not known to this version of Fieldbook`);
  const docId = decoding.readVarString(d);
  const group = decoding.readVarString(d);
  const index = decoding.readVarUint(d);
  const count = decoding.readVarUint(d);
  const bytes = decoding.readVarUint8Array(d);
  if (!/^[a-zA-Z]+\/\S{1,200}$/.test(docId) || count < 1 || index >= count || decoding.hasContent(d)) throw new Error('the entry is malformed');
  return { docId, group, index, count, bytes };
}

/** Seals one entry as relay.ts writes it (exported for tests that plant entries on a relay). */
export async function sealEntry(key: CryptoKey, entryKey: string, docId: string, update: Uint8Array, part = { group: '', index: 0, count: 1 }): Promise<Uint8Array> {
  return seal(key, encodePayload(docId, part.group, part.index, part.count, update), entryContext(entryKey));
}

/** Per-client clock ranges an update carries (Skip structs are gaps, not content), and whether it deletes anything. */
export function describeUpdate(update: Uint8Array): { ranges: number[]; hasDeletes: boolean } {
  const { structs, ds } = Y.decodeUpdate(update);
  const ranges: number[] = [];
  for (const s of structs) {
    if (s instanceof Y.Skip) continue;
    const n = ranges.length;
    if (n > 0 && ranges[n - 3] === s.id.client && ranges[n - 1] === s.id.clock) ranges[n - 1] = s.id.clock + s.length;
    else ranges.push(s.id.client, s.id.clock, s.id.clock + s.length);
  }
  return { ranges, hasDeletes: ds.clients.size > 0 };
}

/** The state vector a set of entries guarantees: per client, the clock up to which ranges join up from 0. */
function coveredVector(ranges: number[][]): Map<number, number> {
  const byClient = new Map<number, [number, number][]>();
  for (const r of ranges) for (let i = 0; i < r.length; i += 3) (byClient.get(r[i]) ?? byClient.set(r[i], []).get(r[i])!).push([r[i + 1], r[i + 2]]);
  const sv = new Map<number, number>();
  for (const [client, list] of byClient) {
    list.sort((a, b) => a[0] - b[0]);
    let clock = 0;
    for (const [from, to] of list) if (from <= clock) clock = Math.max(clock, to);
    if (clock > 0) sv.set(client, clock);
  }
  return sv;
}

const goesBeyond = (ranges: number[], sv: Map<number, number>): boolean => {
  for (let i = 0; i < ranges.length; i += 3) if (ranges[i + 2] > (sv.get(ranges[i]) ?? 0)) return true;
  return false;
};

/** Problems that are about this device, not about one entry: they stop the relay sync instead of skipping an entry. */
const isFatal = (e: unknown): boolean => e instanceof ReadOnlyError || e instanceof StorageError;

const randomTag = (): string => Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * Starts syncing `ws` through a relay. One relay sync runs per workspace: starting another stops the previous one.
 * Everything received goes through `ws.applyRemote`; a refused entry is reported and skipped, local data untouched.
 */
export function startRelaySync(ws: Workspace, options: RelayOptions): RelaySync {
  const previous = running.get(ws);
  const relay = new RelayClient(ws, options, previous ? previous.stop() : Promise.resolve());
  const handle: RelaySync = {
    get status() {
      return relay.status;
    },
    get progress() {
      return { ...relay.progress };
    },
    get stats() {
      return relay.stats;
    },
    get lastSyncAt() {
      return relay.lastSyncAt;
    },
    whenSynced: relay.whenSynced,
    idle: () => relay.idle(),
    compactAll: () => relay.compactAll(),
    stop: async () => {
      if (running.get(ws) === handle) running.delete(ws);
      await relay.stop();
    }
  };
  running.set(ws, handle);
  return handle;
}

/** Stops the relay sync running for this workspace, if any. */
export async function stopRelaySync(ws: Workspace): Promise<void> {
  await running.get(ws)?.stop();
}

class RelayClient {
  status: RelayStatus = 'connecting';
  progress: RelayProgress = { entriesTotal: 0, entriesDone: 0, bytes: 0 };
  readonly stats: RelayStats = { onRelay: 0, entriesRead: 0, entriesWritten: 0, unreadable: 0, refused: 0, compacted: 0, bytesIn: 0, bytesOut: 0 };
  lastSyncAt: number | null = null;
  readonly whenSynced: Promise<void>;

  readonly #ws: Workspace;
  readonly #o: RelayOptions & typeof DEFAULTS;
  readonly #envelope = new Y.Doc();
  readonly #map = this.#envelope.getMap<Uint8Array>(MAP);
  #provider: InstanceType<ProviderConstructor> | null = null;
  #key: CryptoKey | null = null;
  #stateKey = '';
  #device: DeviceState = { tag: '', seq: 0 };
  #entries = new Map<string, EntryInfo>();
  #byDoc = new Map<string, Set<string>>();
  /** Keys seen on the relay and not read yet; parts of split updates wait here for their siblings. */
  readonly #toRead = new Set<string>();
  readonly #parts = new Map<string, Map<number, { key: string; bytes: Uint8Array }>>();
  readonly #pending = new Map<string, Pending>();
  #applying = '';
  #queue: Promise<unknown> = Promise.resolve();
  #isCaughtUp = false;
  #isCatchUpQueued = false;
  #isStopped = false;
  /** stop() was called: long loops end early; only the final publish and index save still run. */
  #isStopping = false;
  #hasOpenedAny = false;
  #saidWrongPassword = false;
  #saidOffline = false;
  #indexDirty = false;
  #indexTimer: ReturnType<typeof setTimeout> | null = null;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #offChange: () => void = () => undefined;
  #resolveSynced!: () => void;

  constructor(ws: Workspace, options: RelayOptions, previousStopped: Promise<void>) {
    this.#ws = ws;
    this.#o = { ...DEFAULTS, ...options };
    this.whenSynced = new Promise((resolve) => (this.#resolveSynced = resolve));
    this.#queue = previousStopped.then(() => this.#start()).catch((e) => this.#fail(e));
  }

  async #start(): Promise<void> {
    if (!this.#ws.isWriter) throw new ReadOnlyError();
    const url = normaliseRelayUrl(this.#o.url);
    const secret = this.#o as Secret;
    const [key, room] =
      'password' in secret ? await Promise.all([deriveTeamKey(secret.password, secret.workspace), roomName(secret.password, secret.workspace)]) : [secret.key, secret.room];
    if (this.#isHalting) return;
    this.#key = key;
    this.#stateKey = `sync:relay:${room.slice(0, 16)}`;
    this.#device = (await this.#ws.db.getMeta<DeviceState>(`${this.#stateKey}:device`)) ?? { tag: randomTag(), seq: 0 };
    const index = (await this.#ws.db.getMeta<Record<string, EntryInfo>>(`${this.#stateKey}:entries`)) ?? {};
    for (const [k, info] of Object.entries(index)) this.#index(k, info);

    this.#map.observe((event, tr) => {
      if (tr.origin === PUBLISH) return;
      for (const k of event.keysChanged) {
        if (this.#map.has(k)) {
          if (!this.#entries.has(k)) this.#toRead.add(k);
        } else {
          this.#toRead.delete(k);
          this.#unindex(k);
        }
      }
      this.stats.onRelay = this.#map.size;
      if (this.#isCaughtUp) this.#run(() => this.#readNew());
    });
    this.#offChange = this.#ws.onChange((e) => this.#onChange(e));

    const Provider = this.#o.WebsocketProvider ?? (await import('y-websocket')).WebsocketProvider;
    if (this.#isHalting) return;
    const provider = new Provider(url, room, this.#envelope, {
      disableBc: true,
      maxBackoffTime: 10_000,
      ...(this.#o.WebSocketPolyfill ? { WebSocketPolyfill: this.#o.WebSocketPolyfill as never } : {})
    });
    // Presence is the meeting room's business; the relay learns nothing from an empty awareness state either way.
    provider.awareness.setLocalState(null);
    this.#provider = provider;
    provider.on('status', ({ status }) => {
      if (status === 'connected') this.#saidOffline = false;
      else if (status === 'disconnected' && this.status !== 'stopped' && this.status !== 'failed') this.#setStatus('offline');
    });
    provider.on('connection-error', () => {
      if (this.#saidOffline || this.#isStopped) return;
      this.#saidOffline = true;
      this.#setStatus('offline');
      this.#report(new RelayError('connection', `Cannot reach the relay at ${url}. Fieldbook keeps trying; your changes stay on this device and go out once it is reachable.`));
    });
    provider.on('sync', (isSynced) => {
      if (!isSynced || this.#isHalting) return;
      if (!this.#isCaughtUp) {
        if (this.#isCatchUpQueued) return;
        this.#isCatchUpQueued = true;
        this.#run(() => this.#catchUp());
      } else this.#run(async () => {
        await this.#readNew();
        this.#markSynced();
      });
    });
  }

  /** First sync: forget entries the relay no longer holds, read everything new, publish what the relay lacks. */
  async #catchUp(): Promise<void> {
    this.#setStatus('catching-up');
    const present = new Set(this.#map.keys());
    for (const k of [...this.#entries.keys()]) if (!present.has(k)) this.#unindex(k);
    // A lost local index must never make us reuse a key the relay still holds.
    const own = `${this.#device.tag}.`;
    for (const k of present) {
      if (!this.#entries.has(k)) this.#toRead.add(k);
      if (k.startsWith(own)) this.#device.seq = Math.max(this.#device.seq, parseInt(k.slice(own.length), 36) + 1);
    }
    this.stats.onRelay = present.size;
    await this.#readNew();
    await this.#publishMissing();
    this.#isCaughtUp = true;
    await this.#flushPending();
    await this.#readNew();
    this.#markSynced();
    this.#resolveSynced();
  }

  #markSynced(): void {
    if (this.#isStopped) return;
    this.lastSyncAt = Date.now();
    this.progress = { entriesTotal: 0, entriesDone: 0, bytes: this.progress.bytes };
    this.#o.onProgress?.({ ...this.progress });
    this.#setStatus(this.#provider?.wsconnected ? 'live' : 'offline');
  }

  // ---------------------------------------------------------------- reading

  async #readNew(): Promise<void> {
    if (this.#toRead.size === 0 || this.#isHalting) return;
    const keys = [...this.#toRead];
    this.#toRead.clear();
    this.#grow(keys.length);
    const byDoc = new Map<string, Incoming[]>();
    for (const k of keys) {
      if (this.#isHalting) return;
      const value = this.#map.get(k);
      const item = value === undefined ? null : await this.#openEntry(k, value);
      // An entry counts as done once applied; one that cannot be (or waits for its other parts) is done now.
      if (item) (byDoc.get(item.docId) ?? byDoc.set(item.docId, []).get(item.docId)!).push(item);
      else this.#done(1);
    }
    for (const [docId, items] of byDoc) {
      if (this.#isHalting) return;
      await this.#applyDoc(docId, items);
      this.#done(items.reduce((n, i) => n + i.keys.length, 0));
    }
    if (this.stats.unreadable > 0 && !this.#saidWrongPassword) {
      this.#saidWrongPassword = true;
      // Said once: if nothing on the relay ever opened, the password is the likely cause; otherwise a few entries are.
      const hasReadable = this.#hasOpenedAny || [...this.#entries.values()].some((e) => e.doc !== '');
      this.#report(
        new RelayError(
          'wrong-password',
          hasReadable
            ? `${this.stats.unreadable === 1 ? 'One entry' : `${this.stats.unreadable} entries`} on the relay could not be decrypted with this team password (sealed with another password, or damaged). ${this.stats.unreadable === 1 ? 'It was' : 'They were'} ignored; nothing on this device changed.`
            : 'The data on the relay was sealed with a different password: check that this device uses the same team sync password as the others. Nothing was applied.'
        )
      );
    }
    this.#saveIndexSoon();
  }

  /** Opens one entry; returns a whole update (alone, or once every part of its group is here) or null. */
  async #openEntry(k: string, value: unknown): Promise<Incoming | null> {
    if (!(value instanceof Uint8Array)) {
      this.#refuse([k], new RelayError('damaged-entry', 'An entry on the relay is not Fieldbook data; it was ignored.'));
      return null;
    }
    this.stats.bytesIn += value.byteLength;
    this.progress.bytes += value.byteLength;
    let payload: Uint8Array;
    try {
      payload = await open(this.#key!, value, entryContext(k));
    } catch (e) {
      if (!(e instanceof WrongKeyError)) throw e;
      this.stats.unreadable++;
      return null;
    }
    this.#hasOpenedAny = true;
    let entry: Opened;
    try {
      entry = decodePayload(payload);
    } catch (e) {
      this.#refuse([k], new RelayError('damaged-entry', `An entry on the relay is damaged (${(e as Error).message}); it was ignored, nothing on this device changed.`));
      return null;
    }
    this.stats.entriesRead++;
    if (entry.count === 1) return { keys: [k], docId: entry.docId, update: entry.bytes };
    const group = this.#parts.get(entry.group) ?? this.#parts.set(entry.group, new Map()).get(entry.group)!;
    group.set(entry.index, { key: k, bytes: entry.bytes });
    if (group.size < entry.count) return null;
    this.#parts.delete(entry.group);
    const parts = [...group.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
    const update = new Uint8Array(parts.reduce((n, p) => n + p.bytes.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      update.set(p.bytes, at);
      at += p.bytes.byteLength;
    }
    return { keys: parts.map((p) => p.key), docId: entry.docId, update };
  }

  /** Applies a doc's new entries merged (one validation, one store step); a refusal is retried entry by entry. */
  async #applyDoc(docId: string, items: Incoming[]): Promise<void> {
    const good: { item: Incoming; ranges: number[] }[] = [];
    for (const item of items) {
      try {
        good.push({ item, ranges: describeUpdate(item.update).ranges });
      } catch {
        this.#refuse(item.keys, new RelayError('damaged-entry', `A change to ${docId} on the relay is damaged; it was ignored, nothing on this device changed.`, docId));
      }
    }
    if (good.length === 0) return;
    if (good.length > 1) {
      try {
        await this.#apply(docId, Y.mergeUpdates(good.map((g) => g.item.update)));
        await this.#record(docId, good);
        return;
      } catch (e) {
        if (isFatal(e)) throw e;
        // One of them is bad: find it below, entry by entry.
      }
    }
    for (const g of good) {
      try {
        await this.#apply(docId, g.item.update);
        await this.#record(docId, [g]);
      } catch (e) {
        if (isFatal(e)) throw e;
        const why = e instanceof RejectedUpdateError ? e.message.replace(/^Update for \S+ refused: /, '') : 'it is not a valid change';
        // Not remembered as refused: a later version of Fieldbook may accept it, so it is checked again next time.
        this.stats.refused++;
        this.#report(new RelayError('rejected-update', `A change to ${docId} from the relay was refused (${why}); your data on this device is unchanged.`, docId));
      }
    }
  }

  async #apply(docId: string, update: Uint8Array): Promise<void> {
    this.#applying = docId;
    try {
      await this.#ws.applyRemote(docId, update);
    } finally {
      this.#applying = '';
    }
  }

  /** Marks entries read once the stored doc covers them; an entry still waiting for its predecessors is read again later. */
  async #record(docId: string, items: { item: Incoming; ranges: number[] }[]): Promise<void> {
    const row = await this.#ws.db.docs.get(docId);
    const local = row ? Y.decodeStateVector(row.sv) : new Map<number, number>();
    for (const { item, ranges } of items) {
      if (goesBeyond(ranges, local)) continue;
      item.keys.forEach((k, i) => this.#index(k, { doc: docId, r: i === 0 ? ranges : [] }));
    }
  }

  /** An entry that can never be applied (not Fieldbook data): remembered, so it is neither read nor reported again. */
  #refuse(keys: string[], error: RelayError): void {
    this.stats.refused++;
    for (const k of keys) this.#index(k, { doc: '', r: [] });
    this.#report(error);
  }

  // ---------------------------------------------------------------- writing

  #onChange(e: ChangeEvent): void {
    if (this.#isStopped) return;
    const p = this.#pending.get(e.docId) ?? this.#pending.set(e.docId, { updates: [], mayPublishDeletes: false }).get(e.docId)!;
    p.updates.push(e.update);
    // Deletions carry no clock: the only way to tell ours from the relay's is who was applying just now.
    if (e.origin === LOCAL_ORIGIN || this.#applying !== e.docId) p.mayPublishDeletes = true;
    if (this.#isCaughtUp && !this.#flushTimer) {
      this.#flushTimer = setTimeout(() => {
        this.#flushTimer = null;
        this.#run(() => this.#flushPending());
      }, this.#o.publishDelayMs);
    }
  }

  /** Publishes stored changes the relay lacks: each as its diff against what the relay holds for that doc. */
  async #flushPending(): Promise<void> {
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const [docId, p] of pending) {
      if (this.#isStopped) return;
      const known = this.#relayVector(docId);
      const diff = Y.diffUpdate(p.updates.length === 1 ? p.updates[0] : Y.mergeUpdates(p.updates), Y.encodeStateVector(known));
      const { ranges, hasDeletes } = describeUpdate(diff);
      if (goesBeyond(ranges, known) || (hasDeletes && p.mayPublishDeletes)) await this.#publish(docId, diff, ranges);
    }
  }

  /** On connect: every local doc the relay does not fully hold, as one diff each (the manifest's state vectors decide). */
  async #publishMissing(): Promise<void> {
    const rows = await this.#ws.db.docs.toArray();
    const todo = rows.filter((row) => {
      const known = this.#relayVector(row.docId);
      for (const [client, clock] of Y.decodeStateVector(row.sv)) if (clock > (known.get(client) ?? 0)) return true;
      return false;
    });
    this.#grow(todo.length);
    for (const row of todo) {
      if (this.#isHalting) return;
      const doc = await this.#ws.doc(row.docId);
      const update = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(this.#relayVector(row.docId)));
      await this.#publish(row.docId, update, describeUpdate(update).ranges);
      this.#done(1);
    }
  }

  /** Seals an update as one entry (or numbered parts) and writes it in one envelope transaction, deleting `replaces`. */
  async #publish(docId: string, update: Uint8Array, ranges: number[], replaces: string[] = []): Promise<void> {
    const size = this.#o.maxEntryBytes;
    const count = Math.max(1, Math.ceil(update.byteLength / size));
    const group = count > 1 ? randomTag() : '';
    // The sequence is stored before any key is used, so a crash can never make this device reuse a key.
    const first = this.#device.seq;
    this.#device.seq += count;
    await this.#ws.db.setMeta(`${this.#stateKey}:device`, this.#device);
    const sealed: [string, Uint8Array][] = [];
    for (let i = 0; i < count; i++) {
      const k = `${this.#device.tag}.${(first + i).toString(36)}`;
      sealed.push([k, await sealEntry(this.#key!, k, docId, update.subarray(i * size, (i + 1) * size), { group, index: i, count })]);
    }
    if (this.#isStopped) return;
    this.#envelope.transact(() => {
      for (const [k, bytes] of sealed) this.#map.set(k, bytes);
      for (const k of replaces) this.#map.delete(k);
    }, PUBLISH);
    for (const k of replaces) this.#unindex(k);
    sealed.forEach(([k, bytes], i) => {
      this.#index(k, { doc: docId, r: i === 0 ? ranges : [] });
      this.stats.bytesOut += bytes.byteLength;
      this.progress.bytes += bytes.byteLength;
    });
    this.stats.entriesWritten += count;
    this.stats.onRelay = this.#map.size;
    this.#touch();
    this.#o.onProgress?.({ ...this.progress });
    this.#saveIndexSoon();
    await this.#drain();
    if (replaces.length === 0) await this.#compactIfDue(docId);
  }

  async #compactIfDue(docId: string, force = false): Promise<void> {
    const own = [...(this.#byDoc.get(docId) ?? [])].filter((k) => k.startsWith(`${this.#device.tag}.`));
    if (own.length === 0 || (!force && own.length <= this.#o.compactAfter) || (force && own.length < 2)) return;
    const doc = await this.#ws.doc(docId);
    const full = Y.encodeStateAsUpdate(doc);
    await this.#publish(docId, full, describeUpdate(full).ranges, own);
    this.stats.compacted += own.length;
  }

  async compactAll(): Promise<void> {
    await this.#run(async () => {
      for (const docId of [...this.#byDoc.keys()]) if (!this.#isHalting) await this.#compactIfDue(docId, true);
    });
  }

  /** Waits while the socket holds a lot of unsent data. */
  async #drain(): Promise<void> {
    for (;;) {
      const socket = this.#provider?.ws;
      if (this.#isStopped || !this.#provider?.wsconnected || !socket || socket.bufferedAmount < HIGH_WATER) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  // ---------------------------------------------------------------- index of entries

  /** What the relay is known to hold for a doc, as a state vector. */
  #relayVector(docId: string): Map<number, number> {
    const keys = this.#byDoc.get(docId);
    return coveredVector(keys ? [...keys].map((k) => this.#entries.get(k)!.r) : []);
  }

  #index(k: string, info: EntryInfo): void {
    this.#unindex(k);
    this.#entries.set(k, info);
    if (info.doc) (this.#byDoc.get(info.doc) ?? this.#byDoc.set(info.doc, new Set()).get(info.doc)!).add(k);
    this.#indexDirty = true;
  }

  #unindex(k: string): void {
    const old = this.#entries.get(k);
    if (!old) return;
    this.#entries.delete(k);
    this.#byDoc.get(old.doc)?.delete(k);
    this.#indexDirty = true;
  }

  /** The index only saves work (a lost one means entries are read again), so it is written at most once a second. */
  #saveIndexSoon(): void {
    if (this.#indexTimer || this.#isStopped) return;
    this.#indexTimer = setTimeout(() => {
      this.#indexTimer = null;
      void this.#run(() => this.#saveIndex());
    }, 1000);
  }

  async #saveIndex(): Promise<void> {
    if (!this.#indexDirty || !this.#stateKey) return;
    this.#indexDirty = false;
    await this.#ws.db.setMeta(`${this.#stateKey}:entries`, Object.fromEntries(this.#entries));
  }

  // ---------------------------------------------------------------- plumbing

  get #isHalting(): boolean {
    return this.#isStopped || this.#isStopping;
  }

  #run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const step = this.#queue.then(() => (this.#isHalting ? undefined : fn()));
    this.#queue = step.catch((e) => this.#fail(e));
    return step.catch(() => undefined);
  }

  async idle(): Promise<void> {
    await this.whenSynced;
    for (;;) {
      const before = this.#queue;
      await before;
      if (this.#isHalting) return;
      if (this.#queue === before && !this.#flushTimer && this.#toRead.size === 0 && this.#pending.size === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Data moved while connected and caught up: that is a sync too. */
  #touch(): void {
    if (this.#isCaughtUp && this.#provider?.wsconnected) this.lastSyncAt = Date.now();
  }

  #grow(n: number): void {
    this.progress.entriesTotal += n;
    this.#o.onProgress?.({ ...this.progress });
  }

  #done(n: number): void {
    this.progress.entriesDone = Math.min(this.progress.entriesTotal, this.progress.entriesDone + n);
    this.#touch();
    this.#o.onProgress?.({ ...this.progress });
  }

  #setStatus(s: RelayStatus): void {
    if (this.status === s) return;
    this.status = s;
    this.#o.onStatus?.(s);
  }

  #report(e: RelayError): void {
    this.#o.onError?.(e);
  }

  #fail(e: unknown): void {
    if (this.status === 'failed') return;
    const error =
      e instanceof RelayError
        ? e
        : e instanceof ReadOnlyError
          ? new RelayError('read-only', `${e.message} The relay sync runs in that tab.`)
          : new RelayError('storage', `The relay sync stopped: ${(e as Error)?.message ?? String(e)}. Everything saved before is intact; connect again to retry.`);
    this.#report(error);
    this.#setStatus('failed');
    this.#shutdown();
  }

  #shutdown(): void {
    this.#isStopped = true;
    this.#offChange();
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    if (this.#indexTimer) clearTimeout(this.#indexTimer);
    this.#flushTimer = this.#indexTimer = null;
    this.#provider?.destroy();
    this.#provider = null;
    this.#envelope.destroy();
    this.#resolveSynced();
  }

  async stop(): Promise<void> {
    if (this.#isHalting) return;
    this.#isStopping = true;
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    await this.#queue;
    try {
      // Changes gathered but not yet published go out now if the relay is reachable; otherwise the next connect's
      // catch-up sends them (the index then shows the relay lacks them).
      if (this.#isCaughtUp && !this.#isStopped) await this.#flushPending();
      await this.#saveIndex();
    } catch (e) {
      this.#fail(e);
    }
    if (this.status !== 'failed') this.#setStatus('stopped');
    this.#shutdown();
  }
}
