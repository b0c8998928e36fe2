// An RTCDataChannel as a FrameChannel: ordered and reliable, binary frames, backpressure through bufferedamountlow, one close.
/**
 * What the sync engine needs from a transport (peer-session.ts) and how a data channel gives it:
 * - ordered, reliable delivery: the channel must be created `ordered` with no `maxRetransmits`/`maxPacketLifeTime`
 *   (checked here: a partially reliable channel would make the reassembler fail on the first lost frame);
 * - binary frames: `binaryType = 'arraybuffer'` (the default, Blob, would arrive asynchronously and out of order);
 * - frames of at most 16 KiB (`MAX_FRAME`): Chrome drops messages over 256 KiB and stalls on large ones;
 * - backpressure: `send` resolves at once while the channel's buffer holds less than `highWater`, otherwise when
 *   `bufferedamountlow` fires (the buffer fell to `lowWater`). Chrome closes a data channel whose buffer goes over
 *   16 MiB, so a sender that ignored this would lose the link. Sends on a closed channel reject;
 * - frames that arrive before the session listens (the peer may start sending the moment the channel opens) are
 *   kept and handed to the first listener, in order;
 * - `onClose` listeners run exactly once, whatever closed the link (our close, the peer's, an error).
 */
import { MAX_FRAME, type FrameChannel } from './channel';

/** The part of RTCDataChannel this module uses (a browser's RTCDataChannel, or a fake in Node tests). */
export type DataChannelLike = EventTarget & {
  readonly label: string;
  readonly readyState: string;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  binaryType: string;
  readonly ordered: boolean;
  readonly maxRetransmits: number | null;
  readonly maxPacketLifeTime: number | null;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(): void;
};

export type DataChannelFramesOptions = {
  maxFrame?: number;
  /** `send` waits once this many bytes are buffered. */
  highWater?: number;
  /** … until the buffer drains to this (the channel's bufferedAmountLowThreshold). */
  lowWater?: number;
  /** How long a graceful close waits for buffered frames to leave before closing anyway. */
  drainTimeoutMs?: number;
};

export type DataChannelFrames = FrameChannel & {
  readonly bufferedAmount: number;
  /** Frames received, and bytes (for the sync screen and tests). */
  readonly received: { frames: number; bytes: number };
};

/** A send on a link that is closed (or closed while the frame waited for room). */
export class LinkClosedError extends Error {
  constructor(reason: string) {
    super(`The connection to the other device is closed (${reason})`);
    this.name = 'LinkClosedError';
  }
}

const DEFAULTS = { maxFrame: MAX_FRAME, highWater: 1024 * 1024, lowWater: 256 * 1024, drainTimeoutMs: 3000 };
const utf8 = new TextEncoder();

type Waiter = { resolve: () => void; reject: (e: Error) => void };

/** Wraps a data channel (open or still connecting) as a FrameChannel. Create it right after the channel, before it opens. */
export function dataChannelFrames(dc: DataChannelLike, options: DataChannelFramesOptions = {}): DataChannelFrames {
  return new DataChannelFrameChannel(dc, { ...DEFAULTS, ...options });
}

class DataChannelFrameChannel implements DataChannelFrames {
  readonly maxFrame: number;
  readonly received = { frames: 0, bytes: 0 };
  readonly #dc: DataChannelLike;
  readonly #o: Required<DataChannelFramesOptions>;
  readonly #frameListeners = new Set<(frame: Uint8Array) => void>();
  readonly #closeListeners = new Set<(reason: string) => void>();
  readonly #inbox: Uint8Array[] = [];
  readonly #waiters: Waiter[] = [];
  #isClosing = false;
  #closedReason: string | null = null;
  #errorReason: string | null = null;

  constructor(dc: DataChannelLike, o: Required<DataChannelFramesOptions>) {
    if (!dc.ordered || dc.maxRetransmits !== null || dc.maxPacketLifeTime !== null) {
      throw new Error(`Data channel "${dc.label}" must be ordered and reliable to carry sync frames`);
    }
    if (o.lowWater > o.highWater) throw new RangeError('lowWater must not be above highWater');
    this.#dc = dc;
    this.#o = o;
    this.maxFrame = o.maxFrame;
    dc.binaryType = 'arraybuffer';
    dc.bufferedAmountLowThreshold = o.lowWater;
    dc.addEventListener('message', (e) => this.#onMessage((e as MessageEvent).data));
    dc.addEventListener('bufferedamountlow', () => this.#release());
    dc.addEventListener('error', (e) => {
      const error = (e as Event & { error?: { message?: string } }).error;
      this.#errorReason = error?.message ? `data channel error: ${error.message}` : 'data channel error';
    });
    dc.addEventListener('close', () => this.#finish(this.#errorReason ?? (this.#isClosing ? 'closed' : 'closed by the other device')));
    if (dc.readyState === 'closed') queueMicrotask(() => this.#finish('it was already closed'));
  }

  get isOpen(): boolean {
    return this.#dc.readyState === 'open' && !this.#isClosing && this.#closedReason === null;
  }

  get bufferedAmount(): number {
    return this.#dc.bufferedAmount;
  }

  send(frame: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.reject(new LinkClosedError(this.#closedReason ?? (this.#isClosing ? 'closing' : this.#dc.readyState)));
    if (frame.byteLength > this.maxFrame) {
      return Promise.reject(new RangeError(`A frame of ${frame.byteLength} bytes is over this channel's ${this.maxFrame}-byte limit`));
    }
    try {
      // A view on a larger or shared buffer is copied: the channel sends the whole view, and we must not send its neighbours.
      this.#dc.send(frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength && frame.buffer instanceof ArrayBuffer ? (frame as Uint8Array<ArrayBuffer>) : frame.slice());
    } catch (e) {
      // send() throws InvalidStateError when the channel closed under us, OperationError when its buffer is full.
      return Promise.reject(this.isOpen ? e : new LinkClosedError(this.#closedReason ?? 'closed while sending'));
    }
    if (this.#dc.bufferedAmount <= this.#o.highWater) return Promise.resolve();
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

  /** Graceful close: frames already handed to the channel get a moment to leave (the last may say why we hang up). */
  close(): void {
    if (this.#isClosing || this.#closedReason !== null) return;
    this.#isClosing = true;
    const deadline = Date.now() + this.#o.drainTimeoutMs;
    const closeWhenDrained = () => {
      if (this.#closedReason !== null) return;
      if (this.#dc.bufferedAmount > 0 && this.#dc.readyState === 'open' && Date.now() < deadline) {
        setTimeout(closeWhenDrained, 20);
        return;
      }
      this.#dc.close();
      // Some implementations only fire 'close' once the peer acknowledges; the local side is closed now either way.
      this.#finish('closed');
    };
    closeWhenDrained();
  }

  #onMessage(data: unknown): void {
    if (this.#closedReason !== null) return;
    // Anything but binary is not sync traffic; it is passed on as bytes so the engine refuses it like any bad frame.
    const frame = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : utf8.encode(String(data));
    this.received.frames++;
    this.received.bytes += frame.byteLength;
    if (this.#frameListeners.size === 0 || this.#inbox.length > 0) {
      this.#inbox.push(frame);
      return;
    }
    this.#deliver(frame);
  }

  #flushInbox(): void {
    while (this.#inbox.length > 0 && this.#frameListeners.size > 0) this.#deliver(this.#inbox.shift()!);
  }

  #deliver(frame: Uint8Array): void {
    for (const listener of [...this.#frameListeners]) {
      try {
        listener(frame);
      } catch (e) {
        // One listener's bug must not stop the others from hearing the stream.
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  #release(): void {
    for (const w of this.#waiters.splice(0)) w.resolve();
  }

  #finish(reason: string): void {
    if (this.#closedReason !== null) return;
    this.#closedReason = reason;
    for (const w of this.#waiters.splice(0)) w.reject(new LinkClosedError(reason));
    for (const listener of [...this.#closeListeners]) listener(reason);
  }
}
