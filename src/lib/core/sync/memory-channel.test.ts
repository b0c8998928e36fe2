// The in-memory channel behaves like a real data channel: ordered, bounded, slow to drain under load, and it can drop.
import { describe, expect, it, vi } from 'vitest';
import { MAX_FRAME } from './channel';
import { ChannelClosedError, memoryChannelPair } from './memory-channel';

const frame = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe('memoryChannelPair', () => {
  it('delivers frames in order, after the latency', async () => {
    const [a, b] = memoryChannelPair({ latencyMs: 20 });
    const got: number[] = [];
    b.onFrame((f) => got.push(f[0]));
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await a.send(frame(10, i));
    expect(got).toEqual([]);
    await vi.waitFor(() => expect(got).toEqual([0, 1, 2, 3, 4]));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(15);
  });

  it('keeps frames that arrive before anyone listens', async () => {
    const [a, b] = memoryChannelPair();
    await a.send(frame(3, 9));
    await vi.waitFor(() => expect(a.bufferedAmount).toBe(0));
    const got: number[] = [];
    b.onFrame((f) => got.push(f[0]));
    await vi.waitFor(() => expect(got).toEqual([9]));
  });

  it('holds a send until the buffer drains below its low-water mark (backpressure)', async () => {
    const [a, b] = memoryChannelPair({ latencyMs: 30, bufferBytes: 64 * 1024, lowWaterBytes: 16 * 1024 });
    b.onFrame(() => undefined);
    await a.send(frame(MAX_FRAME));
    let resolved = false;
    const second = a.send(frame(MAX_FRAME)).then(() => (resolved = true));
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    expect(a.bufferedAmount).toBe(2 * MAX_FRAME);
    await second;
    expect(a.bufferedAmount).toBeLessThanOrEqual(16 * 1024);
  });

  it('fails a send that would overflow the buffer, as a real data channel does', async () => {
    const [a] = memoryChannelPair({ bufferBytes: 32 * 1024 });
    void a.send(frame(MAX_FRAME)).catch(() => undefined);
    void a.send(frame(MAX_FRAME)).catch(() => undefined);
    await expect(a.send(frame(10))).rejects.toThrow(/ignored backpressure/);
  });

  it('refuses frames over the frame limit', async () => {
    const [a] = memoryChannelPair();
    await expect(a.send(frame(MAX_FRAME + 1))).rejects.toThrow(/over this channel's 16384-byte limit/);
  });

  it('drop() loses undelivered frames, fails waiting sends and closes both ends', async () => {
    const [a, b] = memoryChannelPair({ latencyMs: 50, bufferBytes: 64 * 1024, lowWaterBytes: 0 });
    const got: Uint8Array[] = [];
    b.onFrame((f) => got.push(f));
    const reasons: string[] = [];
    a.onClose((r) => reasons.push(`a:${r}`));
    b.onClose((r) => reasons.push(`b:${r}`));
    const pending = a.send(frame(100));
    a.drop('out of range');
    await expect(pending).rejects.toBeInstanceOf(ChannelClosedError);
    expect(reasons).toEqual(['a:out of range', 'b:out of range']);
    expect(a.isOpen || b.isOpen).toBe(false);
    await expect(b.send(frame(1))).rejects.toBeInstanceOf(ChannelClosedError);
    // Discarded, not merely late: nothing is left to deliver.
    expect(a.bufferedAmount).toBe(0);
    expect(got).toEqual([]);
  });

  it('close() delivers what is queued, then closes both ends', async () => {
    const [a, b] = memoryChannelPair({ latencyMs: 10 });
    const got: number[] = [];
    b.onFrame((f) => got.push(f[0]));
    const closed = new Promise<string>((r) => b.onClose(r));
    await a.send(frame(1, 5));
    a.close();
    expect(a.isOpen).toBe(false);
    expect(await closed).toBe('closed by the other device');
    expect(got).toEqual([5]);
  });
});
