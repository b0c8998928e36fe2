// The data-channel transport against an in-memory data channel: backpressure, early frames, one close, refusal of unreliable channels, a whole sync.
import { describe, expect, it, vi } from 'vitest';
import { createRecords } from '../commands';
import { memoryWorkspace } from '../testing';
import { MAX_FRAME } from './channel';
import { deriveTeamKey } from './crypto';
import { FakeDataChannel } from './fake-webrtc';
import { startPeerSession } from './peer-session';
import { readModel } from './rebuild';
import { dataChannelFrames, LinkClosedError } from './webrtc-channel';

/** Two connected, open fake channels. */
function pair(latencyMs = 1): [FakeDataChannel, FakeDataChannel] {
  const a = new FakeDataChannel('fieldbook-sync', 0, latencyMs);
  const b = new FakeDataChannel('fieldbook-sync', 0, latencyMs);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

const openBoth = (...dcs: FakeDataChannel[]) => dcs.forEach((dc) => dc.open());

describe('dataChannelFrames', () => {
  it('sets the channel up for binary frames with a low-water mark, and refuses an unreliable channel', () => {
    const [a] = pair();
    dataChannelFrames(a, { lowWater: 1000, highWater: 5000 });
    expect(a.binaryType).toBe('arraybuffer');
    expect(a.bufferedAmountLowThreshold).toBe(1000);
    const lossy = Object.assign(new FakeDataChannel('x', 2, 1), { maxRetransmits: 0 });
    expect(() => dataChannelFrames(lossy)).toThrow(/ordered and reliable/);
  });

  it('keeps frames that arrive before anyone listens, and hands them over in order', async () => {
    const [a, b] = pair();
    const fb = dataChannelFrames(b);
    const fa = dataChannelFrames(a);
    openBoth(a, b);
    await fa.send(new Uint8Array([1]));
    await fa.send(new Uint8Array([2]));
    await vi.waitFor(() => expect(fb.received.frames).toBe(2));
    const got: number[] = [];
    fb.onFrame((f) => got.push(f[0]));
    await vi.waitFor(() => expect(got).toEqual([1, 2]));
    await fa.send(new Uint8Array([3]));
    await vi.waitFor(() => expect(got).toEqual([1, 2, 3]));
  });

  it('applies backpressure: send waits once the buffer is over the high-water mark, until bufferedamountlow', async () => {
    const [a, b] = pair(20);
    const fa = dataChannelFrames(a, { highWater: 4 * MAX_FRAME, lowWater: MAX_FRAME });
    dataChannelFrames(b).onFrame(() => undefined);
    openBoth(a, b);
    const frame = new Uint8Array(MAX_FRAME);
    let resolved = 0;
    const sends = Array.from({ length: 8 }, () => fa.send(frame).then(() => resolved++));
    // Four frames fit under the high-water mark at once; the rest wait for the buffer to drain.
    await Promise.resolve();
    await Promise.resolve();
    expect(resolved).toBe(4);
    expect(fa.bufferedAmount).toBe(8 * MAX_FRAME);
    await Promise.all(sends);
    expect(fa.bufferedAmount).toBeLessThanOrEqual(MAX_FRAME);
  });

  it('rejects frames over the size limit and sends on a closed link; pending sends fail when the link closes', async () => {
    const [a, b] = pair(50);
    const fa = dataChannelFrames(a, { highWater: MAX_FRAME, lowWater: 0 });
    dataChannelFrames(b);
    openBoth(a, b);
    await expect(fa.send(new Uint8Array(MAX_FRAME + 1))).rejects.toThrow(RangeError);
    await fa.send(new Uint8Array(MAX_FRAME));
    const waiting = fa.send(new Uint8Array(MAX_FRAME));
    b.shut();
    a.shut();
    await expect(waiting).rejects.toBeInstanceOf(LinkClosedError);
    await expect(fa.send(new Uint8Array(1))).rejects.toBeInstanceOf(LinkClosedError);
    expect(fa.isOpen).toBe(false);
  });

  it('tells close listeners exactly once, with the reason, whoever closed', async () => {
    const [a, b] = pair();
    const fa = dataChannelFrames(a);
    const fb = dataChannelFrames(b);
    openBoth(a, b);
    const ra: string[] = [];
    const rb: string[] = [];
    fa.onClose((r) => ra.push(r));
    fb.onClose((r) => rb.push(r));
    fa.close();
    fa.close();
    await vi.waitFor(() => expect(rb).toEqual(['closed by the other device']));
    expect(ra).toEqual(['closed']);
  });

  it('passes text (not sync traffic) on as bytes, so the engine refuses it like any malformed frame', async () => {
    const [a, b] = pair();
    const fb = dataChannelFrames(b);
    openBoth(a, b);
    const got: Uint8Array[] = [];
    fb.onFrame((f) => got.push(f));
    a.send('hello' as unknown as Uint8Array<ArrayBuffer>);
    await vi.waitFor(() => expect(new TextDecoder().decode(got[0])).toBe('hello'));
  });

  it('carries a whole sync session: 1,000 records in 16 KiB frames, both sides converge', async () => {
    const key = await deriveTeamKey('himal team 2026', 'fieldbook-test');
    const x = memoryWorkspace();
    const y = memoryWorkspace();
    await createRecords(
      x,
      'contact',
      Array.from({ length: 1000 }, (_, i) => ({ firstName: `N${i}`, lastName: 'Tamang', notes: 'Met at the fair. '.repeat(16) }))
    );
    const [a, b] = pair();
    const fa = dataChannelFrames(a);
    const fb = dataChannelFrames(b);
    openBoth(a, b);
    const [sx, sy] = [startPeerSession(x, fa, { key }), startPeerSession(y, fb, { key })];
    const [rx] = await Promise.all([sx.done, sy.done]);
    expect(rx.bytesSent).toBeGreaterThan(256 * 1024);
    expect(Math.max(...a.sent.map((f) => f.byteLength))).toBeLessThanOrEqual(MAX_FRAME);
    expect(await readModel(y)).toEqual(await readModel(x));
    sx.close();
    await Promise.all([sx.closed, sy.closed]);
  });
});
