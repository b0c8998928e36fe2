// One sync session with one peer over a FrameChannel: password check, manifest comparison, per-doc catch-up, then live updates.
/**
 * The protocol is described in protocol.ts. This file runs it against a Workspace:
 * - everything that arrives goes through `ws.applyRemote` (validated on a scratch doc, stored with the read model);
 * - docs are loaded one at a time through `ws.doc` (the workspace LRU decides what stays in memory);
 * - every message goes out through one queue, frame by frame, awaiting `channel.send` (backpressure);
 * - incoming messages are handled one at a time, in order, so `done` is handled after every step2 before it.
 * Changes stored while the session runs are streamed as `update` messages from the start (held back until the
 * password check passes), so nothing made during the catch-up is missed; a doc may then arrive twice, which
 * Yjs treats as a no-op.
 */
import * as Y from 'yjs';
import type { FrameChannel } from './channel';
import { WrongKeyError } from './crypto';
import { FrameError, frameMessage, Reassembler } from './frames';
import {
  checkHello,
  clearEnvelope,
  helloMessage,
  isClearEnvelope,
  openEnvelope,
  planSync,
  PROTOCOL_VERSION,
  ProtocolError,
  sealedEnvelope,
  sessionContext,
  VersionError,
  type DocPlan,
  type ManifestEntry,
  type Message
} from './protocol';
import { missingTicksOf, RecordsToGo, type LocalSize } from './progress';
import { collectionOfDoc } from './doc-layout';
import { collections, type CollectionName } from '../model/registry';
import { ReadOnlyError, RejectedUpdateError, REMOTE_ORIGIN, StorageError, type ChangeEvent, type Workspace } from './workspace';

export type SyncPhase = 'handshake' | 'comparing' | 'syncing' | 'live' | 'closed' | 'failed';

/**
 * What the sync screen shows: "12 docs to go" is `docsTotal - docsDone`; `recordsToGo` is an estimate (progress.ts),
 * null until there is something to base it on.
 */
export type SyncProgress = { docsTotal: number; docsDone: number; recordsToGo: number | null; bytesSent: number; bytesReceived: number; phase: SyncPhase };

export type SyncErrorKind =
  | 'wrong-password'
  | 'version'
  /** A peer's change to one doc was refused; the session goes on. */
  | 'rejected-update'
  /** The peer refused one of our changes; the session goes on. */
  | 'refused-by-peer'
  | 'peer-dropped'
  /** close() was called before the initial sync finished. */
  | 'stopped'
  | 'protocol'
  | 'storage';

/**
 * A sync problem in words a person can act on. `docId` names the doc when one doc is concerned; `isFatal` is
 * false for per-doc problems the session survives (a refused update, a doc that could not be read).
 */
export class SyncError extends Error {
  readonly docId: string;
  readonly isFatal: boolean;

  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    o: { docId?: string; isFatal?: boolean } = {}
  ) {
    super(message);
    this.name = 'SyncError';
    this.docId = o.docId ?? '';
    this.isFatal = o.isFatal ?? !(kind === 'rejected-update' || kind === 'refused-by-peer');
  }
}

export type SyncStats = {
  /** Docs that needed a transfer in either direction. */
  docsTotal: number;
  docsDone: number;
  /** Docs whose state vectors were equal on both sides: not loaded, not sent. */
  skipped: number;
  docsSent: number;
  docsReceived: number;
  updatesSent: number;
  updatesReceived: number;
  /** Peer changes refused by validation. */
  rejected: number;
  /** Bytes on the wire (frames, headers included). */
  bytesSent: number;
  bytesReceived: number;
  framesSent: number;
  framesReceived: number;
};

export type SyncSummary = SyncStats & { ms: number };

export type PeerSessionOptions = {
  /** The team key (crypto.ts deriveTeamKey): every message is sealed with it. */
  key: CryptoKey;
  onProgress?: (p: SyncProgress) => void;
  /** Every problem, fatal or not; fatal ones also reject `done` (if still pending) and end the session. */
  onError?: (e: SyncError) => void;
  /** Also relay changes that came from other peers, so a partial mesh (A–B–C) converges. */
  forward?: boolean;
  /**
   * Step2 bytes sent ahead of what the peer has stored (default 8 MiB); one doc always goes, however big. Without a
   * window a fast sender fills a slow tablet's memory with received docs waiting to be written.
   */
  windowBytes?: number;
};

const WINDOW_BYTES = 8 * 1024 * 1024;

export type PeerSession = {
  /** Resolves when the initial sync is complete in both directions; rejects with a SyncError if it cannot be. */
  done: Promise<SyncSummary>;
  /** Resolves with the reason once the session is over (closed, dropped or failed). */
  closed: Promise<string>;
  /** Ends the session and closes the channel. */
  close(): void;
  readonly stats: Readonly<SyncStats>;
  readonly phase: SyncPhase;
};

const WRONG_PASSWORD = 'The other device uses a different sync password. Check that both devices use the same team password; nothing was exchanged.';
const noop = () => undefined;

/** Starts a session on an open channel. Both devices call this; there is no client or server role. */
export function startPeerSession(ws: Workspace, channel: FrameChannel, options: PeerSessionOptions): PeerSession {
  const s = new Session(ws, channel, options);
  s.start();
  return {
    done: s.done,
    closed: s.closed,
    close: () => s.close(),
    get stats() {
      return s.stats;
    },
    get phase() {
      return s.phase;
    }
  };
}

/** A send found the link closed (internal: the close event, not the send, decides how the session ends). */
class LinkClosed extends Error {
  constructor() {
    super('The link is closed');
    this.name = 'LinkClosed';
  }
}

/** Which session is applying a remote update on a workspace right now, so it does not echo the change back. */
const applying = new WeakMap<Workspace, { chain: Promise<unknown>; current: Session | null }>();

/** Applies a peer's update, one at a time per workspace, remembering which session it came from. */
function applyFrom(ws: Workspace, session: Session, docId: string, update: Uint8Array): Promise<{ changed: number }> {
  let slot = applying.get(ws);
  if (!slot) applying.set(ws, (slot = { chain: Promise.resolve(), current: null }));
  const s = slot;
  const run = s.chain.then(async () => {
    s.current = session;
    try {
      return await ws.applyRemote(docId, update);
    } finally {
      s.current = null;
    }
  });
  s.chain = run.catch(noop);
  return run;
}

class Session {
  readonly stats: SyncStats = {
    docsTotal: 0,
    docsDone: 0,
    skipped: 0,
    docsSent: 0,
    docsReceived: 0,
    updatesSent: 0,
    updatesReceived: 0,
    rejected: 0,
    bytesSent: 0,
    bytesReceived: 0,
    framesSent: 0,
    framesReceived: 0
  };
  phase: SyncPhase = 'handshake';
  readonly done: Promise<SyncSummary>;
  readonly closed: Promise<string>;
  #resolveDone!: (s: SyncSummary) => void;
  #rejectDone!: (e: SyncError) => void;
  #resolveClosed!: (reason: string) => void;

  readonly #reassembler: Reassembler;
  readonly #started = Date.now();
  #detach: (() => void)[] = [];
  #inbound: Promise<void> = Promise.resolve();
  #outbound: Promise<void> = Promise.resolve();
  #nextMessage = 0;
  /** Whether the peer proved it holds the team key. */
  #verified = false;
  /** Whether our manifest is queued, so live changes can follow it. */
  #streaming = false;
  #backlog: ChangeEvent[] = [];
  #mine = new Map<string, Uint8Array>();
  /** Records per type and docs per type on this device, read with the manifest (for the records-to-go estimate). */
  #sizes = new Map<string, LocalSize>();
  #recordsToGo: RecordsToGo | null = null;
  #plan = new Map<string, DocPlan & { counted: boolean }>();
  #gotManifest = false;
  #sentDone = false;
  #gotDone = false;
  /** Planned step2s sent and not yet stored by the peer: doc → bytes; and who waits for the window to open. */
  #unstored = new Map<string, number>();
  #unstoredBytes = 0;
  #windowWaiters: (() => void)[] = [];
  /** Docs we asked for again (step1) because an update arrived without what it builds on. */
  #asked = new Set<string>();
  #ended = false;
  #acceptInbound = true;
  #closeReason: string | null = null;
  /** Our hello's check token; both tokens once the handshake passed (they bind sealed messages to this session). */
  #myCheck: Promise<Uint8Array> = Promise.resolve(new Uint8Array(0));
  #checks: { mine: Uint8Array; theirs: Uint8Array } | null = null;
  /** Sealed messages sent and received so far: each one's number is part of its context. */
  #sealedOut = 0;
  #sealedIn = 0;

  constructor(
    readonly ws: Workspace,
    readonly channel: FrameChannel,
    readonly options: PeerSessionOptions
  ) {
    this.#reassembler = new Reassembler(channel.maxFrame);
    this.done = new Promise((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    // A caller that only watches onError must not get an unhandled rejection.
    this.done.catch(noop);
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  start(): void {
    this.#detach = [
      this.ws.onChange((e) => this.#onChange(e)),
      this.channel.onFrame((f) => this.#onFrame(f)),
      this.channel.onClose((reason) => this.#onClose(reason))
    ];
    if (!this.channel.isOpen) {
      this.#closeReason = 'it was not open';
      return this.#fail(this.#dropped());
    }
    this.#progress();
    // Queued before anything else can be, so the hello is always the first message on the wire.
    const hello = helloMessage(this.options.key);
    this.#myCheck = hello.then((m) => (m as Extract<Message, { type: 'hello' }>).check);
    this.#myCheck.catch(noop);
    this.#send(hello, { clear: true }).catch((e) => this.#failFrom(e));
  }

  close(): void {
    if (this.#ended) return;
    if (this.phase !== 'live') {
      this.#fail(new SyncError('stopped', 'Sync was stopped before it finished. Everything that arrived is saved; syncing again picks up where this left off.'));
      return;
    }
    this.#end('closed', 'closed');
    this.channel.close();
  }

  // ── sending ────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Queues a message; messages leave in the order they were queued, each as consecutive frames. Only hello and
   * the errors of a failed handshake go in clear; nothing is sealed for a peer that has not passed the check.
   */
  #send(m: Message | Promise<Message>, { clear = false, force = false } = {}): Promise<void> {
    const run = this.#outbound.then(async () => {
      if (this.#ended && !force) throw new SyncError('stopped', 'The session has ended');
      if (!clear && !this.#verified) throw new Error('Refusing to send data before the password check');
      const message = await m;
      const envelope = clear ? clearEnvelope(message) : await sealedEnvelope(this.options.key, message, this.#context('out', this.#sealedOut));
      const frames = frameMessage(this.#nextMessage, envelope, this.channel.maxFrame);
      // The first frame is cut before anything is committed: a message over the size limit throws here and
      // leaves the numbering as it was, so the messages after it still open at the peer.
      let next = frames.next();
      if (!clear) this.#sealedOut++;
      this.#nextMessage = (this.#nextMessage + 1) >>> 0;
      for (; !next.done; next = frames.next()) {
        await this.channel.send(next.value).catch((e) => {
          throw this.channel.isOpen ? e : new LinkClosed();
        });
        this.stats.framesSent++;
        this.stats.bytesSent += next.value.byteLength;
      }
    });
    this.#outbound = run.catch(noop);
    return run;
  }

  async #sendManifest(): Promise<void> {
    const names = Object.keys(collections) as CollectionName[];
    const [rows, counters] = await Promise.all([this.ws.db.docs.toArray(), Promise.all(names.map((n) => this.ws.db.counter(n)))]);
    const docs: ManifestEntry[] = rows.map((r) => ({ docId: r.docId, sv: r.sv }));
    for (const d of docs) this.#mine.set(d.docId, d.sv);
    names.forEach((n, i) => this.#sizes.set(n, { records: counters[i].live + counters[i].deleted, docs: 0, ticks: 0 }));
    for (const r of rows) {
      const size = this.#sizes.get(r.collection);
      if (!size) continue;
      size.docs++;
      size.ticks += missingTicksOf(r.sv, undefined);
    }
    const sent = this.#send({ type: 'manifest', docs });
    this.#streaming = true;
    for (const e of this.#backlog.splice(0)) this.#sendChange(e);
    await sent;
  }

  /** Sends, one doc at a time, what the peer lacks of every doc we are ahead on, then `done`. */
  async #sendPlanned(theirs: Map<string, Uint8Array>): Promise<void> {
    try {
      for (const [docId, plan] of this.#plan) {
        if (!plan.send) continue;
        await this.#windowOpen();
        if (this.#ended) return;
        if (await this.#sendDoc(docId, theirs.get(docId), true)) this.stats.docsSent++;
        plan.send = false;
        this.#recordsToGo?.sent(docId);
        this.#docProgress(docId);
      }
      await this.#send({ type: 'done' });
      this.#sentDone = true;
      this.#maybeLive();
    } catch (e) {
      this.#failFrom(e);
    }
  }

  /** Resolves once the peer has stored enough of what we sent (or the session ended). */
  #windowOpen(): Promise<void> {
    const limit = this.options.windowBytes ?? WINDOW_BYTES;
    if (this.#ended || this.#unstored.size === 0 || this.#unstoredBytes < limit) return Promise.resolve();
    return new Promise((resolve) => this.#windowWaiters.push(resolve));
  }

  #onStored(docId: string): void {
    const bytes = this.#unstored.get(docId);
    // Also the answer to a step2 sent for a step1, which the window does not count.
    if (bytes === undefined) return;
    this.#unstored.delete(docId);
    this.#unstoredBytes -= bytes;
    for (const wake of this.#windowWaiters.splice(0)) wake();
  }

  /**
   * Sends one doc's step2 (counted in the window when `isPlanned`); a doc that cannot be read or is too big is
   * reported and skipped, the others go on.
   */
  async #sendDoc(docId: string, theirSv: Uint8Array | undefined, isPlanned = false): Promise<boolean> {
    let update: Uint8Array;
    try {
      const doc = await this.ws.doc(docId);
      // Encoded right after loading: the LRU may destroy the doc once other docs are loaded.
      update = Y.encodeStateAsUpdate(doc, theirSv);
      if (isPlanned) {
        this.#unstored.set(docId, update.byteLength);
        this.#unstoredBytes += update.byteLength;
      }
      await this.#send({ type: 'step2', docId, update });
      return true;
    } catch (e) {
      // Never sent, so never stored: it must not hold the window shut for the docs after it.
      if (isPlanned) this.#onStored(docId);
      if (e instanceof SyncError || !this.channel.isOpen) throw e;
      this.#report(new SyncError('storage', `Could not send ${docId} (${(e as Error).message}); the other docs go on.`, { docId, isFatal: false }));
      return false;
    }
  }

  #sendChange(e: ChangeEvent): void {
    this.#send({ type: 'update', docId: e.docId, update: e.update }).then(() => this.stats.updatesSent++, noop);
  }

  /** The context of the `seq`-th sealed message in one direction (see sessionContext). */
  #context(direction: 'out' | 'in', seq: number): Uint8Array {
    if (!this.#checks) throw new ProtocolError('An encrypted message came before the password check');
    const { mine, theirs } = this.#checks;
    return direction === 'out' ? sessionContext(mine, theirs, seq) : sessionContext(theirs, mine, seq);
  }

  // ── receiving ──────────────────────────────────────────────────────────────────────────────────────────────

  #onFrame(frame: Uint8Array): void {
    if (this.#ended) return;
    this.stats.framesReceived++;
    this.stats.bytesReceived += frame.byteLength;
    let message: Uint8Array | null;
    try {
      message = this.#reassembler.push(frame);
    } catch (e) {
      this.#failFrom(e);
      return;
    }
    if (message) {
      const bytes = message;
      this.#inbound = this.#inbound.then(() => this.#receive(bytes));
    }
  }

  async #receive(bytes: Uint8Array): Promise<void> {
    if (!this.#acceptInbound) return;
    try {
      const context = isClearEnvelope(bytes) ? undefined : this.#context('in', this.#sealedIn++);
      await this.#handle(await openEnvelope(this.options.key, bytes, this.#verified, context));
    } catch (e) {
      this.#failFrom(e);
    }
  }

  async #handle(m: Message): Promise<void> {
    switch (m.type) {
      case 'hello':
        return this.#onHello(m);
      case 'manifest':
        return this.#onManifest(m.docs);
      case 'step1':
        return this.#onStep1(m.docId, m.sv);
      case 'step2':
      case 'update':
        return this.#onUpdate(m.docId, m.update, m.type === 'step2');
      case 'done':
        return this.#onDone();
      case 'error':
        return this.#onPeerError(m);
      case 'stored':
        return this.#onStored(m.docId);
    }
  }

  async #onHello(m: Extract<Message, { type: 'hello' }>): Promise<void> {
    if (this.#verified) throw new ProtocolError('The other device said hello twice');
    try {
      await checkHello(this.options.key, m);
    } catch (e) {
      if (e instanceof WrongKeyError) {
        return this.#fail(new SyncError('wrong-password', WRONG_PASSWORD), { type: 'error', code: 'wrong-password', message: 'The sync passwords differ', docId: '' });
      }
      if (e instanceof VersionError) {
        return this.#fail(new SyncError('version', e.message), { type: 'error', code: 'version', message: `This device speaks sync protocol version ${PROTOCOL_VERSION}`, docId: '' });
      }
      throw e;
    }
    this.#checks = { mine: await this.#myCheck, theirs: m.check };
    this.#verified = true;
    this.#setPhase('comparing');
    await this.#sendManifest();
  }

  #onManifest(docs: ManifestEntry[]): void {
    if (this.#gotManifest) throw new ProtocolError('The other device sent its list of docs twice');
    this.#gotManifest = true;
    const theirs = new Map(docs.map((d) => [d.docId, d.sv]));
    const { docs: plan, skipped } = planSync(this.#mine, theirs);
    const estimate = new RecordsToGo(this.#sizes);
    for (const [docId, p] of plan) {
      this.#plan.set(docId, { ...p, counted: false });
      const mine = this.#mine.get(docId);
      const their = theirs.get(docId);
      estimate.plan(docId, collectionOfDoc(docId), {
        send: { ticks: p.send ? missingTicksOf(mine, their) : 0, isWhole: their === undefined },
        receive: { ticks: p.receive ? missingTicksOf(their, mine) : 0, isWhole: mine === undefined }
      });
    }
    this.#recordsToGo = estimate;
    this.stats.docsTotal = plan.size;
    this.stats.skipped = skipped;
    this.#setPhase('syncing');
    void this.#sendPlanned(theirs);
  }

  async #onUpdate(docId: string, update: Uint8Array, isStep2: boolean): Promise<void> {
    const changed = await this.#apply(docId, update);
    const applied = changed !== null;
    if (isStep2) {
      this.stats.docsReceived++;
      this.#asked.delete(docId);
      // Written (or refused and reported): the sender may send the next doc in its window.
      this.#send({ type: 'stored', docId }).catch(noop);
      const plan = this.#plan.get(docId);
      if (plan?.receive) {
        plan.receive = false;
        this.#recordsToGo?.received(docId, changed);
        this.#docProgress(docId);
      }
    } else {
      this.stats.updatesReceived++;
    }
    // A step2 is the whole difference from our state vector, so only a live update can leave a gap.
    if (applied && !isStep2) await this.#askIfIncomplete(docId);
  }

  /**
   * Applies through the workspace and returns how many records it changed; a refused update is reported (here and to
   * the peer), returns null, and the session goes on.
   */
  async #apply(docId: string, update: Uint8Array): Promise<number | null> {
    try {
      return (await applyFrom(this.ws, this, docId, update)).changed;
    } catch (e) {
      if (!(e instanceof RejectedUpdateError)) throw e;
      this.stats.rejected++;
      const reason = e.message.replace(/^Update for .* refused: /, '');
      this.#report(
        new SyncError('rejected-update', `Refused a change to ${docId} sent by the other device: ${reason}. Nothing here was changed; the rest of the sync goes on.`, { docId })
      );
      this.#send({ type: 'error', code: 'rejected', message: reason, docId }).catch(noop);
      return null;
    }
  }

  /**
   * An update that builds on structs we do not have stays pending in memory (and is lost if the doc leaves the
   * LRU). Ask the peer for the doc against our state vector, unless its step2 is on the way anyway.
   */
  async #askIfIncomplete(docId: string): Promise<void> {
    if (this.#asked.has(docId) || this.#plan.get(docId)?.receive) return;
    const doc = await this.ws.doc(docId);
    if (!doc.store.pendingStructs && !doc.store.pendingDs) return;
    this.#asked.add(docId);
    // Not awaited: applying what arrives must not wait behind our own outgoing queue.
    this.#send({ type: 'step1', docId, sv: Y.encodeStateVector(doc) }).catch(noop);
  }

  async #onStep1(docId: string, sv: Uint8Array): Promise<void> {
    let update: Uint8Array;
    try {
      update = Y.encodeStateAsUpdate(await this.ws.doc(docId), sv);
    } catch (e) {
      if (!(e instanceof RejectedUpdateError)) throw e;
      await this.#send({ type: 'error', code: 'rejected', message: `this device has no doc ${docId}`, docId });
      return;
    }
    await this.#send({ type: 'step2', docId, update });
  }

  #onDone(): void {
    if (!this.#gotManifest) throw new ProtocolError('The other device finished before sending its list of docs');
    this.#gotDone = true;
    // A doc the peer planned but could not read is over for this session; the next one will try again.
    for (const [docId, plan] of this.#plan) {
      if (!plan.receive) continue;
      plan.receive = false;
      this.#recordsToGo?.received(docId, null);
      this.#docProgress(docId);
    }
    this.#maybeLive();
  }

  #onPeerError(m: Extract<Message, { type: 'error' }>): void {
    if (m.code === 'rejected') {
      this.#report(new SyncError('refused-by-peer', `The other device refused a change to ${m.docId}: ${m.message}`, { docId: m.docId }));
    } else if (m.code === 'wrong-password') {
      this.#fail(new SyncError('wrong-password', WRONG_PASSWORD), null);
    } else if (m.code === 'version') {
      this.#fail(new SyncError('version', `The other device cannot sync with this one: ${m.message}. Update Fieldbook on both devices.`), null);
    } else if (m.code === 'stopped') {
      this.#fail(new SyncError('peer-dropped', `The other device stopped the sync: ${m.message}. Everything that arrived is saved; syncing again picks up where this left off.`), null);
    } else {
      this.#fail(new SyncError('protocol', `The other device stopped the sync: ${m.message}.`), null);
    }
  }

  #onChange(e: ChangeEvent): void {
    if (this.#ended) return;
    if (e.origin === REMOTE_ORIGIN && (!this.options.forward || applying.get(this.ws)?.current === this)) return;
    if (this.#streaming) this.#sendChange(e);
    else this.#backlog.push(e);
  }

  /**
   * Messages that fully arrived before the link closed are handled first: the last of them may complete the
   * sync (or be the reason the peer hung up, such as a wrong password).
   */
  #onClose(reason: string): void {
    this.#closeReason = reason;
    void this.#inbound.then(() => {
      if (this.#ended) return;
      if (this.phase === 'live') this.#end('closed', reason);
      else this.#fail(this.#dropped());
    });
  }

  #dropped(): SyncError {
    const why = this.#closeReason ?? 'the connection closed';
    return new SyncError(
      'peer-dropped',
      `The connection to the other device was lost before the sync finished (${why}). Everything that arrived is saved; syncing again picks up where this left off.`
    );
  }

  // ── state ──────────────────────────────────────────────────────────────────────────────────────────────────

  #docProgress(docId: string): void {
    const plan = this.#plan.get(docId);
    if (!plan || plan.counted || plan.send || plan.receive) return;
    plan.counted = true;
    this.stats.docsDone++;
    this.#progress();
  }

  #maybeLive(): void {
    if (!this.#sentDone || !this.#gotDone || this.phase !== 'syncing') return;
    this.#setPhase('live');
    this.#resolveDone({ ...this.stats, ms: Date.now() - this.#started });
  }

  #setPhase(phase: SyncPhase): void {
    this.phase = phase;
    this.#progress();
  }

  #progress(): void {
    const { docsTotal, docsDone, bytesSent, bytesReceived } = this.stats;
    const recordsToGo = this.phase === 'syncing' ? (this.#recordsToGo?.value ?? null) : this.phase === 'live' ? 0 : null;
    this.options.onProgress?.({ docsTotal, docsDone, recordsToGo, bytesSent, bytesReceived, phase: this.phase });
  }

  #report(e: SyncError): void {
    this.options.onError?.(e);
  }

  /** Ends the session; messages already received are still applied (they are complete and authenticated). */
  #end(phase: 'closed' | 'failed', reason: string): void {
    this.#ended = true;
    // A send loop waiting for the window sees the end and stops.
    for (const wake of this.#windowWaiters.splice(0)) wake();
    this.#setPhase(phase);
    for (const off of this.#detach) off();
    this.#detach = [];
    void this.#inbound.then(() => this.#resolveClosed(reason));
  }

  /**
   * A send that failed because the link closed is not a verdict yet: #onClose first handles what fully arrived
   * (the peer's last message may say why it hung up) and then ends the session.
   */
  #failFrom(e: unknown): void {
    if (!(e instanceof LinkClosed)) this.#fail(explain(e, this.#verified));
  }

  /** Ends the session with an error; `notice` (by default derived from the error) tells the peer why before the channel closes. */
  #fail(err: SyncError, notice: Message | null = noticeFor(err)): void {
    if (this.#ended) return;
    // After a dropped link, what fully arrived is still worth keeping; after anything else, stop at once.
    this.#acceptInbound = err.kind === 'peer-dropped';
    this.#end('failed', err.message);
    if (err.kind !== 'stopped') this.#report(err);
    this.#rejectDone(err);
    const bye = notice && this.channel.isOpen ? this.#send(notice, { clear: !this.#verified, force: true }) : Promise.resolve();
    void bye.catch(noop).then(() => this.channel.close());
  }
}

/** What the peer is told when this side ends the session; nothing when the link is gone anyway. */
function noticeFor(err: SyncError): Message | null {
  const say = (code: 'protocol' | 'stopped', message: string): Message => ({ type: 'error', code, message, docId: '' });
  if (err.kind === 'protocol') return say('protocol', 'it received data it could not read (altered on the way, or a bug)');
  if (err.kind === 'stopped') return say('stopped', 'it was stopped on that device');
  if (err.kind === 'storage') return say('stopped', 'it could not save what it received');
  return null;
}

/** Turns whatever went wrong into a SyncError with plain words. */
function explain(e: unknown, verified: boolean): SyncError {
  if (e instanceof SyncError) return e;
  if (e instanceof WrongKeyError) {
    return verified
      ? new SyncError('protocol', 'A message from the other device could not be decrypted: it was altered on the way. Sync stopped; nothing from it was saved.')
      : new SyncError('wrong-password', WRONG_PASSWORD);
  }
  if (e instanceof VersionError) return new SyncError('version', e.message);
  if (e instanceof FrameError || e instanceof ProtocolError) {
    return new SyncError('protocol', `The other device sent data that is not valid sync traffic (${e.message}). Sync stopped; nothing from the broken message was saved.`);
  }
  if (e instanceof StorageError || e instanceof ReadOnlyError) return new SyncError('storage', e.message);
  return new SyncError('protocol', `Sync stopped: ${e instanceof Error ? e.message : String(e)}`);
}
