// "About how many records to go" in a sync session, estimated from the manifests' clocks and the read-model counters.
/**
 * What a session knows cheaply, without loading a doc before its turn:
 * - for every doc to exchange, from the two state vectors: how many Yjs items (clock ticks) one side holds that the
 *   other lacks. Every Fieldbook write inserts at least one item into the record it touches (a field register, or the
 *   record's map), so the ticks a doc is missing bound the records it brings: records ≤ ticks;
 * - this device's read-model counters (live + deleted records per type), and from its own manifest how many docs
 *   and ticks of each type it stores: records per doc and records per tick of each type;
 * - after each doc arrives, how many records it changed here (the workspace reports it).
 * A whole doc (the other side has none of it) brings about ticks × records-per-tick of its type: known here for what
 * we send; learned from the whole docs of that type received so far for what we receive, else this device's own
 * ratio for the type, else the ratio of all whole docs received so far. A doc the other side already has part of
 * (edits made since the last sync) brings about min(ticks, records per doc of its type). Before anything is known
 * (a new device, before its first doc arrived) there is no estimate: null, and the screen shows docs only. The
 * figure is shown as "about"; it corrects itself as docs arrive.
 */
import * as Y from 'yjs';

/** What this device stores of one record type: records (live + deleted), docs, and the docs' clock ticks. */
export type LocalSize = { records: number; docs: number; ticks: number };

/** Clock ticks `a` holds that `b` lacks (Σ over clients of how far a's clock is ahead). */
export function missingTicks(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): number {
  let n = 0;
  for (const [client, clock] of a) n += Math.max(0, clock - (b.get(client) ?? 0));
  return n;
}

/** missingTicks on encoded state vectors (an absent one is empty). */
export function missingTicksOf(a: Uint8Array | undefined, b: Uint8Array | undefined): number {
  return missingTicks(a ? Y.decodeStateVector(a) : new Map(), b ? Y.decodeStateVector(b) : new Map());
}

/** One direction of one doc: the ticks to move, and whether they are the whole doc. */
export type DocTicks = { ticks: number; isWhole: boolean };
type Pending = { collection: string; send: DocTicks; receive: DocTicks };
type Ratio = { records: number; ticks: number };

const perTick = (r: Ratio | undefined): number | null => (r && r.ticks > 0 && r.records > 0 ? r.records / r.ticks : null);
const NONE: DocTicks = { ticks: 0, isWhole: false };

/** The estimate of one session; docs are planned once, then each direction of a doc is marked done as it completes. */
export class RecordsToGo {
  readonly #local: ReadonlyMap<string, LocalSize>;
  readonly #pending = new Map<string, Pending>();
  /** Whole docs received: the records and ticks they brought, per type and in all. */
  readonly #learned = new Map<string, Ratio>();
  readonly #learnedAll: Ratio = { records: 0, ticks: 0 };

  constructor(local: ReadonlyMap<string, LocalSize>) {
    this.#local = local;
  }

  /** A doc to exchange: the ticks we hold that the peer lacks (we send), and the other way round (we receive). */
  plan(docId: string, collection: string, o: { send?: DocTicks; receive?: DocTicks }): void {
    this.#pending.set(docId, { collection, send: o.send ?? NONE, receive: o.receive ?? NONE });
  }

  /** Our side of a doc went out. */
  sent(docId: string): void {
    const p = this.#pending.get(docId);
    if (p) p.send = NONE;
    this.#tidy(docId);
  }

  /** The peer's side of a doc arrived and changed `records` here (null: it did not come, or was refused). */
  received(docId: string, records: number | null): void {
    const p = this.#pending.get(docId);
    if (!p) return;
    if (records !== null && p.receive.isWhole && p.receive.ticks > 0) {
      const l = this.#learned.get(p.collection) ?? { records: 0, ticks: 0 };
      this.#learned.set(p.collection, { records: l.records + records, ticks: l.ticks + p.receive.ticks });
      this.#learnedAll.records += records;
      this.#learnedAll.ticks += p.receive.ticks;
    }
    p.receive = NONE;
    this.#tidy(docId);
  }

  /** About how many records are still to go either way; null while there is nothing to base it on. */
  get value(): number | null {
    let total = 0;
    for (const p of this.#pending.values()) {
      for (const [d, isSend] of [
        [p.send, true],
        [p.receive, false]
      ] as const) {
        if (d.ticks === 0) continue;
        const n = this.#estimate(p.collection, d, isSend);
        if (n === null) return null;
        total += n;
      }
    }
    return total;
  }

  #estimate(collection: string, d: DocTicks, isSend: boolean): number | null {
    const local = this.#local.get(collection);
    if (!d.isWhole) {
      const perDoc = local && local.docs > 0 && local.records > 0 ? Math.max(1, Math.round(local.records / local.docs)) : null;
      return Math.min(d.ticks, perDoc ?? d.ticks);
    }
    const ratio = isSend ? perTick(local) : (perTick(this.#learned.get(collection)) ?? perTick(local) ?? perTick(this.#learnedAll));
    if (ratio === null) return isSend ? d.ticks : null;
    return Math.min(d.ticks, Math.max(1, Math.round(d.ticks * ratio)));
  }

  #tidy(docId: string): void {
    const p = this.#pending.get(docId);
    if (p && p.send.ticks === 0 && p.receive.ticks === 0) this.#pending.delete(docId);
  }
}

/** "about 3,400": a figure that is an estimate, rounded to two significant digits from 100 on. */
export function aboutCount(n: number): string {
  const rounded = n < 100 ? n : Number(n.toPrecision(2));
  return `about ${rounded.toLocaleString('en')}`;
}

/** The progress line of a session catching up: "12 of 40 docs, about 3,400 records to go" (records when known). */
export function progressText(docsToGo: number, docsTotal: number, recordsToGo: number | null): string {
  const docs = `${docsToGo.toLocaleString('en')} of ${docsTotal.toLocaleString('en')} docs`;
  if (recordsToGo === null || docsToGo === 0) return `${docs} to go`;
  return `${docs}, ${aboutCount(recordsToGo)} record${recordsToGo === 1 ? '' : 's'} to go`;
}
