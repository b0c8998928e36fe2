// Sync figures in Node with the real engine (peer-session.ts: sealed, framed, 16 KiB frames) over in-memory channels, on fake-indexeddb.
/*
 * What is real here: the whole sync engine (handshake, manifest of per-doc clocks, y-protocols sync messages sealed
 * with the team key, 16 KiB frames with backpressure), the shared write path that applies remote updates and keeps the
 * read model exact, validation of every incoming record. What is not: the transport is memoryChannelPair (ordered,
 * 1 ms latency, a bounded buffer like a data channel's) instead of WebRTC, and storage is fake-indexeddb (an
 * IndexedDB written in JS, slower than Chromium's). The p2p suite (tests/p2p) proves the same engine over real WebRTC.
 *
 * Scale: the field scale is ~690,000 records; loading it into fake-indexeddb takes far longer than a bench
 * run allows, so the workspace here is the small demo (≈15,000 records, every record type), and the figures say so.
 */
import { describe, it } from 'vitest';
import { availableParallelism, loadavg } from 'node:os';
import { createRecords, updateContact } from '$lib/core/commands';
import { demoBatch, demoBatchCount } from '$lib/core/demo/generate';
import { deriveTeamKey } from '$lib/core/sync/crypto';
import { memoryChannelPair } from '$lib/core/sync/memory-channel';
import { startPeerSession, type SyncSummary } from '$lib/core/sync/peer-session';
import { readModel } from '$lib/core/sync/rebuild';
import type { Workspace } from '$lib/core/sync/workspace';
import { memoryWorkspace } from '$lib/core/testing';
import { record } from './results';

const SCALE = 'small';
const LABEL = 'Node, real sync engine over in-memory channels, fake-indexeddb; small demo workspace (not field scale)';
const load = () => `load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`;

let keyPromise: Promise<CryptoKey> | null = null;
const teamKey = () => (keyPromise ??= deriveTeamKey('himal team 2026', 'bench'));

type Link = { done: Promise<[SyncSummary, SyncSummary]>; close: () => Promise<void>; drop: () => void; onFrameSent: (fn: (n: number) => void) => void };

/** Connects two workspaces with a session on each end of a memory channel pair. */
async function link(a: Workspace, b: Workspace): Promise<Link> {
  const key = await teamKey();
  const [ca, cb] = memoryChannelPair({ latencyMs: 1 });
  const sa = startPeerSession(a, ca, { key, forward: true });
  const sb = startPeerSession(b, cb, { key, forward: true });
  return {
    done: Promise.all([sa.done, sb.done]),
    close: async () => {
      sa.close();
      sb.close();
      await Promise.all([sa.closed, sb.closed]);
    },
    drop: () => ca.drop('bench: link cut midway'),
    onFrameSent: (fn) => {
      let n = 0;
      ca.tap(() => fn(++n));
    }
  };
}

async function sameReadModel(peers: Workspace[]): Promise<void> {
  const first = JSON.stringify(await readModel(peers[0]));
  for (const [i, p] of peers.entries()) if (i > 0 && JSON.stringify(await readModel(p)) !== first) throw new Error(`peer ${i} did not converge`);
}

/** Writes the demo workspace of `scale` into ws through the shared write path; returns the record count. */
async function loadDemo(ws: Workspace): Promise<number> {
  let n = 0;
  for (let i = 0; i < demoBatchCount(SCALE); i++) {
    const batch = demoBatch(SCALE, 1, i);
    const r = await createRecords(ws, batch.collection, batch.records as never[]);
    if (r.rejected.length > 0) throw new Error(`demo batch ${i} refused: ${JSON.stringify(r.rejected[0])}`);
    n += r.created.length;
  }
  return n;
}

/** Every doc's state vector: equal on all peers once every change reached everyone. */
const clocks = async (ws: Workspace): Promise<string> =>
  JSON.stringify((await ws.db.docs.toArray()).map((d) => [d.docId, Array.from(d.sv as Uint8Array)]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))));

async function converged(peers: Workspace[]): Promise<void> {
  for (;;) {
    const all = await Promise.all(peers.map(clocks));
    if (all.every((c) => c === all[0])) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

const contactIds = async (ws: Workspace): Promise<string[]> => ((await ws.db.rows('contact').toCollection().primaryKeys()) as string[]).sort();

describe('sync', () => {
  let full: Workspace;
  let copy: Workspace;
  let records = 0;

  it('first full sync of a workspace to a new device, and a resume after the link is cut midway', async () => {
    full = memoryWorkspace({ cacheSize: 40, user: () => 'asha' });
    const t0 = performance.now();
    records = await loadDemo(full);
    const docs = await full.db.docs.count();
    console.log(`[bench] loaded ${records} records in ${docs} docs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // Straight through.
    copy = memoryWorkspace({ cacheSize: 40, user: () => 'bikash' });
    let t = performance.now();
    const l = await link(full, copy);
    const [sent] = await l.done;
    const ms = performance.now() - t;
    await l.close();
    await sameReadModel([full, copy]);
    record(`First full sync to a new device, ${records.toLocaleString('en')} records in ${docs} docs`, ms / 1000, 's', { max: 90 }, `${LABEL}; ${load()}`);
    record('First full sync: records per second', records / (ms / 1000), 'records/s', null, `${(sent.bytesSent / 1024 / 1024).toFixed(1)} MiB sent in ${sent.framesSent.toLocaleString('en')} frames of ≤ 16 KiB; ${LABEL}`);

    // Cut midway (as a tablet that is shut) once half of the frames the straight run needed have been sent, then a
    // new session picks up from what was stored.
    const resumed = memoryWorkspace({ cacheSize: 40, user: () => 'chandra' });
    const first = await link(full, resumed);
    first.onFrameSent((n) => {
      if (n === Math.round(sent.framesSent / 2)) first.drop();
    });
    await first.done.catch(() => undefined);
    await first.close();
    const stored = await resumed.db.docs.count();
    t = performance.now();
    const second = await link(full, resumed);
    const [again] = await second.done;
    const resumeMs = performance.now() - t;
    await second.close();
    await sameReadModel([full, resumed]);
    record(
      'First full sync resumed after a cut at half way: time to finish',
      resumeMs / 1000,
      's',
      null,
      `${stored} of ${docs} docs were stored before the cut; the resumed session sent ${again.docsSent} docs and skipped ${again.skipped} unchanged; ${LABEL}`
    );
    resumed.close();
  });

  it('two peers, each with 1,000 offline edits, meet: time from connect to converged and bytes each way', async () => {
    // Both start from the same synced workspace (the previous test), then edit offline, 1,000 edits each on the same
    // 1,000 contacts: A their job titles; B 900 phones (different fields: both kept) and 100 job titles (the same
    // field: later edit wins, conflict recorded).
    const ids = (await contactIds(full)).slice(0, 1000);
    if (ids.length < 1000) throw new Error(`the demo has only ${ids.length} contacts`);
    for (const [i, id] of ids.entries()) await updateContact(full, id, { title: `Owner ${i}` });
    for (const [i, id] of ids.entries()) await updateContact(copy, id, i < 900 ? { phone: `+977 9811${String(i).padStart(6, '0')}` } : { title: `Manager ${i}` });
    const t = performance.now();
    const l = await link(full, copy);
    const [a, b] = await l.done;
    const ms = performance.now() - t;
    await l.close();
    await sameReadModel([full, copy]);
    const conflicts = await full.db.conflicts.count();
    record('Two peers × 1,000 offline edits: connect to converged', ms / 1000, 's', { max: 3 }, `base ${records.toLocaleString('en')} records; ${conflicts} same-field conflicts recorded; ${LABEL}; ${load()}`);
    record('Two peers × 1,000 offline edits: bytes sent A → B', a.bytesSent / 1024, 'KiB', null, `${a.docsSent} docs sent, ${a.skipped} docs skipped as unchanged`);
    record('Two peers × 1,000 offline edits: bytes sent B → A', b.bytesSent / 1024, 'KiB', null, `${b.docsSent} docs sent, ${b.skipped} docs skipped as unchanged`);
    full.close();
    copy.close();
  });

  it('five peers in one room, each makes 200 edits: time to converge', async () => {
    const seed = memoryWorkspace({ cacheSize: 40, user: () => 'seed' });
    const people = Array.from({ length: 2000 }, (_, i) => ({ firstName: `P${i}`, lastName: ['Gurung', 'Shrestha', 'Tamang', 'Rai', 'Thapa'][i % 5], title: 'Shop owner' }));
    await createRecords(seed, 'contact', people);
    const peers = Array.from({ length: 5 }, (_, i) => memoryWorkspace({ cacheSize: 40, user: () => `user${i}` }));
    for (const p of peers) {
      const l = await link(seed, p);
      await l.done;
      await l.close();
    }
    seed.close();
    const ids = await contactIds(peers[0]);
    // Each peer edits 200 contacts offline; neighbours overlap on 50 records (different fields).
    for (const [k, p] of peers.entries()) {
      for (let i = 0; i < 200; i++) {
        const id = ids[(k * 150 + i) % ids.length];
        await updateContact(p, id, k % 2 === 0 ? { title: `Title ${k}-${i}` } : { phone: `+977 98${k}${String(i).padStart(7, '0')}` });
      }
    }
    const t = performance.now();
    const links: Link[] = [];
    for (let i = 0; i < peers.length; i++) for (let j = i + 1; j < peers.length; j++) links.push(await link(peers[i], peers[j]));
    await Promise.all(links.map((l) => l.done));
    // Each session's initial sync is done; changes it forwards on may still be on their way to a third peer.
    await converged(peers);
    const ms = performance.now() - t;
    await Promise.all(links.map((l) => l.close()));
    await sameReadModel(peers);
    record('Five peers × 200 edits, full mesh (10 sessions): time to converge', ms / 1000, 's', null, `base 2,000 contacts; Node, real sync engine over in-memory channels, fake-indexeddb; ${load()}`);
    for (const p of peers) p.close();
  });
});
