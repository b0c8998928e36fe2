// Team key, room name and sealing: the same password meets and reads, anything else is refused, nothing leaks into the room name.
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveTeamKey, open, PBKDF2_ITERATIONS, roomName, seal, WrongKeyError } from './crypto';

let key: CryptoKey;
let sameKey: CryptoKey;
let otherKey: CryptoKey;

beforeAll(async () => {
  [key, sameKey, otherKey] = await Promise.all([
    deriveTeamKey('correct horse', 'ws-1'),
    deriveTeamKey('correct horse', 'ws-1'),
    deriveTeamKey('correct horse!', 'ws-1')
  ]);
});

describe('team key', () => {
  it('uses PBKDF2 with at least 200,000 iterations and gives a non-extractable AES-GCM-256 key', () => {
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(200_000);
    expect(key.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    expect(key.extractable).toBe(false);
  });

  it('lets two devices with the same password and workspace read each other', async () => {
    const text = new TextEncoder().encode('Asha Gurung, +977 9841 000000');
    expect(await open(sameKey, await seal(key, text))).toEqual(text);
  });

  it('refuses the wrong password, a flipped bit and a truncated message with WrongKeyError', async () => {
    const sealed = await seal(key, new Uint8Array([1, 2, 3]));
    await expect(open(otherKey, sealed)).rejects.toBeInstanceOf(WrongKeyError);
    const flipped = sealed.slice();
    flipped[20] ^= 1;
    await expect(open(key, flipped)).rejects.toBeInstanceOf(WrongKeyError);
    await expect(open(key, sealed.subarray(0, 20))).rejects.toBeInstanceOf(WrongKeyError);
  });

  it('seals as IV (12) + ciphertext + tag (16), with a fresh IV every time', async () => {
    const a = await seal(key, new Uint8Array(10));
    const b = await seal(key, new Uint8Array(10));
    expect(a.byteLength).toBe(12 + 10 + 16);
    expect(a.subarray(0, 12)).not.toEqual(b.subarray(0, 12));
  });

  it('derives a different key for another workspace with the same password', async () => {
    const elsewhere = await deriveTeamKey('correct horse', 'ws-2');
    await expect(open(elsewhere, await seal(key, new Uint8Array([1])))).rejects.toBeInstanceOf(WrongKeyError);
  });

  it('needs a password', async () => {
    await expect(deriveTeamKey('', 'ws-1')).rejects.toThrow(/password is needed/);
  });
});

describe('room name', () => {
  it('is the same hex hash on every device of the team, and differs by password and workspace', async () => {
    const [a, b, c, d] = await Promise.all([
      roomName('correct horse', 'ws-1'),
      roomName('correct horse', 'ws-1'),
      roomName('correct horse!', 'ws-1'),
      roomName('correct horse', 'ws-2')
    ]);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(new Set([a, c, d]).size).toBe(3);
    expect(a).not.toContain('horse');
    expect(a).not.toContain('ws-1');
  });
});
