// A compact QR code encoder (byte mode, error correction level M, versions 1–40) for the meeting invite; no library is installed for it.
/**
 * ISO/IEC 18004:2015, following the structure of Project Nayuki's reference encoder (MIT): data bits (§7.4) →
 * Reed–Solomon codewords over GF(2^8) with polynomial 0x11D, split in blocks and interleaved (§7.5–7.6) → function
 * patterns (finders, timing, alignment, format and version information, §6.3) → data placed in the two-column
 * zigzag (§7.7.3) → the mask (§7.8) with the lowest penalty score (§7.8.3) unless one is given.
 * Level M restores up to ~15 % of damaged modules, plenty for a code shown on a screen.
 */

/** Error-correction codewords per block and number of blocks, level M, index = version (Table 9). */
const ECC_PER_BLOCK = [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28];
const BLOCKS = [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49];
/** Format information bits for level M (§7.9.1: M is 00). */
const ECL_BITS = 0;

export type QrCode = {
  version: number;
  size: number;
  mask: number;
  /** modules[y][x]: true is dark. */
  modules: boolean[][];
};

/** Modules available for data and error correction in a version (everything but function patterns). */
export function rawDataModules(version: number): number {
  let result = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const align = Math.floor(version / 7) + 2;
    result -= (25 * align - 10) * align - 55;
    if (version >= 7) result -= 36;
  }
  return result;
}

/** Data codewords a version holds at level M. */
export function dataCodewords(version: number): number {
  return Math.floor(rawDataModules(version) / 8) - ECC_PER_BLOCK[version] * BLOCKS[version];
}

/** Encodes text (UTF-8, byte mode) in the smallest version that fits; `mask` forces a mask (tests). */
export function encodeQr(text: string, options: { mask?: number } = {}): QrCode {
  const data = new TextEncoder().encode(text);
  let version = 1;
  for (; version <= 40; version++) {
    const countBits = version < 10 ? 8 : 16;
    if (4 + countBits + data.length * 8 <= dataCodewords(version) * 8) break;
  }
  if (version > 40) throw new RangeError(`${data.length} bytes do not fit in a QR code`);

  // §7.4: mode indicator 0100 (byte), character count, the bytes, terminator, padding to the capacity.
  const bits: number[] = [];
  const push = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  push(0b0100, 4);
  push(data.length, version < 10 ? 8 : 16);
  for (const b of data) push(b, 8);
  const capacity = dataCodewords(version) * 8;
  push(0, Math.min(4, capacity - bits.length));
  push(0, (8 - (bits.length % 8)) % 8);
  for (let pad = 0xec; bits.length < capacity; pad ^= 0xec ^ 0x11) push(pad, 8);
  const codewords: number[] = [];
  for (let i = 0; i < bits.length; i += 8) codewords.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));

  const matrix = new Matrix(version);
  matrix.drawFunctionPatterns();
  matrix.drawCodewords(interleave(version, codewords));
  let mask = options.mask ?? -1;
  if (mask < 0) {
    let best = Infinity;
    for (let m = 0; m < 8; m++) {
      matrix.applyMask(m);
      matrix.drawFormat(m);
      const penalty = matrix.penalty();
      if (penalty < best) [best, mask] = [penalty, m];
      matrix.applyMask(m); // XOR again: undoes it
    }
  }
  matrix.applyMask(mask);
  matrix.drawFormat(mask);
  return { version, size: matrix.size, mask, modules: matrix.modules };
}

/** Splits data codewords in blocks, appends each block's Reed–Solomon codewords, and interleaves them (§7.6). */
function interleave(version: number, data: number[]): number[] {
  const blocks = BLOCKS[version];
  const eccLen = ECC_PER_BLOCK[version];
  const raw = Math.floor(rawDataModules(version) / 8);
  const shortBlocks = blocks - (raw % blocks);
  const shortLen = Math.floor(raw / blocks);
  const divisor = rsDivisor(eccLen);
  const out: { data: number[]; ecc: number[] }[] = [];
  for (let i = 0, k = 0; i < blocks; i++) {
    const len = shortLen - eccLen + (i < shortBlocks ? 0 : 1);
    const d = data.slice(k, k + len);
    k += len;
    out.push({ data: d, ecc: rsRemainder(d, divisor) });
  }
  const result: number[] = [];
  for (let i = 0; i <= shortLen - eccLen; i++) for (const b of out) if (i < b.data.length) result.push(b.data[i]);
  for (let i = 0; i < eccLen; i++) for (const b of out) result.push(b.ecc[i]);
  return result;
}

function gfMultiply(x: number, y: number): number {
  let z = 0;
  for (let i = 7; i >= 0; i--) {
    z = (z << 1) ^ ((z >>> 7) * 0x11d);
    z ^= ((y >>> i) & 1) * x;
  }
  return z & 0xff;
}

/** The generator polynomial ∏(x − 2^i), i < degree, highest coefficient first, the leading 1 left out. */
function rsDivisor(degree: number): number[] {
  const result = new Array<number>(degree).fill(0);
  result[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      result[j] = gfMultiply(result[j], root);
      if (j + 1 < degree) result[j] ^= result[j + 1];
    }
    root = gfMultiply(root, 0x02);
  }
  return result;
}

/** The remainder of data·x^degree divided by the generator: the error-correction codewords. */
export function rsRemainder(data: number[], divisor: number[]): number[] {
  const result = new Array<number>(divisor.length).fill(0);
  for (const b of data) {
    const factor = b ^ (result.shift() as number);
    result.push(0);
    divisor.forEach((coef, i) => (result[i] ^= gfMultiply(coef, factor)));
  }
  return result;
}

export { rsDivisor };

class Matrix {
  readonly size: number;
  readonly modules: boolean[][];
  readonly isFunction: boolean[][];

  constructor(readonly version: number) {
    this.size = version * 4 + 17;
    this.modules = Array.from({ length: this.size }, () => new Array<boolean>(this.size).fill(false));
    this.isFunction = Array.from({ length: this.size }, () => new Array<boolean>(this.size).fill(false));
  }

  #set(x: number, y: number, dark: boolean): void {
    this.modules[y][x] = dark;
    this.isFunction[y][x] = true;
  }

  drawFunctionPatterns(): void {
    const n = this.size;
    for (let i = 0; i < n; i++) {
      this.#set(6, i, i % 2 === 0);
      this.#set(i, 6, i % 2 === 0);
    }
    this.#finder(3, 3);
    this.#finder(n - 4, 3);
    this.#finder(3, n - 4);
    const positions = alignmentPositions(this.version);
    const last = positions.length - 1;
    for (let i = 0; i <= last; i++) {
      for (let j = 0; j <= last; j++) {
        // Not where a finder pattern sits.
        if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) continue;
        this.#alignment(positions[i], positions[j]);
      }
    }
    this.drawFormat(0); // reserves the format areas; drawn for real once the mask is known
    this.#version();
  }

  #finder(cx: number, cy: number): void {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const d = Math.max(Math.abs(dx), Math.abs(dy));
        const x = cx + dx;
        const y = cy + dy;
        if (x >= 0 && x < this.size && y >= 0 && y < this.size) this.#set(x, y, d !== 2 && d !== 4);
      }
    }
  }

  #alignment(cx: number, cy: number): void {
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) this.#set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
  }

  /** The 15 format bits (level and mask, BCH-protected, §7.9), twice, and the dark module. */
  drawFormat(mask: number): void {
    const data = (ECL_BITS << 3) | mask;
    let rem = data;
    for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
    const bits = ((data << 10) | rem) ^ 0x5412;
    const bit = (i: number) => ((bits >>> i) & 1) !== 0;
    const n = this.size;
    for (let i = 0; i <= 5; i++) this.#set(8, i, bit(i));
    this.#set(8, 7, bit(6));
    this.#set(8, 8, bit(7));
    this.#set(7, 8, bit(8));
    for (let i = 9; i < 15; i++) this.#set(14 - i, 8, bit(i));
    for (let i = 0; i < 8; i++) this.#set(n - 1 - i, 8, bit(i));
    for (let i = 8; i < 15; i++) this.#set(8, n - 15 + i, bit(i));
    this.#set(8, n - 8, true);
  }

  /** Version information (versions 7 and up, §7.10): 18 BCH-protected bits, twice. */
  #version(): void {
    if (this.version < 7) return;
    let rem = this.version;
    for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
    const bits = (this.version << 12) | rem;
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >>> i) & 1) !== 0;
      const a = this.size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      this.#set(a, b, dark);
      this.#set(b, a, dark);
    }
  }

  /** Data bits in the zigzag: two-module columns from the right, alternately upwards and downwards, skipping column 6. */
  drawCodewords(codewords: number[]): void {
    const n = this.size;
    let i = 0;
    for (let right = n - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      for (let vert = 0; vert < n; vert++) {
        for (let j = 0; j < 2; j++) {
          const x = right - j;
          const upward = ((right + 1) & 2) === 0;
          const y = upward ? n - 1 - vert : vert;
          if (this.isFunction[y][x] || i >= codewords.length * 8) continue;
          this.modules[y][x] = ((codewords[i >>> 3] >>> (7 - (i & 7))) & 1) !== 0;
          i++;
        }
      }
    }
  }

  /** XORs the data modules with mask pattern `mask` (§7.8.2); applying it twice undoes it. */
  applyMask(mask: number): void {
    for (let y = 0; y < this.size; y++) {
      for (let x = 0; x < this.size; x++) {
        if (this.isFunction[y][x]) continue;
        let invert: boolean;
        switch (mask) {
          case 0: invert = (x + y) % 2 === 0; break; // prettier-ignore
          case 1: invert = y % 2 === 0; break; // prettier-ignore
          case 2: invert = x % 3 === 0; break; // prettier-ignore
          case 3: invert = (x + y) % 3 === 0; break; // prettier-ignore
          case 4: invert = (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0; break; // prettier-ignore
          case 5: invert = ((x * y) % 2) + ((x * y) % 3) === 0; break; // prettier-ignore
          case 6: invert = (((x * y) % 2) + ((x * y) % 3)) % 2 === 0; break; // prettier-ignore
          default: invert = (((x + y) % 2) + ((x * y) % 3)) % 2 === 0; // prettier-ignore
        }
        if (invert) this.modules[y][x] = !this.modules[y][x];
      }
    }
  }

  /** The penalty score of §7.8.3 (runs, 2×2 blocks, finder-like patterns, dark/light balance): lower scans better. */
  penalty(): number {
    const n = this.size;
    const m = this.modules;
    let score = 0;
    const at = (x: number, y: number, isRow: boolean) => (isRow ? m[y][x] : m[x][y]);
    for (const isRow of [true, false]) {
      for (let a = 0; a < n; a++) {
        let run = 1;
        for (let b = 1; b <= n; b++) {
          if (b < n && at(b, a, isRow) === at(b - 1, a, isRow)) run++;
          else {
            if (run >= 5) score += 3 + (run - 5);
            run = 1;
          }
        }
        // 1:1:3:1:1 dark-light pattern with four light modules on one side (outside the symbol counts as light).
        for (let b = -4; b < n; b++) {
          const px = (k: number) => (b + k >= 0 && b + k < n ? at(b + k, a, isRow) : false);
          const core = px(4) && !px(5) && px(6) && px(7) && px(8) && !px(9) && px(10);
          if (!core) continue;
          if (!px(0) && !px(1) && !px(2) && !px(3)) score += 40;
          if (!px(11) && !px(12) && !px(13) && !px(14)) score += 40;
        }
      }
    }
    let dark = 0;
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        if (m[y][x]) dark++;
        if (x < n - 1 && y < n - 1 && m[y][x] === m[y][x + 1] && m[y][x] === m[y + 1][x] && m[y][x] === m[y + 1][x + 1]) score += 3;
      }
    }
    const total = n * n;
    score += (Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1) * 10;
    return score;
  }
}

/** Centre coordinates of alignment patterns for a version (Annex E), as a reference encoder computes them. */
export function alignmentPositions(version: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const step = Math.floor((version * 8 + count * 3 + 5) / (count * 4 - 4)) * 2;
  const result = [6];
  for (let pos = version * 4 + 10; result.length < count; pos -= step) result.splice(1, 0, pos);
  return result;
}

/** An SVG path (one `M x y h1v1h-1z` square per dark module, with a 4-module quiet zone) for the code. */
export function qrPath(code: QrCode, border = 4): string {
  const parts: string[] = [];
  for (let y = 0; y < code.size; y++) for (let x = 0; x < code.size; x++) if (code.modules[y][x]) parts.push(`M${x + border},${y + border}h1v1h-1z`);
  return parts.join('');
}
