// A meeting room: devices find each other through y-webrtc's signaling server (sealed messages), one WebRTC link and one sync session per pair.
/**
 * Signaling: the stock y-webrtc server (`npm run signal`, scripts/signal.js) relays `publish` messages to every
 * socket `subscribe`d to a topic. The topic is `roomTopic(workspace, code)`: a hash of the workspace name and the
 * room code, NOT of the password, so that a device with a wrong password lands in the same room and both sides can
 * say so plainly ("a device with a different team password…") instead of the newcomer waiting alone in an empty room.
 * A server that tries every code could recover the workspace name and code from the hash (neither is a secret: the
 * password is what guards the data); it still reads nothing, because every message's `data` is
 * `base64(seal(teamKey, json, "fieldbook:signal:v1:" + topic))`; the server sees only ciphertext, and a message that
 * does not open with our key (another team, a wrong password, a forgery) is ignored and counted. Messages:
 *   announce {from, device, to?}   "I am here" — broadcast on joining and every `announceEveryMs`; answered by a
 *                                  directed announce, so a newcomer learns who is already in the room;
 *   offer / answer {from, to, link, device, sdp}, candidate {from, to, link, candidate}   WebRTC negotiation;
 *   bye {from}                     leaving, so peers close at once instead of waiting for the link to time out.
 * Who offers is fixed (the lower peer id), so two devices never offer to each other at once (no glare). `link` names
 * one connection attempt: answers and candidates of an old attempt are ignored.
 *
 * Links: one RTCPeerConnection per device pair with two pre-negotiated data channels, created before the offer so
 * nothing the peer sends can arrive unheard: `fieldbook-sync` (id 0, ordered, reliable: a FrameChannel for
 * `startPeerSession`, webrtc-channel.ts) and `fieldbook-presence` (id 1: sealed awareness updates, presence.ts). One
 * session per peer device: a device that comes back (a reload gives it a new peer id) replaces its old link, and its
 * presence from the old link is dropped with it. A link that drops is retried with back-off while the peer is still
 * announcing; a peer that sent data that is not valid sync traffic, or holds another password, is not retried in this
 * meeting.
 *
 * Sessions forward changes that came from other peers (`forward`), so a room where one pair cannot connect directly
 * (A–B–C) still converges; Yjs ignores the duplicates a full mesh then receives. Presence is not forwarded (each
 * device hears every other first-hand in a full mesh; see presence.ts).
 */
import * as buffer from 'lib0/buffer';
import { z } from 'zod';
import { open, seal } from './crypto';
import { startPeerSession, type PeerSession, type SyncError, type SyncPhase, type SyncProgress, type SyncStats } from './peer-session';
import { MeetingPresence, openPresenceUpdate, sealPresenceUpdate, type Presence } from './presence';
import { dataChannelFrames, type DataChannelFrames, type DataChannelLike } from './webrtc-channel';
import type { Workspace } from './workspace';

// ── room codes ────────────────────────────────────────────────────────────────────────────────────────────────────

/** Letters and digits that cannot be misread for one another (no 0/O, 1/I/L). */
export const ROOM_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const ROOM_CODE_LENGTH = 6;

/** A fresh room code: 6 characters, ~30 bits. It only has to tell meetings of one team apart; the password guards them. */
export function newRoomCode(): string {
  const out: string[] = [];
  const bytes = new Uint8Array(1);
  // Rejection sampling keeps every character equally likely (256 is not a multiple of the alphabet's 31).
  const limit = 256 - (256 % ROOM_CODE_ALPHABET.length);
  while (out.length < ROOM_CODE_LENGTH) {
    crypto.getRandomValues(bytes);
    if (bytes[0] < limit) out.push(ROOM_CODE_ALPHABET[bytes[0] % ROOM_CODE_ALPHABET.length]);
  }
  return out.join('');
}

/** The code as typed ("k7p 2qx", "K7P-2QX") → "K7P2QX", or null when it cannot be a room code. */
export function normaliseRoomCode(text: string): string | null {
  const code = text.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== ROOM_CODE_LENGTH) return null;
  for (const ch of code) if (!ROOM_CODE_ALPHABET.includes(ch)) return null;
  return code;
}

/** "K7P2QX" → "K7P-2QX" (easier to read out in a meeting). */
export const formatRoomCode = (code: string): string => `${code.slice(0, 3)}-${code.slice(3)}`;

/** The signaling topic of one meeting: the workspace name and the room code, hashed together (see the top of this file). */
export async function roomTopic(workspace: string, code: string): Promise<string> {
  const bytes = new TextEncoder().encode(`fieldbook:meeting:v2:${workspace}:${code}`);
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The signaling address as typed → a ws(s):// URL, or an Error that says what is wrong. */
export function normaliseSignalingUrl(text: string, pageProtocol = ''): string {
  const t = text.trim();
  let url: URL;
  try {
    url = new URL(t.includes('://') ? t : `ws://${t}`);
  } catch {
    throw new Error(`"${text}" is not a signaling address. It looks like ws://192.168.1.20:4444 — the address \`npm run signal\` prints.`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error(`A signaling address starts with ws:// or wss://, not ${url.protocol}//.`);
  const isLoopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (pageProtocol === 'https:' && url.protocol === 'ws:' && !isLoopback) {
    throw new Error('Fieldbook is open over https, so the browser only allows a secure signaling server: use wss:// (TLS in front of `npm run signal`).');
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

// ── the platform parts (injected in Node tests, which have neither WebSocket nor WebRTC) ──────────────────────────

export type IceServer = { urls: string | string[]; username?: string; credential?: string };

/** The part of WebSocket used here (the browser's, or the `ws` package in Node). */
export type SocketLike = {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (e: { data?: unknown }) => void): void;
};
export type SocketConstructor = new (url: string) => SocketLike;

export type SessionDescription = { type: 'offer' | 'answer'; sdp: string };
export type IceCandidate = { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null; usernameFragment?: string | null };

/** The part of RTCPeerConnection used here. */
export type PeerConnectionLike = {
  readonly connectionState: string;
  createDataChannel(label: string, init: { negotiated: true; id: number; ordered: true }): DataChannelLike;
  createOffer(): Promise<SessionDescription | { type: string; sdp?: string }>;
  createAnswer(): Promise<SessionDescription | { type: string; sdp?: string }>;
  setLocalDescription(d: { type: 'offer' | 'answer'; sdp: string }): Promise<void>;
  setRemoteDescription(d: SessionDescription): Promise<void>;
  addIceCandidate(c: IceCandidate): Promise<void>;
  /** 'icecandidate' (an event with `candidate`) and 'connectionstatechange'. */
  addEventListener(type: 'icecandidate' | 'connectionstatechange', listener: (e: Event) => void): void;
  close(): void;
};
export type PeerConnectionConstructor = new (config: { iceServers: IceServer[] }) => PeerConnectionLike;

// ── signaling messages ────────────────────────────────────────────────────────────────────────────────────────────

const peerIdSchema = z.string().regex(/^[0-9a-f]{32}$/);
const linkIdSchema = z.string().regex(/^[0-9a-f]{16}$/);
const deviceSchema = z.number().int().min(1).max(2 ** 32 - 1);
const sdpSchema = z.string().min(1).max(200_000);
const base = { mid: z.string().regex(/^[0-9a-f]{16}$/), from: peerIdSchema };
const signalSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('announce'), device: deviceSchema, to: peerIdSchema.optional() }),
  z.object({ ...base, type: z.literal('offer'), to: peerIdSchema, link: linkIdSchema, device: deviceSchema, sdp: sdpSchema }),
  z.object({ ...base, type: z.literal('answer'), to: peerIdSchema, link: linkIdSchema, sdp: sdpSchema }),
  z.object({
    ...base,
    type: z.literal('candidate'),
    to: peerIdSchema,
    link: linkIdSchema,
    candidate: z.object({
      candidate: z.string().max(2000),
      sdpMid: z.string().max(64).nullable().optional(),
      sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
      usernameFragment: z.string().max(256).nullable().optional()
    })
  }),
  z.object({ ...base, type: z.literal('bye') })
]);
export type SignalMessage = z.infer<typeof signalSchema>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A message before `mid` and `from` are stamped on. */
type Outgoing = DistributiveOmit<SignalMessage, 'mid' | 'from'>;

const utf8 = new TextEncoder();
const utf8Decode = new TextDecoder();

const randomHex = (bytes: number): string => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
const signalContext = (topic: string): Uint8Array => utf8.encode(`fieldbook:signal:v1:${topic}`);

/** Seals a signaling message as it goes on the wire (`data` of a y-webrtc publish). Exported for tests. */
export async function sealSignal(key: CryptoKey, topic: string, m: SignalMessage): Promise<string> {
  return buffer.toBase64(await seal(key, utf8.encode(JSON.stringify(m)), signalContext(topic)));
}

/** Opens a publish's `data`; null for anything that is not a valid message sealed with our key for this topic. */
export async function openSignal(key: CryptoKey, topic: string, data: unknown): Promise<SignalMessage | null> {
  if (typeof data !== 'string' || data.length > 400_000) return null;
  try {
    const plain = await open(key, buffer.fromBase64(data), signalContext(topic));
    const r = signalSchema.safeParse(JSON.parse(utf8Decode.decode(plain)));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

export type SignalingState = 'connecting' | 'connected' | 'offline';

/**
 * One socket to a y-webrtc signaling server, subscribed to one topic; reconnects with back-off until closed.
 * Exported for tests.
 */
export class SignalingConnection {
  state: SignalingState = 'connecting';
  /** Publishes that did not open with our key (another team on the same topic, or a forgery). */
  ignored = 0;
  #socket: SocketLike | null = null;
  #closed = false;
  #retryMs = 500;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #pinger: ReturnType<typeof setInterval> | null = null;
  #lastHeard = 0;
  #queue: Promise<void> = Promise.resolve();
  #sending: Promise<void> = Promise.resolve();

  constructor(
    readonly url: string,
    readonly topic: string,
    readonly key: CryptoKey,
    readonly Socket: SocketConstructor,
    readonly on: { message: (m: SignalMessage) => void; state: (s: SignalingState) => void; ignored?: () => void }
  ) {
    this.#connect();
  }

  #connect(): void {
    if (this.#closed) return;
    let socket: SocketLike;
    try {
      socket = new this.Socket(this.url);
    } catch {
      this.#setState('offline');
      this.#retry();
      return;
    }
    this.#socket = socket;
    socket.addEventListener('open', () => {
      if (this.#socket !== socket) return;
      this.#retryMs = 500;
      this.#lastHeard = Date.now();
      socket.send(JSON.stringify({ type: 'subscribe', topics: [this.topic] }));
      this.#setState('connected');
      // The server pings at the WebSocket level; this ping (y-webrtc's own) tells us a silent server is gone.
      this.#pinger = setInterval(() => {
        if (Date.now() - this.#lastHeard > 45_000) socket.close();
        else if (socket.readyState === 1) socket.send(JSON.stringify({ type: 'ping' }));
      }, 15_000);
    });
    socket.addEventListener('message', (e) => {
      if (this.#socket !== socket) return;
      this.#lastHeard = Date.now();
      this.#onData(e.data);
    });
    socket.addEventListener('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (this.#pinger) clearInterval(this.#pinger);
      this.#pinger = null;
      this.#setState(this.#closed ? 'offline' : 'offline');
      this.#retry();
    });
    // 'error' is always followed by 'close', which retries.
    socket.addEventListener('error', () => undefined);
  }

  #retry(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#connect();
    }, this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, 10_000);
  }

  #setState(s: SignalingState): void {
    if (this.state === s) return;
    this.state = s;
    this.on.state(s);
  }

  #onData(data: unknown): void {
    const text = typeof data === 'string' ? data : data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? utf8Decode.decode(data as ArrayBuffer) : '';
    let m: { type?: unknown; topic?: unknown; data?: unknown };
    try {
      m = JSON.parse(text) as typeof m;
    } catch {
      return;
    }
    if (m?.type !== 'publish' || m.topic !== this.topic) return;
    // Opened one at a time, in arrival order: an answer must not overtake its offer's candidates.
    this.#queue = this.#queue.then(async () => {
      const message = await openSignal(this.key, this.topic, m.data);
      if (!message) {
        this.ignored++;
        this.on.ignored?.();
      } else if (!this.#closed) this.on.message(message);
    });
  }

  /**
   * Sends when connected; a message for a closed socket is dropped (announces repeat, links retry). Messages go out in
   * the order they were published: sealing runs on a thread pool that may finish a later message first, and a
   * candidate that overtakes its offer is dropped by the peer (a link it does not know yet), leaving that link stuck.
   */
  publish(m: SignalMessage): Promise<void> {
    const sealing = sealSignal(this.key, this.topic, m);
    const sent = this.#sending.then(async () => {
      const data = await sealing;
      const socket = this.#socket;
      if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: 'publish', topic: this.topic, data }));
    });
    this.#sending = sent.catch(() => undefined);
    return sent;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#pinger) clearInterval(this.#pinger);
    const socket = this.#socket;
    this.#socket = null;
    if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: 'unsubscribe', topics: [this.topic] }));
    socket?.close();
    this.#setState('offline');
  }
}

// ── the mesh ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** A peer as the sync screen shows it. */
export type PeerState = 'connecting' | 'handshake' | 'syncing' | 'live' | 'closed' | 'failed';

export type MeshPeer = {
  /** This device's id for the peer in this meeting (a new one after the peer reloads). */
  id: string;
  /** The peer device's Yjs client id: stable across its reloads. */
  device: number;
  state: PeerState;
  progress: SyncProgress | null;
  stats: SyncStats | null;
  /** The last problem with this peer, in plain words; null when there is none. */
  error: string | null;
  presence: Presence | null;
  /** When the initial sync with it completed (ms since epoch). */
  syncedAt: number | null;
};

export type MeshOptions = {
  ws: Workspace;
  key: CryptoKey;
  topic: string;
  signaling: string[];
  iceServers?: IceServer[];
  forward?: boolean;
  presence?: Presence | null;
  /** Anything shown changed: peers, their states or progress, presence, the signaling connection. */
  onChange?: () => void;
  Socket?: SocketConstructor;
  PeerConnection?: PeerConnectionConstructor;
  /** How long a link may take to open its data channel before it is given up (and retried). */
  connectTimeoutMs?: number;
  announceEveryMs?: number;
  /** First retry delay after a link drops; doubles up to 30 s. */
  retryMs?: number;
};

export type Mesh = {
  readonly peerId: string;
  readonly peers: MeshPeer[];
  readonly signalingState: SignalingState;
  /** Publishes that did not open with our key: another password in the same room, or a forgery. */
  readonly ignoredSignals: number;
  /** Presence messages dropped: they did not open with our key, were malformed, or spoke for another device. */
  readonly rejectedPresence: number;
  setPresence(p: Presence | null): void;
  /** Leaves the room: says bye, ends every session (everything received is kept) and closes the links. */
  leave(): Promise<void>;
};

const PRESENCE_CHANNEL = { label: 'fieldbook-presence', id: 1 };
const SYNC_CHANNEL = { label: 'fieldbook-sync', id: 0 };
const DISCONNECTED_GRACE_MS = 8000;

type Entry = {
  id: string;
  device: number;
  link: Link | null;
  /** Last state of a link that ended, kept so the screen can say what happened. */
  last: { state: PeerState; error: string | null; progress: SyncProgress | null; stats: SyncStats | null };
  syncedAt: number | null;
  retryMs: number;
  retryTimer: ReturnType<typeof setTimeout> | null;
  /** Not retried in this meeting: another password, or it sent data that is not sync traffic. */
  isBlocked: boolean;
  lastHeard: number;
};

/** Joins a meeting room. The workspace must be writable (the tab holding the device lease). */
export function joinMesh(o: MeshOptions): Mesh {
  const mesh = new MeshImpl(o);
  return {
    peerId: mesh.peerId,
    get peers() {
      return mesh.snapshot();
    },
    get signalingState() {
      return mesh.signalingState;
    },
    get ignoredSignals() {
      return mesh.ignoredSignals;
    },
    get rejectedPresence() {
      return mesh.rejectedPresence;
    },
    setPresence: (p) => mesh.setPresence(p),
    leave: () => mesh.leave()
  };
}

class MeshImpl {
  readonly peerId = randomHex(16);
  readonly o: Required<Omit<MeshOptions, 'presence' | 'onChange' | 'Socket' | 'PeerConnection'>> & Pick<MeshOptions, 'onChange'>;
  readonly PeerConnection: PeerConnectionConstructor;
  readonly presence: MeetingPresence;
  rejectedPresence = 0;
  isLeaving = false;
  readonly #entries = new Map<string, Entry>();
  readonly #signals: SignalingConnection[];
  readonly #seen = new Set<string>();
  #announcer: ReturnType<typeof setInterval>;

  constructor(options: MeshOptions) {
    if (!options.ws.isWriter) throw new Error('Fieldbook is open for editing in another tab of this browser: sync runs in that tab.');
    if (options.signaling.length === 0) throw new Error('A signaling server address is needed to find the other devices.');
    this.o = {
      iceServers: [],
      forward: true,
      connectTimeoutMs: 20_000,
      announceEveryMs: 15_000,
      retryMs: 1000,
      ...options
    } as MeshImpl['o'];
    const Socket = options.Socket ?? (globalThis.WebSocket as unknown as SocketConstructor | undefined);
    const PeerConnection = options.PeerConnection ?? (globalThis.RTCPeerConnection as unknown as PeerConnectionConstructor | undefined);
    if (!Socket || !PeerConnection) throw new Error('This browser cannot make direct connections (no WebSocket or WebRTC).');
    this.PeerConnection = PeerConnection;
    // After the last check that can throw: Awareness runs a timer until leave() destroys it.
    this.presence = new MeetingPresence(options.ws.device, options.presence ?? null);
    this.presence.onLocalUpdate(() => {
      for (const e of this.#entries.values()) e.link?.sendPresence();
    });
    this.presence.onChange(() => this.changed());
    this.#signals = options.signaling.map(
      (url) =>
        new SignalingConnection(url, options.topic, options.key, Socket, {
          message: (m) => this.#onSignal(m),
          state: (s) => {
            if (s === 'connected') void this.#announce();
            this.changed();
          },
          ignored: () => this.changed()
        })
    );
    this.#announcer = setInterval(() => void this.#announce(), this.o.announceEveryMs);
  }

  get signalingState(): SignalingState {
    if (this.#signals.some((s) => s.state === 'connected')) return 'connected';
    return this.#signals.some((s) => s.state === 'connecting') ? 'connecting' : 'offline';
  }

  get ignoredSignals(): number {
    return this.#signals.reduce((n, s) => n + s.ignored, 0);
  }

  changed(): void {
    this.o.onChange?.();
  }

  snapshot(): MeshPeer[] {
    return [...this.#entries.values()].map((e) => {
      const l = e.link;
      return {
        id: e.id,
        device: e.device,
        state: l ? l.state : e.last.state,
        progress: l ? l.progress : e.last.progress,
        stats: l?.session ? { ...l.session.stats } : e.last.stats,
        error: l?.error ?? e.last.error,
        presence: l && !l.isEnded ? this.presence.get(e.device) : null,
        syncedAt: e.syncedAt
      };
    });
  }

  publish(m: Outgoing): void {
    const full = { ...m, mid: randomHex(8), from: this.peerId } as SignalMessage;
    for (const s of this.#signals) void s.publish(full).catch(() => undefined);
  }

  async #announce(to?: string): Promise<void> {
    if (this.isLeaving) return;
    this.publish(to ? { type: 'announce', device: this.o.ws.device, to } : { type: 'announce', device: this.o.ws.device });
  }

  #onSignal(m: SignalMessage): void {
    if (this.isLeaving || m.from === this.peerId) return;
    if ('to' in m && m.to !== undefined && m.to !== this.peerId) return;
    // The same message may come through more than one signaling server.
    if (this.#seen.has(m.mid)) return;
    this.#seen.add(m.mid);
    if (this.#seen.size > 2000) this.#seen.delete(this.#seen.values().next().value as string);

    switch (m.type) {
      case 'announce': {
        const entry = this.#touch(m.from, m.device);
        if (!entry) return;
        if (m.to === undefined) void this.#announce(m.from);
        if (this.#isInitiator(m.from)) this.#ensureLink(entry);
        return;
      }
      case 'offer': {
        const entry = this.#touch(m.from, m.device);
        if (!entry || this.#isInitiator(m.from) || entry.isBlocked) return;
        if (entry.link?.linkId === m.link) return;
        entry.link?.close('replaced by a new connection');
        const link = new Link(this, entry, m.link, false);
        entry.link = link;
        void link.acceptOffer(m.sdp);
        this.changed();
        return;
      }
      case 'answer': {
        const link = this.#entries.get(m.from)?.link;
        if (link?.linkId === m.link) void link.acceptAnswer(m.sdp);
        return;
      }
      case 'candidate': {
        const link = this.#entries.get(m.from)?.link;
        if (link?.linkId === m.link) void link.addCandidate(m.candidate);
        return;
      }
      case 'bye': {
        const entry = this.#entries.get(m.from);
        if (!entry) return;
        this.#forget(entry, 'left the meeting');
        return;
      }
    }
  }

  #isInitiator(remote: string): boolean {
    return this.peerId < remote;
  }

  /** The entry of a peer we heard from; a device that reappears under a new id replaces its old entry. */
  #touch(id: string, device: number): Entry | null {
    // Our own device id under another peer id: a copy of this profile. Two writers with one Yjs client id would corrupt docs.
    if (device === this.o.ws.device) return null;
    for (const other of this.#entries.values()) {
      if (other.device === device && other.id !== id) this.#forget(other, 'reconnected');
    }
    let entry = this.#entries.get(id);
    if (!entry) {
      entry = {
        id,
        device,
        link: null,
        last: { state: 'connecting', error: null, progress: null, stats: null },
        syncedAt: null,
        retryMs: this.o.retryMs,
        retryTimer: null,
        isBlocked: false,
        lastHeard: Date.now()
      };
      this.#entries.set(id, entry);
      this.changed();
    }
    entry.lastHeard = Date.now();
    return entry;
  }

  #ensureLink(entry: Entry): void {
    if (entry.isBlocked || this.isLeaving) return;
    if (entry.link && !entry.link.isEnded) return;
    const link = new Link(this, entry, randomHex(8), true);
    entry.link = link;
    void link.offer();
    this.changed();
  }

  #forget(entry: Entry, reason: string): void {
    if (entry.retryTimer) clearTimeout(entry.retryTimer);
    entry.link?.close(reason);
    this.#entries.delete(entry.id);
    this.presence.drop(entry.device);
    this.changed();
  }

  /** A link ended: keep what the screen should still say, and retry while the peer is around. */
  linkEnded(entry: Entry, link: Link, isBlocked: boolean): void {
    if (entry.link !== link) return;
    entry.link = null;
    entry.last = { state: link.state, error: link.error, progress: link.progress, stats: link.session ? { ...link.session.stats } : null };
    entry.isBlocked ||= isBlocked;
    this.presence.drop(entry.device);
    this.changed();
    if (this.isLeaving || entry.isBlocked || !this.#entries.has(entry.id)) return;
    // A peer not heard from for a while has left without a bye (its page crashed, or it walked away).
    if (Date.now() - entry.lastHeard > 3 * this.o.announceEveryMs) {
      this.#forget(entry, 'not heard from');
      return;
    }
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = null;
      if (this.isLeaving || !this.#entries.has(entry.id)) return;
      if (this.#isInitiator(entry.id)) this.#ensureLink(entry);
      else void this.#announce(entry.id);
    }, entry.retryMs);
    entry.retryMs = Math.min(entry.retryMs * 2, 30_000);
  }

  synced(entry: Entry): void {
    entry.syncedAt = Date.now();
    entry.retryMs = this.o.retryMs;
    this.changed();
  }

  /** Links hear of it through the awareness update it causes (the constructor's onLocalUpdate). */
  setPresence(p: Presence | null): void {
    this.presence.setLocal(p);
  }

  presenceRejected(): void {
    this.rejectedPresence++;
    this.changed();
  }

  async leave(): Promise<void> {
    if (this.isLeaving) return;
    this.publish({ type: 'bye' });
    this.isLeaving = true;
    clearInterval(this.#announcer);
    // A null state goes out on every open link first, so peers drop this device's badges before the links close.
    this.presence.destroy();
    const ending: Promise<unknown>[] = [];
    for (const e of this.#entries.values()) {
      if (e.retryTimer) clearTimeout(e.retryTimer);
      if (e.link) ending.push(e.link.end());
    }
    await Promise.all(ending);
    // The bye was queued before; give the socket a moment to send it before closing.
    await new Promise((r) => setTimeout(r, 50));
    for (const s of this.#signals) s.close();
    this.changed();
  }
}

/** One RTCPeerConnection to one peer, its two channels and the sync session over it. */
class Link {
  readonly pc: PeerConnectionLike;
  readonly frames: DataChannelFrames;
  readonly presenceChannel: DataChannelLike;
  session: PeerSession | null = null;
  state: PeerState = 'connecting';
  progress: SyncProgress | null = null;
  error: string | null = null;
  isEnded = false;
  #hasRemote = false;
  #candidates: IceCandidate[] = [];
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #disconnectedTimer: ReturnType<typeof setTimeout> | null = null;
  #presenceIn: Promise<void> = Promise.resolve();
  #isBlocked = false;
  #isChannelClosed = false;

  constructor(
    readonly mesh: MeshImpl,
    readonly entry: Entry,
    readonly linkId: string,
    readonly isInitiator: boolean
  ) {
    this.pc = new mesh.PeerConnection({ iceServers: mesh.o.iceServers });
    // Negotiated channels exist on both sides before the offer: whatever the peer sends first has a listener.
    const sync = this.pc.createDataChannel(SYNC_CHANNEL.label, { negotiated: true, id: SYNC_CHANNEL.id, ordered: true });
    this.presenceChannel = this.pc.createDataChannel(PRESENCE_CHANNEL.label, { negotiated: true, id: PRESENCE_CHANNEL.id, ordered: true });
    this.presenceChannel.binaryType = 'arraybuffer';
    this.frames = dataChannelFrames(sync);
    this.frames.onClose((reason) => {
      this.#isChannelClosed = true;
      this.close(reason);
    });
    sync.addEventListener('open', () => this.#startSession());
    this.presenceChannel.addEventListener('open', () => this.sendPresence());
    this.presenceChannel.addEventListener('message', (e) => this.#onPresence((e as MessageEvent).data));

    this.pc.addEventListener('icecandidate', (e) => {
      const candidate = (e as Event & { candidate: { toJSON(): IceCandidate } | IceCandidate | null }).candidate;
      if (!candidate || this.isEnded) return;
      const c = 'toJSON' in candidate ? candidate.toJSON() : candidate;
      if (!c.candidate) return;
      mesh.publish({
        type: 'candidate',
        to: entry.id,
        link: linkId,
        candidate: { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null, usernameFragment: c.usernameFragment ?? null }
      });
    });
    this.pc.addEventListener('connectionstatechange', () => this.#onConnectionState());
    this.#after(mesh.o.connectTimeoutMs, () => {
      if (this.state === 'connecting') {
        this.error =
          'No direct connection could be made to this device. Both devices must be on the same network (the same Wi-Fi); across networks, add a TURN server under “Connection settings”.';
        this.close('no direct connection');
      }
    });
  }

  async offer(): Promise<void> {
    try {
      const offer = await this.pc.createOffer();
      await this.pc.setLocalDescription({ type: 'offer', sdp: offer.sdp ?? '' });
      if (this.isEnded) return;
      this.mesh.publish({ type: 'offer', to: this.entry.id, link: this.linkId, device: this.mesh.o.ws.device, sdp: offer.sdp ?? '' });
    } catch (e) {
      this.#failed(e);
    }
  }

  async acceptOffer(sdp: string): Promise<void> {
    try {
      await this.pc.setRemoteDescription({ type: 'offer', sdp });
      await this.#remoteSet();
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription({ type: 'answer', sdp: answer.sdp ?? '' });
      if (this.isEnded) return;
      this.mesh.publish({ type: 'answer', to: this.entry.id, link: this.linkId, sdp: answer.sdp ?? '' });
    } catch (e) {
      this.#failed(e);
    }
  }

  async acceptAnswer(sdp: string): Promise<void> {
    if (this.#hasRemote) return;
    try {
      await this.pc.setRemoteDescription({ type: 'answer', sdp });
      await this.#remoteSet();
    } catch (e) {
      this.#failed(e);
    }
  }

  async addCandidate(c: IceCandidate): Promise<void> {
    if (!this.#hasRemote) {
      this.#candidates.push(c);
      return;
    }
    // A candidate the browser cannot use (another network family, a stale one) is not a reason to drop the link.
    await this.pc.addIceCandidate(c).catch(() => undefined);
  }

  async #remoteSet(): Promise<void> {
    this.#hasRemote = true;
    for (const c of this.#candidates.splice(0)) await this.pc.addIceCandidate(c).catch(() => undefined);
  }

  #failed(e: unknown): void {
    if (this.isEnded) return;
    this.error = `The connection to this device could not be set up (${e instanceof Error ? e.message : String(e)}).`;
    this.close('setup failed');
  }

  #onConnectionState(): void {
    const s = this.pc.connectionState;
    if (s === 'failed') {
      this.error ??= 'The direct connection to this device failed (it left the network, or the network blocks it).';
      this.close('the connection failed');
    } else if (s === 'disconnected') {
      // Often a short Wi-Fi hiccup that ICE recovers from; give it a moment before giving up.
      this.#disconnectedTimer ??= this.#after(DISCONNECTED_GRACE_MS, () => {
        if (this.pc.connectionState !== 'connected') {
          this.error ??= 'The connection to this device was lost.';
          this.close('the connection was lost');
        }
      });
    } else if (s === 'connected' && this.#disconnectedTimer) {
      clearTimeout(this.#disconnectedTimer);
      this.#timers.delete(this.#disconnectedTimer);
      this.#disconnectedTimer = null;
    }
  }

  #startSession(): void {
    if (this.isEnded || this.session) return;
    const { ws, key, forward } = this.mesh.o;
    this.state = 'handshake';
    this.error = null;
    const session = startPeerSession(ws, this.frames, {
      key,
      forward,
      onProgress: (p) => {
        this.progress = p;
        this.state = phaseState(p.phase);
        this.mesh.changed();
      },
      onError: (e) => this.#onSyncError(e)
    });
    this.session = session;
    this.sendPresence();
    session.done.then(
      () => this.mesh.synced(this.entry),
      () => undefined
    );
    void session.closed.then((reason) => this.close(reason));
    this.mesh.changed();
  }

  #onSyncError(e: SyncError): void {
    this.error = e.message;
    if (e.kind === 'wrong-password' || e.kind === 'protocol' || e.kind === 'version') this.#isBlocked = true;
    this.mesh.changed();
  }

  /**
   * Sends this device's awareness state (with its clock). Two sends may be sealed out of order; the receiver keeps
   * the higher clock, so the older one is ignored.
   */
  sendPresence(): void {
    if (this.isEnded || this.presenceChannel.readyState !== 'open' || this.state === 'connecting') return;
    const update = this.mesh.presence.localUpdate();
    void sealPresenceUpdate(this.mesh.o.key, update).then((bytes) => {
      if (this.presenceChannel.readyState === 'open') this.presenceChannel.send(bytes as Uint8Array<ArrayBuffer>);
    });
  }

  #onPresence(data: unknown): void {
    if (this.isEnded) return;
    if (!(data instanceof ArrayBuffer)) {
      this.mesh.presenceRejected();
      return;
    }
    const bytes = new Uint8Array(data);
    this.#presenceIn = this.#presenceIn.then(async () => {
      try {
        const update = await openPresenceUpdate(this.mesh.o.key, bytes, this.entry.device);
        // A message of a link that ended meanwhile is not applied: its device's clock was forgotten with it.
        if (!this.isEnded) this.mesh.presence.apply(update, this);
      } catch {
        // Dropped and counted: presence carries no data, and the sync session decides about the peer.
        this.mesh.presenceRejected();
      }
    });
  }

  #after(ms: number, fn: () => void): ReturnType<typeof setTimeout> {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
    return t;
  }

  /** Ends the session politely (it tells the peer why) and resolves once the link is closed. */
  end(): Promise<void> {
    if (this.isEnded) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.frames.onClose(() => resolve()));
    if (this.session) this.session.close();
    else this.close('left the meeting');
    // A peer that vanished never acknowledges; do not hold up leaving for it.
    return Promise.race([closed, new Promise<void>((r) => setTimeout(r, 2000))]).then(() => this.close('left the meeting'));
  }

  close(reason: string): void {
    if (this.isEnded) return;
    this.isEnded = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    const session = this.session;
    const isSessionOver = !session || session.phase === 'closed' || session.phase === 'failed';
    if (session) this.state = session.phase === 'live' || session.phase === 'closed' ? 'closed' : 'failed';
    else this.state = this.error ? 'failed' : 'closed';
    if (this.state === 'failed' && !this.error) this.error = `The connection to this device ended before the sync finished (${reason}). Everything that arrived is saved.`;
    // A running session closes the channel itself, after telling the peer why; otherwise close it here.
    if (!isSessionOver) session.close();
    else if (!session) this.frames.close();
    const shut = () => {
      try {
        this.presenceChannel.close();
      } catch {
        // already closed
      }
      this.pc.close();
    };
    if (this.#isChannelClosed) shut();
    else {
      this.frames.onClose(shut);
      // The session's last notice gets a moment to leave; then the link goes whatever the peer does.
      setTimeout(() => this.frames.close(), 1500);
      setTimeout(shut, 5000);
    }
    this.mesh.linkEnded(this.entry, this, this.#isBlocked);
  }
}

function phaseState(phase: SyncPhase): PeerState {
  switch (phase) {
    case 'handshake':
      return 'handshake';
    case 'comparing':
    case 'syncing':
      return 'syncing';
    case 'live':
      return 'live';
    case 'closed':
      return 'closed';
    case 'failed':
      return 'failed';
  }
}
