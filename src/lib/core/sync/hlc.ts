// Hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014): "later edit wins" that survives skewed device clocks.
/**
 * A stamp is fixed-width text `wwwwwwwww-cccc-nnnnnnn` (wall ms, counter, client id; base 36), so comparing two
 * stamps as strings orders them by (wall, counter, client): a total order that every peer computes identically.
 */
export type Stamp = string;

const WALL = 9;
const COUNTER = 4;
const CLIENT = 7;
const MAX_COUNTER = 36 ** COUNTER - 1;
/** A stamp further ahead than this is a broken clock or a hostile peer: don't let it drag ours into the future. */
const MAX_DRIFT_MS = 24 * 60 * 60 * 1000;

const pad = (n: number, width: number) => n.toString(36).padStart(width, '0');

export function formatStamp(wall: number, counter: number, client: number): Stamp {
  return `${pad(wall, WALL)}-${pad(counter, COUNTER)}-${pad(client >>> 0, CLIENT)}`;
}

export function parseStamp(stamp: Stamp): { wall: number; counter: number; client: number } | null {
  const m = /^([0-9a-z]{9})-([0-9a-z]{4})-([0-9a-z]{7})$/.exec(stamp);
  if (!m) return null;
  return { wall: parseInt(m[1], 36), counter: parseInt(m[2], 36), client: parseInt(m[3], 36) };
}

/** Wall-clock milliseconds of a stamp (0 for a malformed one). */
export const stampTime = (stamp: Stamp): number => parseStamp(stamp)?.wall ?? 0;

export class Hlc {
  #wall = 0;
  #counter = 0;
  readonly #client: number;
  readonly #now: () => number;

  constructor(client: number, now: () => number = Date.now) {
    this.#client = client;
    this.#now = now;
  }

  /** A new stamp, later than every stamp issued or observed before. */
  tick(): Stamp {
    const physical = this.#now();
    if (physical > this.#wall) {
      this.#wall = physical;
      this.#counter = 0;
    } else if (this.#counter < MAX_COUNTER) {
      this.#counter++;
    } else {
      this.#wall++;
      this.#counter = 0;
    }
    return formatStamp(this.#wall, this.#counter, this.#client);
  }

  /** Moves the clock past a stamp seen from another device, so our next edit is ordered after it. */
  observe(stamp: Stamp): void {
    const s = parseStamp(stamp);
    if (!s || s.wall > this.#now() + MAX_DRIFT_MS) return;
    if (s.wall > this.#wall || (s.wall === this.#wall && s.counter > this.#counter)) {
      this.#wall = s.wall;
      this.#counter = s.counter;
    }
  }
}
