// In-memory FrameChannel pairs for tests: ordered delivery after a latency, a bounded send buffer, and drop() for a lost peer.
import { MAX_FRAME, type FrameChannel } from './channel';

export type MemoryChannelOptions = {
  /** Delay between a send and its delivery to the other end. */
  latencyMs?: number;
  /** Capacity of each end's send buffer: a send that would overflow it fails, as a real data channel does. */
  bufferBytes?: number;
  /** `send` resolves once the buffer is at or below this (RTCDataChannel's bufferedAmountLowThreshold). */
  lowWaterBytes?: number;
  maxFrame?: number;
};

export type MemoryChannel = FrameChannel & {
  /** Bytes sent from this end and not yet delivered. */
  readonly bufferedAmount: number;
  /** Cuts the link at once, like a peer walking out of Wi-Fi range: undelivered frames are lost, both ends close. */
  drop(reason?: string): void;
  /** Sees every frame this end sends, as it is queued: for assertions on frame sizes and content. */
  tap(listener: (frame: Uint8Array) => void): () => void;
};

/** A send on a closed channel, or a send that lost its frame because the link went down. */
export class ChannelClosedError extends Error {
  constructor(reason: string) {
    super(`The connection is closed (${reason})`);
    this.name = 'ChannelClosedError';
  }
}

type Waiter = { resolve: () => void; reject: (e: Error) => void };
type Link = { open: boolean; closing: boolean; reason: string };
type Limits = { latencyMs: number; bufferBytes: number; lowWater: number; maxFrame: number };

class MemoryEnd implements MemoryChannel {
  peer!: MemoryEnd;
  readonly #link: Link;
  readonly #limits: Limits;
  readonly #queue: { frame: Uint8Array; due: number }[] = [];
  readonly #waiters: Waiter[] = [];
  readonly #frameListeners = new Set<(frame: Uint8Array) => void>();
  readonly #closeListeners = new Set<(reason: string) => void>();
  readonly #taps = new Set<(frame: Uint8Array) => void>();
  /** Frames that arrived before anyone listened: kept, so a session started a moment later misses nothing. */
  readonly #inbox: Uint8Array[] = [];
  #buffered = 0;
  #timer: { cancel(): void } | null = null;
  #closed = false;

  constructor(link: Link, limits: Limits) {
    this.#link = link;
    this.#limits = limits;
  }

  get maxFrame(): number {
    return this.#limits.maxFrame;
  }

  get isOpen(): boolean {
    return this.#link.open && !this.#link.closing;
  }

  get bufferedAmount(): number {
    return this.#buffered;
  }

  send(frame: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.reject(new ChannelClosedError(this.#link.reason || 'closed'));
    if (frame.byteLength > this.#limits.maxFrame) {
      return Promise.reject(new RangeError(`A frame of ${frame.byteLength} bytes is over this channel's ${this.#limits.maxFrame}-byte limit`));
    }
    if (this.#buffered + frame.byteLength > this.#limits.bufferBytes) {
      return Promise.reject(new RangeError(`Send buffer overflow (${this.#buffered} of ${this.#limits.bufferBytes} bytes queued): the sender ignored backpressure`));
    }
    const copy = frame.slice();
    for (const t of this.#taps) t(copy);
    this.#queue.push({ frame: copy, due: Date.now() + this.#limits.latencyMs });
    this.#buffered += copy.byteLength;
    this.#schedule();
    if (this.#buffered <= this.#limits.lowWater) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  onFrame(listener: (frame: Uint8Array) => void): () => void {
    this.#frameListeners.add(listener);
    if (this.#inbox.length > 0) queueMicrotask(() => this.#flushInbox());
    return () => this.#frameListeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  tap(listener: (frame: Uint8Array) => void): () => void {
    this.#taps.add(listener);
    return () => this.#taps.delete(listener);
  }

  /** Graceful close: what is already queued is still delivered, then both ends close. */
  close(): void {
    if (!this.#link.open || this.#link.closing) return;
    this.#link.closing = true;
    this.#link.reason = 'closed';
    this.#finishIfFlushed();
  }

  drop(reason = 'the connection dropped'): void {
    if (!this.#link.open) return;
    this.#link.open = false;
    this.#link.reason = reason;
    this.#shutdown(reason);
    this.peer.#shutdown(reason);
  }

  /** Delivers, in order, every queued frame whose latency has passed, then re-arms the timer for the rest. */
  #pump(): void {
    this.#timer = null;
    const now = Date.now();
    while (this.#queue.length > 0 && this.#queue[0].due <= now && this.#link.open) {
      const { frame } = this.#queue.shift()!;
      this.#buffered -= frame.byteLength;
      this.peer.#receive(frame);
    }
    if (this.#buffered <= this.#limits.lowWater) this.#releaseWaiters();
    this.#schedule();
    this.#finishIfFlushed();
  }

  #schedule(): void {
    if (this.#timer !== null || this.#queue.length === 0 || !this.#link.open) return;
    const wait = Math.max(0, this.#queue[0].due - Date.now());
    // setTimeout(0) is clamped to ~1 ms in Node; a zero-latency link should not be that slow.
    if (wait === 0 && typeof setImmediate === 'function') {
      const t = setImmediate(() => this.#pump());
      this.#timer = { cancel: () => clearImmediate(t) };
    } else {
      const t = setTimeout(() => this.#pump(), wait);
      this.#timer = { cancel: () => clearTimeout(t) };
    }
  }

  #receive(frame: Uint8Array): void {
    if (this.#frameListeners.size === 0 || this.#inbox.length > 0) {
      this.#inbox.push(frame);
      return;
    }
    this.#deliver(frame);
  }

  #flushInbox(): void {
    while (this.#inbox.length > 0 && this.#frameListeners.size > 0 && !this.#closed) this.#deliver(this.#inbox.shift()!);
  }

  #deliver(frame: Uint8Array): void {
    for (const l of [...this.#frameListeners]) {
      try {
        l(frame);
      } catch (e) {
        // A listener's bug must not stall the link for other listeners; surface it where a test will see it.
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  #releaseWaiters(): void {
    for (const w of this.#waiters.splice(0)) w.resolve();
  }

  #finishIfFlushed(): void {
    if (!this.#link.closing || !this.#link.open) return;
    if (this.#queue.length > 0 || this.peer.#queue.length > 0) return;
    this.#link.open = false;
    this.#shutdown('closed');
    this.peer.#shutdown('closed by the other device');
  }

  #shutdown(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = null;
    this.#queue.length = 0;
    this.#buffered = 0;
    for (const w of this.#waiters.splice(0)) w.reject(new ChannelClosedError(reason));
    for (const l of [...this.#closeListeners]) l(reason);
  }
}

/** Two connected ends: what one sends, the other receives, in order. */
export function memoryChannelPair(o: MemoryChannelOptions = {}): [MemoryChannel, MemoryChannel] {
  const bufferBytes = o.bufferBytes ?? 256 * 1024;
  const maxFrame = o.maxFrame ?? MAX_FRAME;
  if (bufferBytes < maxFrame) throw new RangeError('The buffer must hold at least one frame');
  const limits: Limits = { latencyMs: o.latencyMs ?? 0, bufferBytes, lowWater: o.lowWaterBytes ?? Math.floor(bufferBytes / 4), maxFrame };
  const link: Link = { open: true, closing: false, reason: '' };
  const a = new MemoryEnd(link, limits);
  const b = new MemoryEnd(link, limits);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
