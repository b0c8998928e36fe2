// Seeded property test: peers edit offline in random order, exchange updates out of order, and must converge with no edit lost.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createContact, createRecord, deleteContact, restoreContact, updateContact, updateRecord } from '../commands';
import { memoryWorkspace } from '../testing';
import { projectAll, readModel } from './rebuild';
import { recordsOf } from './record-map';
import type { Register } from './registers';
import type { Workspace } from './workspace';

/** mulberry32: tiny seeded PRNG so a failing run can be replayed from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)] };
}

type Write = { peer: number; collection: 'contact' | 'quote'; id: string; path: string; value: unknown };
type Message = { docId: string; update: Uint8Array };

const FIELDS = ['firstName', 'lastName', 'phone', 'title', 'company', 'notes'] as const;

async function run(seed: number, peerCount: number, steps: number) {
  const r = rng(seed);
  let clock = Date.UTC(2026, 0, 1);
  // Each device's clock is skewed by up to ±5 s: "later" must still be decided the same way everywhere.
  const skews = Array.from({ length: peerCount }, () => r.int(10_000) - 5_000);
  const peers: Workspace[] = skews.map((skew, i) => memoryWorkspace({ device: 100 + i, user: () => `user${i}`, now: () => clock + skew, cacheSize: 2 }));
  const inbox: Message[][] = peers.map(() => []);
  peers.forEach((p, i) =>
    p.onChange((e) => {
      if (e.origin !== 'fieldbook:local') return;
      inbox.forEach((box, j) => j !== i && box.push({ docId: e.docId, update: e.update }));
    })
  );
  const writes: Write[] = [];
  const known = (i: number, collection: 'contact' | 'quote') => peers[i].db.rows(collection).toCollection().primaryKeys() as Promise<string[]>;

  for (let step = 0; step < steps; step++) {
    clock += r.int(3_000);
    const i = r.int(peerCount);
    const p = peers[i];
    const roll = r.next();
    if (roll < 0.15) {
      await createContact(p, { firstName: `n${step}`, lastName: `p${i}` });
    } else if (roll < 0.55) {
      const ids = await known(i, 'contact');
      if (ids.length === 0) continue;
      const id = r.pick(ids);
      const field = r.pick([...FIELDS]);
      const value = field === 'phone' ? `+977 ${step}` : `${field}-${step}-p${i}`;
      await updateContact(p, id, { [field]: value });
      writes.push({ peer: i, collection: 'contact', id, path: field, value });
    } else if (roll < 0.62) {
      const ids = await known(i, 'contact');
      if (ids.length === 0) continue;
      const id = r.pick(ids);
      if (r.next() < 0.5) await deleteContact(p, id);
      else await restoreContact(p, id);
    } else if (roll < 0.7) {
      await createRecord(p, 'quote', { number: `Q${step}`, currency: 'NPR', lines: [{ description: 'Phone', quantity: 1, unitPrice: 100 }] as never });
    } else if (roll < 0.8) {
      const ids = await known(i, 'quote');
      if (ids.length === 0) continue;
      const id = r.pick(ids);
      const q = (await p.db.rows('quote').get(id)) as { lines: { id: string; quantity: number; description: string; unitPrice: number; position: string }[] };
      const lines = [...q.lines];
      if (lines.length > 0 && r.next() < 0.6) {
        const k = r.int(lines.length);
        lines[k] = { ...lines[k], quantity: step + 1 };
        writes.push({ peer: i, collection: 'quote', id, path: `lines/${lines[k].id}`, value: step + 1 });
      } else {
        lines.push({ description: `Item ${step}`, quantity: 1, unitPrice: step } as never);
      }
      await updateRecord(p, 'quote', id, { lines } as never);
    } else {
      // Deliver a random subset of one peer's inbox in random order (out-of-order delivery, as over a flaky mesh).
      const j = r.int(peerCount);
      const box = inbox[j];
      const n = r.int(box.length + 1);
      for (let k = 0; k < n; k++) {
        const m = box.splice(r.int(box.length), 1)[0];
        await peers[j].applyRemote(m.docId, m.update);
      }
    }
  }
  // The meeting: every pair exchanges what the other lacks, by state vector (the sync protocol's step 1 and 2).
  for (let round = 0; round < 2; round++) {
    for (const from of peers) {
      for (const to of peers) {
        if (from === to) continue;
        for (const { docId } of await from.db.docs.toArray()) {
          const theirs = await to.db.docs.get(docId);
          await to.applyRemote(docId, Y.encodeStateAsUpdate(await from.doc(docId), theirs?.sv));
        }
      }
    }
  }
  return { peers, writes };
}

/** Finds the register a write left, to check the latest write of every path is the value every peer shows. */
async function registersOf(ws: Workspace, collection: 'contact' | 'quote', id: string, path: string): Promise<Register[]> {
  const row = await ws.db.rows(collection).get(id);
  const map = recordsOf(await ws.doc(row!._doc as string)).get(id)!;
  return [...map.entries()].filter(([k]) => k.slice(0, k.lastIndexOf('|')) === path).map(([, v]) => v);
}

const seeds = (process.env.FIELDBOOK_FUZZ_SEEDS ?? '1,2,3,4,5,6').split(',').map(Number);

describe('convergence of peers editing offline', () => {
  for (const seed of seeds) {
    it(`seed ${seed}: all peers converge, the read model equals the Yjs projection, no edit lost`, async () => {
      const peerCount = 2 + (seed % 3);
      const { peers, writes } = await run(seed, peerCount, 160);
      // Every struct in every doc was written under one of the devices' own ids: Yjs never switched to a fresh client id.
      const devices = new Set(peers.map((p) => p.device));
      for (const p of peers) {
        for (const { docId, sv } of await p.db.docs.toArray()) {
          for (const client of Y.decodeStateVector(sv).keys()) expect(devices.has(client), `seed ${seed}: ${docId} has stray client id ${client}`).toBe(true);
        }
      }
      const reference = await readModel(peers[0]);
      for (const [k, p] of peers.entries()) {
        expect(await readModel(p), `seed ${seed}: peer ${k} read model differs from peer 0`).toEqual(reference);
        expect(await projectAll(p), `seed ${seed}: peer ${k} read model differs from its Yjs state`).toEqual(reference);
      }
      // No edit lost: for every path written, the shown value is the register with the greatest stamp among all
      // devices' registers, and each device's latest write to that path is still present as a register.
      const paths = new Map<string, Write>();
      for (const w of writes) paths.set(`${w.collection}/${w.id}/${w.path}`, w);
      for (const w of paths.values()) {
        const regs = await registersOf(peers[0], w.collection, w.id, w.path);
        const winner = regs.reduce((a, b) => (b[1] > a[1] ? b : a));
        const lastByPeer = writes.filter((x) => x.peer === w.peer && x.id === w.id && x.path === w.path).at(-1)!;
        const shown = regs.map((g) => (w.collection === 'quote' ? (g[0] as { quantity: number } | null)?.quantity : g[0]));
        expect(shown, `seed ${seed}: ${w.path} of ${w.id} lost peer ${w.peer}'s write`).toContain(lastByPeer.value);
        const row = await peers[0].db.rows(w.collection).get(w.id);
        if (w.collection === 'contact') expect(row?.[w.path], `seed ${seed}`).toEqual(winner[0]);
      }
    }, 120_000);
  }
});
