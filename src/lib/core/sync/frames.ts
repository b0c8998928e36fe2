// Splits sync messages of any size into frames no larger than a transport allows, and puts them back together strictly.
/**
 * Frame layout (big-endian), then the payload (a slice of the message):
 *
 * | bytes | field                                                   |
 * |-------|---------------------------------------------------------|
 * | 1     | format tag `0xFB` (Fieldbook frame, version 1)          |
 * | 4     | message id (per sender, wraps at 2^32)                  |
 * | 4     | frame index within the message, from 0                  |
 * | 4     | frame count of the message (≥ 1)                        |
 * | 4     | total message length in bytes                           |
 *
 * The channel is ordered and reliable, so a message's frames arrive in index order; the reassembler refuses
 * anything else (a gap, a repeat, a count or length that changes mid-message, more bytes than announced) with a
 * `FrameError` instead of guessing. It never allocates from a header's claim alone: bytes are kept as they
 * arrive and the total across unfinished messages is capped, so a hostile header cannot make it reserve 64 MiB.
 */

export const FRAME_TAG = 0xfb;
export const FRAME_HEADER = 17;
/** Largest message the reassembler accepts: a month doc or a big bucket fits many times over. */
export const MAX_MESSAGE = 64 * 1024 * 1024;
/** Unfinished messages kept at once: a sender that interleaves more than this is broken or hostile. */
export const MAX_PENDING = 8;

/** A frame that breaks the format: the stream cannot be trusted past it. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/** Yields the frames of one message, each at most `maxFrame` bytes; an empty message is one header-only frame. */
export function* frameMessage(id: number, message: Uint8Array, maxFrame: number, maxMessage = MAX_MESSAGE): Generator<Uint8Array> {
  const room = maxFrame - FRAME_HEADER;
  if (room < 1) throw new FrameError(`A frame limit of ${maxFrame} bytes leaves no room for data`);
  if (message.byteLength > maxMessage) throw new FrameError(`A message of ${message.byteLength} bytes is over the ${maxMessage}-byte limit`);
  const count = Math.max(1, Math.ceil(message.byteLength / room));
  for (let index = 0; index < count; index++) {
    const payload = message.subarray(index * room, Math.min(message.byteLength, (index + 1) * room));
    const frame = new Uint8Array(FRAME_HEADER + payload.byteLength);
    const view = new DataView(frame.buffer);
    view.setUint8(0, FRAME_TAG);
    view.setUint32(1, id >>> 0);
    view.setUint32(5, index);
    view.setUint32(9, count);
    view.setUint32(13, message.byteLength);
    frame.set(payload, FRAME_HEADER);
    yield frame;
  }
}

type Header = { id: number; index: number; count: number; total: number };
type Partial = { count: number; total: number; next: number; received: number; chunks: Uint8Array[] };

/** Reads and sanity-checks a frame header against the receiver's limits. */
export function readHeader(frame: Uint8Array, maxFrame: number, maxMessage = MAX_MESSAGE): Header {
  if (frame.byteLength < FRAME_HEADER) throw new FrameError(`A frame of ${frame.byteLength} bytes is too short to be a sync frame`);
  if (frame.byteLength > maxFrame) throw new FrameError(`A frame of ${frame.byteLength} bytes is over the ${maxFrame}-byte limit`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (view.getUint8(0) !== FRAME_TAG) throw new FrameError('Received data that is not a Fieldbook sync frame');
  const h = { id: view.getUint32(1), index: view.getUint32(5), count: view.getUint32(9), total: view.getUint32(13) };
  if (h.total > maxMessage) throw new FrameError(`A message of ${h.total} bytes is over the ${maxMessage}-byte limit`);
  if (h.count < 1 || h.index >= h.count) throw new FrameError(`Frame ${h.index} of ${h.count} is out of range`);
  if (h.count > Math.max(1, h.total)) throw new FrameError(`${h.count} frames cannot carry a ${h.total}-byte message`);
  return h;
}

/** Puts messages back together from their frames; one per channel direction. */
export class Reassembler {
  readonly #pending = new Map<number, Partial>();
  #buffered = 0;

  constructor(
    readonly maxFrame: number,
    readonly maxMessage = MAX_MESSAGE
  ) {}

  /** Takes the next frame; returns the message it completes, or null while more frames are due. */
  push(frame: Uint8Array): Uint8Array | null {
    const h = readHeader(frame, this.maxFrame, this.maxMessage);
    const payload = frame.subarray(FRAME_HEADER);
    const p = this.#pending.get(h.id) ?? this.#begin(h);
    if (h.index !== p.next || h.count !== p.count || h.total !== p.total) {
      this.#drop(h.id);
      throw new FrameError(`Frame ${h.index} of message ${h.id} does not follow frame ${p.next - 1} of ${p.count} (${p.total} bytes)`);
    }
    if (p.received + payload.byteLength > p.total || this.#buffered + payload.byteLength > this.maxMessage) {
      this.#drop(h.id);
      throw new FrameError(`Message ${h.id} carries more bytes than the ${p.total} it announced`);
    }
    p.next++;
    p.received += payload.byteLength;
    this.#buffered += payload.byteLength;
    p.chunks.push(payload);
    if (p.next < p.count) return null;
    this.#drop(h.id);
    if (p.received !== p.total) throw new FrameError(`Message ${h.id} ended after ${p.received} of its ${p.total} bytes`);
    return concat(p.chunks, p.total);
  }

  /** Forgets unfinished messages (the channel was replaced or dropped). */
  reset(): void {
    this.#pending.clear();
    this.#buffered = 0;
  }

  #begin(h: Header): Partial {
    if (h.index !== 0) throw new FrameError(`Frame ${h.index} of message ${h.id} arrived without the frames before it`);
    if (this.#pending.size >= MAX_PENDING) throw new FrameError(`More than ${MAX_PENDING} messages are in flight at once`);
    const p: Partial = { count: h.count, total: h.total, next: 0, received: 0, chunks: [] };
    this.#pending.set(h.id, p);
    return p;
  }

  #drop(id: number): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#buffered -= p.received;
    this.#pending.delete(id);
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0].slice();
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
