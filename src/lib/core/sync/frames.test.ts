// Frames: any message survives the split and reassembly within the size limit, and broken frame streams are refused clearly.
import { describe, expect, it } from 'vitest';
import { MAX_FRAME } from './channel';
import { FRAME_HEADER, FrameError, frameMessage, MAX_PENDING, Reassembler } from './frames';

const bytes = (n: number, seed = 7) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const room = MAX_FRAME - FRAME_HEADER;

function roundTrip(message: Uint8Array, maxFrame = MAX_FRAME) {
  const frames = [...frameMessage(1, message, maxFrame)];
  const r = new Reassembler(maxFrame);
  const out = frames.map((f) => r.push(f));
  return { frames, out };
}

describe('frameMessage + Reassembler', () => {
  it.each([0, 1, room - 1, room, room + 1, 3 * room, 1024 * 1024 + 5])('round-trips a %i-byte message in frames of at most 16 KiB', (n) => {
    const message = bytes(n);
    const { frames, out } = roundTrip(message);
    expect(frames.length).toBe(Math.max(1, Math.ceil(n / room)));
    for (const f of frames) expect(f.byteLength).toBeLessThanOrEqual(MAX_FRAME);
    expect(out.slice(0, -1).every((m) => m === null)).toBe(true);
    // Buffer.equals: vitest's deep equality walks a megabyte element by element.
    expect(Buffer.from(out.at(-1)!).equals(Buffer.from(message))).toBe(true);
  });

  it('keeps interleaved messages apart', () => {
    const a = [...frameMessage(1, bytes(3 * room, 1), MAX_FRAME)];
    const b = [...frameMessage(2, bytes(2 * room, 2), MAX_FRAME)];
    const r = new Reassembler(MAX_FRAME);
    const done = [a[0], b[0], a[1], b[1], a[2]].map((f) => r.push(f)).filter((m): m is Uint8Array => m !== null);
    expect(done.map((m) => Buffer.from(m).toString('hex'))).toEqual([bytes(2 * room, 2), bytes(3 * room, 1)].map((m) => Buffer.from(m).toString('hex')));
  });

  it('refuses to send a message over the cap', () => {
    expect(() => [...frameMessage(1, new Uint8Array(100), MAX_FRAME, 99)]).toThrow(/over the 99-byte limit/);
  });
});

describe('broken frame streams', () => {
  const frames = [...frameMessage(5, bytes(3 * room), MAX_FRAME)];
  const push = (...fs: Uint8Array[]) => {
    const r = new Reassembler(MAX_FRAME);
    return () => fs.forEach((f) => r.push(f));
  };
  const tweak = (f: Uint8Array, at: number, value: number) => {
    const c = f.slice();
    new DataView(c.buffer).setUint32(at, value);
    return c;
  };

  it.each([
    ['a frame too short for a header', [new Uint8Array(3)], /too short/],
    ['a frame over the size limit', [new Uint8Array(MAX_FRAME + 1).fill(0xfb)], /over the 16384-byte limit/],
    ['garbage', [bytes(100)], /not a Fieldbook sync frame/],
    ['a gap', [frames[0], frames[2]], /does not follow/],
    ['a repeated frame', [frames[0], frames[0]], /does not follow/],
    ['a middle frame without its start', [frames[1]], /without the frames before it/],
    ['an index beyond the count', [tweak(frames[0], 5, 9)], /out of range/],
    ['a count that changes mid-message', [frames[0], tweak(frames[1], 9, 4)], /does not follow/],
    ['a total that changes mid-message', [frames[0], tweak(frames[1], 13, 4 * room)], /does not follow/],
    ['more frames than bytes', [tweak(tweak(frames[0], 13, 2), 9, 3)], /cannot carry/],
    ['a message over 64 MiB', [tweak(frames[0], 13, 64 * 1024 * 1024 + 1)], /over the 67108864-byte limit/],
    ['a message that ends short', [tweak(tweak(frames[0], 9, 1), 13, room + 10)], /ended after/],
    ['a frame carrying more than announced', [tweak(tweak(frames[0], 9, 2), 13, 10)], /more bytes than/]
  ])('refuses %s with a FrameError', (_, fs, message) => {
    const run = push(...(fs as Uint8Array[]));
    expect(run).toThrow(FrameError);
    expect(run).toThrow(message as RegExp);
  });

  it('refuses more unfinished messages at once than it keeps', () => {
    const r = new Reassembler(MAX_FRAME);
    for (let id = 0; id < MAX_PENDING; id++) r.push([...frameMessage(id, bytes(2 * room), MAX_FRAME)][0]);
    expect(() => r.push([...frameMessage(99, bytes(2 * room), MAX_FRAME)][0])).toThrow(/in flight/);
  });

  it('goes on with other messages after refusing one', () => {
    const r = new Reassembler(MAX_FRAME);
    r.push(frames[0]);
    expect(() => r.push(frames[2])).toThrow(FrameError);
    const ok = [...frameMessage(6, bytes(10), MAX_FRAME)];
    expect(r.push(ok[0])).toEqual(bytes(10));
  });
});
