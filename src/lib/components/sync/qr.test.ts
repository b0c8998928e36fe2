// The QR encoder against the standard's figures: capacities, a Reed–Solomon example, format bits, and the fixed patterns.
/*
 * While writing it, codes of versions 1, 6, 12, 16 and 32 with masks 0, 3, 5, 7 and the automatic choice (URLs,
 * UTF-8 text, 1,500 bytes) were rendered to images and all decoded back to their text with zbarimg (ZBar 0.23).
 */
import { describe, expect, it } from 'vitest';
import { alignmentPositions, dataCodewords, encodeQr, qrPath, rsDivisor, rsRemainder } from './qr';

describe('encodeQr', () => {
  it('knows the level-M capacities of ISO/IEC 18004 Table 7', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(dataCodewords)).toEqual([16, 28, 44, 64, 86, 108, 124, 154, 182, 216]);
    expect(dataCodewords(40)).toBe(2334);
    expect(alignmentPositions(7)).toEqual([6, 22, 38]);
    expect(alignmentPositions(32)).toEqual([6, 34, 60, 86, 112, 138]);
  });

  it('computes the error-correction codewords of the standard’s worked example (Annex I, “01234567”, 1-M)', () => {
    const data = [0x10, 0x20, 0x0c, 0x56, 0x61, 0x80, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11];
    expect(rsRemainder(data, rsDivisor(10))).toEqual([0xa5, 0x24, 0xd4, 0xc1, 0xed, 0x36, 0xc7, 0x87, 0x2c, 0x55]);
  });

  it('draws finders, timing and the format bits for level M and the chosen mask', () => {
    const code = encodeQr('http://10.0.0.5:4173/sync?room=K7P2QX&signal=ws%3A%2F%2F10.0.0.5%3A4444', { mask: 0 });
    expect(code.size).toBe(code.version * 4 + 17);
    const m = code.modules;
    // Finder pattern rows at the top left: 7 dark, then the ring.
    expect(m[0].slice(0, 7)).toEqual([true, true, true, true, true, true, true]);
    expect(m[1].slice(0, 7)).toEqual([true, false, false, false, false, false, true]);
    expect(m[3].slice(0, 7)).toEqual([true, false, true, true, true, false, true]);
    // Timing pattern between the finders alternates.
    for (let x = 8; x < code.size - 8; x++) expect(m[6][x]).toBe(x % 2 === 0);
    // Format bits for M with mask 0 are 101010000010010 (Table C.1), read from the first copy.
    const bits = [0, 1, 2, 3, 4, 5].map((i) => m[i][8]).concat([m[7][8], m[8][8], m[8][7]], [5, 4, 3, 2, 1, 0].map((x) => m[8][x]));
    expect(bits.map((b) => (b ? 1 : 0)).reverse().join('')).toBe('101010000010010');
    expect(m[code.size - 8][8]).toBe(true);
  });

  it('picks the smallest version that fits and a mask by penalty, and refuses what cannot fit', () => {
    expect(encodeQr('HELLO').version).toBe(1);
    const url = encodeQr(`https://fieldbook.example.org/sync?${'x'.repeat(120)}`);
    expect(url.version).toBeGreaterThanOrEqual(7);
    expect(url.mask).toBeGreaterThanOrEqual(0);
    expect(() => encodeQr('x'.repeat(3000))).toThrow(RangeError);
    expect(qrPath(encodeQr('HELLO'))).toMatch(/^M\d+,\d+h1v1h-1z/);
  });
});
