// Peer sessions end to end over in-memory channels: offline edits merge, meshes converge, big syncs stay in small frames, bad peers are refused.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { createContact, createRecord, createRecords, deleteContact, updateContact } from '../commands';
import { memoryWorkspace } from '../testing';
import type { FrameChannel } from './channel';
import { MAX_FRAME } from './channel';
import { deriveTeamKey } from './crypto';
import { FRAME_HEADER, frameMessage, Reassembler } from './frames';
import { memoryChannelPair, type MemoryChannel, type MemoryChannelOptions } from './memory-channel';
import { startPeerSession, type PeerSession, type SyncError, type SyncSummary } from './peer-session';
import { clearEnvelope, helloMessage, isClearEnvelope, openEnvelope, sealedEnvelope, sessionContext, type Message } from './protocol';
import { readModel } from './rebuild';
import { recordsOf } from './record-map';
import type { Workspace } from './workspace';

let key: CryptoKey;
let wrongKey: CryptoKey;
beforeAll(async () => {
  [key, wrongKey] = await Promise.all([deriveTeamKey('himal team 2026', 'fieldbook-test'), deriveTeamKey('himal team 2025', 'fieldbook-test')]);
});

type Side = { session: PeerSession; channel: MemoryChannel; errors: SyncError[]; frames: Uint8Array[] };

/** Starts a session on each workspace over a fresh memory channel pair, recording errors and the frames each side sends. */
function connect(a: Workspace, b: Workspace, o: { channel?: MemoryChannelOptions; forward?: boolean; keys?: [CryptoKey, CryptoKey] } = {}): [Side, Side] {
  const channels = memoryChannelPair(o.channel);
  return ([a, b] as const).map((ws, i): Side => {
    const [channel, errors, frames] = [channels[i], [] as SyncError[], [] as Uint8Array[]];
    channel.tap((f) => frames.push(f));
    const session = startPeerSession(ws, channel, { key: o.keys?.[i] ?? key, forward: o.forward, onError: (e) => errors.push(e) });
    return { session, channel, errors, frames };
  }) as [Side, Side];
}

async function syncOnce(a: Workspace, b: Workspace, o: Parameters<typeof connect>[2] = {}): Promise<[SyncSummary, SyncSummary, Side, Side]> {
  const [sa, sb] = connect(a, b, o);
  const [ra, rb] = await Promise.all([sa.session.done, sb.session.done]);
  sa.session.close();
  await Promise.all([sa.session.closed, sb.session.closed]);
  return [ra, rb, sa, sb];
}

const expectSameData = async (...peers: Workspace[]) => {
  const first = await readModel(peers[0]);
  for (const p of peers.slice(1)) expect(await readModel(p)).toEqual(first);
};
/** Polls until the assertion holds: syncs finish on their own schedule, never after a fixed sleep. */
const until = (assertion: () => Promise<void> | void) => vi.waitFor(assertion, { timeout: 20_000, interval: 20 });
const conflictsOf = async (ws: Workspace) => (await ws.db.conflicts.toArray()).sort((x, y) => x.key.localeCompare(y.key));
const docCount = async (ws: Workspace) => ws.db.docs.count();

/** Reassembles the frames one side sent into its messages' envelopes. */
function envelopesOf(frames: Uint8Array[]): Uint8Array[] {
  const r = new Reassembler(MAX_FRAME);
  return frames.map((f) => r.push(f)).filter((m): m is Uint8Array => m !== null);
}

function people(n: number, tag: string) {
  return Array.from({ length: n }, (_, i) => ({
    firstName: `${tag}${i}`,
    lastName: ['Gurung', 'Shrestha', 'Tamang', 'Rai', 'Thapa'][i % 5],
    email: `${tag.toLowerCase()}${i}@example.com.np`,
    phone: `+977 98${String(i).padStart(8, '0')}`,
    title: i % 3 === 0 ? 'Purchasing manager' : 'Shop owner',
    notes: `Met at the Kathmandu trade fair, stall ${i}; interested in phones and accessories.`
  }));
}

describe('two devices that edited offline', () => {
  it('merge field by field: different fields both kept, same field listed as a conflict on both, delete vs edit keeps the edit', async () => {
    const a = memoryWorkspace({ user: () => 'asha' });
    const b = memoryWorkspace({ user: () => 'bikash' });
    const c1 = await createContact(a, { firstName: 'Sita', lastName: 'Gurung' });
    const c2 = await createContact(a, { firstName: 'Ram', lastName: 'Thapa' });
    const c3 = await createContact(a, { firstName: 'Hari', lastName: 'Rai' });
    await syncOnce(a, b);
    await expectSameData(a, b);

    // Offline: both devices edit.
    await updateContact(a, c1.id, { phone: '+977 9841 111111' });
    await updateContact(b, c1.id, { title: 'Store manager' });
    await updateContact(a, c2.id, { firstName: 'Ramesh' });
    await updateContact(b, c2.id, { firstName: 'Ram Bahadur' });
    await deleteContact(a, c3.id);
    await updateContact(b, c3.id, { notes: 'Wants a callback on Tuesday' });
    const fromA = await createContact(a, { firstName: 'Maya', lastName: 'Tamang' });
    const fromB = await createContact(b, { firstName: 'Nabin', lastName: 'Shrestha' });
    const account = await createRecord(b, 'account', { name: 'Himal Traders' });
    const call = await createRecord(a, 'interaction', { channel: 'phone', at: '2026-11-02T10:00:00.000Z', contactId: c1.id, summary: 'Quoted 20 phones' });

    const [ra, rb, sa, sb] = await syncOnce(a, b);
    expect([...sa.errors, ...sb.errors]).toEqual([]);
    expect(ra.docsTotal).toBeGreaterThan(0);
    await expectSameData(a, b);

    const row = (id: string) => b.db.rows('contact').get(id) as Promise<Record<string, unknown>>;
    expect(await row(c1.id)).toMatchObject({ phone: '+977 9841 111111', title: 'Store manager' });
    expect(await row(c3.id)).toMatchObject({ _del: 1, notes: 'Wants a callback on Tuesday' });
    expect(await row(fromA.id)).toMatchObject({ firstName: 'Maya' });
    expect(await a.db.rows('contact').get(fromB.id)).toMatchObject({ firstName: 'Nabin' });
    expect(await a.db.rows('account').get(account.id)).toMatchObject({ name: 'Himal Traders' });
    expect(await b.db.rows('interaction').get(call.id)).toMatchObject({ summary: 'Quoted 20 phones' });

    const conflicts = await conflictsOf(a);
    expect(conflicts).toEqual(await conflictsOf(b));
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ recordId: c2.id, path: 'firstName' });
    expect(new Set([conflicts[0].winner.value, conflicts[0].losers[0].value])).toEqual(new Set(['Ramesh', 'Ram Bahadur']));
    expect(rb.rejected + ra.rejected).toBe(0);
  });

  it('streams changes made after the initial sync, both ways', async () => {
    const a = memoryWorkspace();
    const b = memoryWorkspace();
    await createContact(a, { firstName: 'Sita' });
    const [sa, sb] = connect(a, b);
    await Promise.all([sa.session.done, sb.session.done]);
    expect(sa.session.phase).toBe('live');
    const late = await createContact(a, { firstName: 'Late', lastName: 'Arrival' });
    await until(async () => expect(await b.db.rows('contact').get(late.id)).toMatchObject({ firstName: 'Late' }));
    await updateContact(b, late.id, { title: 'Owner' });
    await until(async () => expect(await a.db.rows('contact').get(late.id)).toMatchObject({ title: 'Owner' }));
    expect(sa.session.stats.updatesSent).toBeGreaterThanOrEqual(1);
    sa.session.close();
    expect(await sb.session.closed).toBe('closed by the other device');
    await expectSameData(a, b);
  });

  it('skips unchanged docs on the next session and sends only the changed one', async () => {
    const a = memoryWorkspace();
    const b = memoryWorkspace();
    await createRecords(a, 'contact', people(300, 'P'));
    await createRecords(a, 'account', [{ name: 'Himal Traders' }, { name: 'Everest Mobiles' }]);
    const [first] = await syncOnce(a, b);
    const docs = await docCount(a);
    expect(first.docsTotal).toBe(docs);
    expect(first.skipped).toBe(0);

    const [again] = await syncOnce(a, b);
    expect(again).toMatchObject({ docsTotal: 0, skipped: docs, docsSent: 0, docsReceived: 0 });

    const someone = (await a.db.rows('contact').limit(1).toArray())[0];
    await updateContact(a, someone.id as string, { title: 'Changed' });
    const [ra, rb] = await syncOnce(a, b);
    expect(ra).toMatchObject({ docsTotal: 1, skipped: docs - 1, docsSent: 1 });
    expect(rb).toMatchObject({ docsTotal: 1, docsReceived: 1 });
    expect(ra.bytesSent).toBeLessThan(first.bytesSent / 10);
    await expectSameData(a, b);
  });
});

describe('meshes', () => {
  it('three peers in a full mesh converge, then stay converged as they edit', async () => {
    const peers = [memoryWorkspace(), memoryWorkspace(), memoryWorkspace()];
    const shared = await createContact(peers[0], { firstName: 'Shared', lastName: 'Contact' });
    await syncOnce(peers[0], peers[1]);
    await syncOnce(peers[0], peers[2]);
    for (const [i, p] of peers.entries()) {
      await createRecords(p, 'contact', people(40, `Peer${i}-`));
      await updateContact(p, shared.id, { [(['phone', 'title', 'notes'] as const)[i]]: i === 0 ? '+977 1' : `from peer ${i}` });
    }
    const links = [connect(peers[0], peers[1]), connect(peers[1], peers[2]), connect(peers[2], peers[0])];
    await Promise.all(links.flat().map((s) => s.session.done));
    await until(() => expectSameData(...peers));
    expect(await peers[2].db.rows('contact').get(shared.id)).toMatchObject({ phone: '+977 1', title: 'from peer 1', notes: 'from peer 2' });

    const live = await createContact(peers[1], { firstName: 'Live', lastName: 'Edit' });
    await until(async () => expect(await peers[2].db.rows('contact').get(live.id)).toBeDefined());
    await until(() => expectSameData(...peers));
    expect(links.flat().flatMap((s) => s.errors)).toEqual([]);
    for (const [s] of links) s.session.close();
  });

  it('a partial mesh (A–B–C, no A–C link) converges when sessions forward what they receive', async () => {
    const [a, b, c] = [memoryWorkspace(), memoryWorkspace(), memoryWorkspace()];
    await createRecords(a, 'contact', people(30, 'A'));
    await createRecords(c, 'contact', people(30, 'C'));
    const ab = connect(a, b, { forward: true });
    const bc = connect(b, c, { forward: true });
    await Promise.all([...ab, ...bc].map((s) => s.session.done));
    await until(() => expectSameData(a, b, c));

    const fromC = await createContact(c, { firstName: 'Relayed', lastName: 'ByB' });
    await until(async () => expect(await a.db.rows('contact').get(fromC.id)).toMatchObject({ firstName: 'Relayed' }));
    await until(() => expectSameData(a, b, c));
    // B relays A's changes to C but never echoes C's own changes back to it.
    const toC = await decodeAll(bc[0].frames, bc[1].frames);
    const relayed = toC.filter((m) => m.type === 'update').map((m) => Y.decodeUpdate((m as { update: Uint8Array }).update));
    expect(relayed.length).toBeGreaterThan(0);
    expect(relayed.flatMap((u) => u.structs).some((st) => st.id.client === c.device)).toBe(false);
    ab[0].session.close();
    bc[0].session.close();
  });
});

describe('big syncs', () => {
  it('says about how many records are still to go on both sides: close to the truth for a new device, exact for a few edits', async () => {
    const a = memoryWorkspace();
    const b = memoryWorkspace();
    await createRecords(a, 'contact', people(1_000, 'Est'));
    await createRecords(a, 'account', Array.from({ length: 100 }, (_, i) => ({ name: `Pasal ${i}` })));
    const total = 1_100;
    // What B really still lacks at each progress step: the total less the records it was told arrived; and which
    // record types it has seen a doc of.
    let arrived = 0;
    const seen = new Set<string>();
    b.onChange((e) => {
      arrived += e.ids.length;
      seen.add(e.docId.split('/')[0]);
    });
    const onA: (number | null)[] = [];
    const onB: { estimate: number | null; truth: number; hasSeenBoth: boolean }[] = [];
    const channels = memoryChannelPair({ latencyMs: 1 });
    const sa = startPeerSession(a, channels[0], { key, onProgress: (p) => p.phase === 'syncing' && onA.push(p.recordsToGo) });
    const sb = startPeerSession(b, channels[1], {
      key,
      onProgress: (p) => p.phase === 'syncing' && onB.push({ estimate: p.recordsToGo, truth: total - arrived, hasSeenBoth: seen.size === 2 })
    });
    await Promise.all([sa.done, sb.done]);
    // The sender knows its records per doc: its first figure is the whole workspace, within rounding.
    expect(Math.abs(onA[0]! - total)).toBeLessThan(total * 0.03);
    expect(onA.at(-1)).toBe(0);
    // The new device has nothing to go on until a doc arrived (it then shows docs only). A type it has not seen yet is
    // scaled by the records per tick of the others (accounts have fewer fields than contacts: an overestimate while
    // only accounts have arrived); once a doc of each type arrived, the figure is close.
    expect(onB[0].estimate).toBeNull();
    const estimated = onB.filter((x) => x.estimate !== null && x.truth > 0 && x.hasSeenBoth);
    expect(estimated.length).toBeGreaterThan(20);
    // Records per tick, not per doc: buckets hold ~31 ± 6 random-id contacts, but each contact here is ~the same ticks.
    for (const x of estimated) expect(Math.abs(x.estimate! - x.truth), JSON.stringify(x)).toBeLessThanOrEqual(Math.max(10, x.truth * 0.1));
    expect(onB.at(-1)!.estimate).toBe(0);
    sa.close();
    await sb.closed;

    // A few edits later: three records to go, on both sides (each side knows its average, and the ticks bound it).
    const contacts = (await a.db.rows('contact').limit(3).toArray()) as { id: string }[];
    for (const c of contacts) await updateContact(a, c.id, { title: 'Changed' });
    const again = memoryChannelPair({ latencyMs: 1 });
    const firstOf = (phase: string, list: (number | null)[]) => (p: { phase: string; recordsToGo: number | null }) => p.phase === phase && list.push(p.recordsToGo);
    const [fa, fb]: (number | null)[][] = [[], []];
    const s2a = startPeerSession(a, again[0], { key, onProgress: firstOf('syncing', fa) });
    const s2b = startPeerSession(b, again[1], { key, onProgress: firstOf('syncing', fb) });
    await Promise.all([s2a.done, s2b.done]);
    expect(fa[0]).toBe(3);
    expect(fb[0]).toBe(3);
    s2a.close();
  });

  it('moves 5,000 contacts (well over 256 KiB) in frames of at most 16 KiB, under backpressure, a few docs in memory at a time', async () => {
    const a = memoryWorkspace({ cacheSize: 4 });
    const b = memoryWorkspace({ cacheSize: 4 });
    const { created } = await createRecords(a, 'contact', people(5_000, 'Big'));
    expect(created).toHaveLength(5_000);
    let mostLoaded = 0;
    const progress: number[] = [];
    const channels = memoryChannelPair({ latencyMs: 1, bufferBytes: 64 * 1024 });
    const frames: Uint8Array[] = [];
    channels[0].tap((f) => frames.push(f));
    const sa = startPeerSession(a, channels[0], { key });
    const sb = startPeerSession(b, channels[1], {
      key,
      onProgress: (p) => {
        mostLoaded = Math.max(mostLoaded, b.loadedDocs.length, a.loadedDocs.length);
        if (p.phase === 'syncing') progress.push(p.docsTotal - p.docsDone);
      }
    });
    const [ra, rb] = await Promise.all([sa.done, sb.done]);
    expect(ra.bytesSent).toBeGreaterThan(256 * 1024);
    expect(frames.length).toBe(ra.framesSent);
    expect(Math.max(...frames.map((f) => f.byteLength))).toBeLessThanOrEqual(MAX_FRAME);
    expect(rb.docsReceived).toBe(32);
    expect(progress.at(-1)).toBe(0);
    expect(progress[0]).toBeGreaterThan(0);
    expect(mostLoaded).toBeLessThanOrEqual(4);
    expect(await b.db.counter('contact')).toEqual({ live: 5_000, deleted: 0 });
    await expectSameData(a, b);
    sa.close();
  });

  it('a slow receiver is never sent more than its window ahead of what it has stored', async () => {
    const a = memoryWorkspace({ cacheSize: 4 });
    const b = memoryWorkspace({ cacheSize: 4 });
    await createRecords(a, 'contact', people(2_000, 'Window'));
    // The new device stores slowly (a busy tablet); count the docs it has been sent but not yet written.
    const applyRemote = b.applyRemote.bind(b);
    let mostWaiting = 0;
    b.applyRemote = async (docId, update) => {
      await new Promise((r) => setTimeout(r, 15));
      return applyRemote(docId, update);
    };
    const channels = memoryChannelPair({ latencyMs: 1 });
    // Docs B has been sent and not yet stored: A's completed sends less B's stored docs, sampled every millisecond.
    let sbStats: PeerSession['stats'] | undefined;
    const sa = startPeerSession(a, channels[0], { key, windowBytes: 1 });
    const sb = startPeerSession(b, channels[1], {
      key,
      onProgress: () => (mostWaiting = Math.max(mostWaiting, sa.stats.docsSent - (sbStats?.docsReceived ?? 0)))
    });
    sbStats = sb.stats;
    const timer = setInterval(() => (mostWaiting = Math.max(mostWaiting, sa.stats.docsSent - sb.stats.docsReceived)), 1);
    const [ra, rb] = await Promise.all([sa.done, sb.done]);
    clearInterval(timer);
    expect(ra.docsSent).toBe(32);
    expect(rb.docsReceived).toBe(32);
    // A window of one doc: the next doc leaves only once the one before is stored.
    expect(mostWaiting).toBeLessThanOrEqual(1);
    await expectSameData(a, b);
    sa.close();
  });

  it('resumes after the link drops mid-sync: a new session sends only what did not arrive', async () => {
    const a = memoryWorkspace();
    const b = memoryWorkspace();
    await createRecords(a, 'contact', people(2_000, 'R'));
    const docs = await docCount(a);
    const channels = memoryChannelPair({ latencyMs: 1, bufferBytes: 64 * 1024 });
    // The link drops once A has put 96 KiB on the wire (of several hundred): what was delivered before is applied,
    // what was still in flight is lost. Counting bytes sent rather than docs applied keeps the cut mid-sync however
    // fast or slow the machine is.
    let sentBytes = 0;
    let isDropped = false;
    channels[0].tap((frame) => {
      sentBytes += frame.byteLength;
      if (!isDropped && sentBytes > 96 * 1024) {
        isDropped = true;
        queueMicrotask(() => channels[0].drop('out of Wi-Fi range'));
      }
    });
    const sa = startPeerSession(a, channels[0], { key });
    const errors: SyncError[] = [];
    const sb = startPeerSession(b, channels[1], { key, onError: (e) => errors.push(e) });
    const [fa, fb] = await Promise.allSettled([sa.done, sb.done]);
    expect(isDropped).toBe(true);
    expect(fa.status).toBe('rejected');
    expect(fb.status === 'rejected' && (fb.reason as SyncError).kind).toBe('peer-dropped');
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/connection to the other device was lost.*out of Wi-Fi range.*picks up where this left off/)]);
    await sb.closed;
    const got = (await b.db.docs.count());
    expect(got).toBeGreaterThanOrEqual(1);
    expect(got).toBeLessThan(docs);

    const [ra, rb] = await syncOnce(a, b);
    expect(rb.docsReceived).toBe(docs - got);
    expect(ra.skipped).toBe(got);
    await expectSameData(a, b);
  });
});

describe('stopping', () => {
  it('close() before the sync finished rejects done as "stopped" and tells the other device in words', async () => {
    const a = memoryWorkspace();
    const b = memoryWorkspace();
    await createRecords(a, 'contact', people(500, 'S'));
    const [sa, sb] = connect(a, b, { channel: { latencyMs: 2 } });
    sb.session.close();
    const [ra, rb] = await Promise.allSettled([sa.session.done, sb.session.done]);
    expect(rb.status === 'rejected' && (rb.reason as SyncError).kind).toBe('stopped');
    expect(ra.status === 'rejected' && (ra.reason as SyncError).message).toMatch(/other device stopped the sync: it was stopped on that device/);
    expect(sb.errors).toEqual([]);
    expect(await sa.session.closed).toMatch(/stopped/);
  });
});

describe('untrusted peers and links', () => {
  it('a wrong password is detected at once: the session fails with "different sync password" and no record data crosses', async () => {
    const a = memoryWorkspace();
    const b = memoryWorkspace();
    await createRecords(a, 'contact', people(50, 'Secret'));
    await createContact(b, { firstName: 'Bikash' });
    const before = await readModel(b);
    const docsBefore = await b.db.docs.toArray();
    const [sa, sb] = connect(a, b, { keys: [key, wrongKey] });
    const results = await Promise.allSettled([sa.session.done, sb.session.done]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const e = (r as PromiseRejectedResult).reason as SyncError;
      expect(e.kind).toBe('wrong-password');
      expect(e.message).toMatch(/different sync password/);
    }
    expect(await readModel(b)).toEqual(before);
    expect(await b.db.docs.toArray()).toEqual(docsBefore);
    // Only the clear hello and the clear "wrong password" notice ever crossed, either way.
    for (const side of [sa, sb]) {
      const envelopes = envelopesOf(side.frames);
      expect(envelopes.length).toBeLessThanOrEqual(2);
      for (const env of envelopes) {
        expect(isClearEnvelope(env)).toBe(true);
        expect(['hello', 'error']).toContain((await openEnvelope(key, env, false)).type);
      }
      expect(side.frames.reduce((n, f) => n + f.byteLength, 0)).toBeLessThan(300);
    }
    expect(sa.session.phase).toBe('failed');
  });

  it('refuses corrupt and invalid updates from a hostile peer, reports them in plain words, keeps local data and goes on', async () => {
    const victim = memoryWorkspace();
    const mine = await createRecords(victim, 'contact', people(20, 'Mine'));
    const target = mine.created[0];
    const targetDoc = (await victim.db.rows('contact').get(target.id))!._doc as string;
    const before = await readModel(victim);

    // A record that breaks its schema, built on the victim's own doc state.
    const evil = new Y.Doc();
    Y.applyUpdate(evil, Y.encodeStateAsUpdate(await victim.doc(targetDoc)));
    const sv = Y.encodeStateVector(evil);
    recordsOf(evil).get(target.id)!.set('preferredChannel|666', ['carrier pigeon', '0zzzzzzzz-0000-0000001', '', 'mallory']);
    const invalid = Y.encodeStateAsUpdate(evil, sv);
    // And one honest new contact, from a third device.
    const honest = memoryWorkspace();
    const good = await createContact(honest, { firstName: 'Genuine', lastName: 'Record' });
    const goodDoc = (await honest.db.rows('contact').get(good.id))!._doc as string;
    const goodUpdate = Y.encodeStateAsUpdate(await honest.doc(goodDoc));

    const [hostileEnd, channel] = memoryChannelPair();
    const errors: SyncError[] = [];
    const session = startPeerSession(victim, channel, { key, onError: (e) => errors.push(e) });
    const hostile = await driver(hostileEnd);
    await hostile.send([
      { type: 'manifest', docs: [] },
      { type: 'step2', docId: targetDoc, update: new Uint8Array([1, 2, 3, 250, 251]) },
      { type: 'update', docId: targetDoc, update: invalid },
      { type: 'update', docId: 'nonsense/b1', update: goodUpdate },
      { type: 'update', docId: goodDoc, update: goodUpdate },
      { type: 'done' }
    ]);
    const summary = await session.done;
    expect(summary.rejected).toBe(3);
    expect(errors.map((e) => [e.kind, e.docId])).toEqual([
      ['rejected-update', targetDoc],
      ['rejected-update', targetDoc],
      ['rejected-update', 'nonsense/b1']
    ]);
    expect(errors[0].message).toMatch(/Refused a change to contact\/b\d+ sent by the other device: it is not a valid Yjs update.*Nothing here was changed/);
    expect(errors[1].message).toMatch(/preferredChannel: must be one of email, phone/);
    expect(errors[2].message).toMatch(/unknown record type "nonsense"/);

    const after = await readModel(victim);
    expect(after.get('contact')!.filter((r) => r.id !== good.id)).toEqual(before.get('contact'));
    expect(await victim.db.rows('contact').get(good.id)).toMatchObject({ firstName: 'Genuine' });
    // The hostile side is told what was refused.
    await until(async () => {
      const told = await hostile.received();
      expect(told.filter((m) => m.type === 'error').map((m) => (m as { code: string }).code)).toEqual(['rejected', 'rejected', 'rejected']);
    });
    session.close();
  });

  it('asks the peer again (step1) for a doc when a live update arrives without what it builds on', async () => {
    const honest = memoryWorkspace();
    const c = await createContact(honest, { firstName: 'Base' });
    const docId = (await honest.db.rows('contact').get(c.id))!._doc as string;
    const base = Y.encodeStateVector(await honest.doc(docId));
    await updateContact(honest, c.id, { title: 'Builds on the base' });
    const onlyTheEdit = Y.encodeStateAsUpdate(await honest.doc(docId), base);

    const victim = memoryWorkspace();
    const [driverEnd, channel] = memoryChannelPair();
    const session = startPeerSession(victim, channel, { key });
    const peer = await driver(driverEnd);
    await peer.send([{ type: 'manifest', docs: [] }, { type: 'done' }, { type: 'update', docId, update: onlyTheEdit }]);
    await session.done;
    let asked: Message | undefined;
    await until(async () => {
      asked = (await peer.received()).find((m) => m.type === 'step1');
      expect(asked).toMatchObject({ type: 'step1', docId });
    });
    const sv = (asked as { sv: Uint8Array }).sv;
    await peer.send([{ type: 'step2', docId, update: Y.encodeStateAsUpdate(await honest.doc(docId), sv) }]);
    await until(async () => expect(await victim.db.rows('contact').get(c.id)).toMatchObject({ firstName: 'Base', title: 'Builds on the base' }));
    session.close();
  });

  it('refuses a device\'s own sealed message reflected back to it by a relay', async () => {
    const a = memoryWorkspace();
    const b = memoryWorkspace();
    await createRecords(a, 'contact', people(20, 'Echo'));
    const [ca, cb] = memoryChannelPair();
    const toA = new Set<(f: Uint8Array) => void>();
    let sent = 0;
    const relay: FrameChannel = {
      maxFrame: ca.maxFrame,
      get isOpen() {
        return ca.isOpen;
      },
      send: (f) => {
        // A's second message is its manifest: hand a copy straight back to A, as if B had sent it.
        if (sent++ === 1) queueMicrotask(() => toA.forEach((l) => l(f.slice())));
        return ca.send(f);
      },
      onFrame: (l) => {
        toA.add(l);
        const off = ca.onFrame(l);
        return () => (toA.delete(l), off());
      },
      onClose: (l) => ca.onClose(l),
      close: () => ca.close()
    };
    const errors: SyncError[] = [];
    const sa = startPeerSession(a, relay, { key, onError: (e) => errors.push(e) });
    const sb = startPeerSession(b, cb, { key });
    await Promise.allSettled([sa.done, sb.done]);
    expect(errors[0]).toMatchObject({ kind: 'protocol', message: expect.stringMatching(/could not be decrypted/) });
  });

  it('notices a relay that silently drops a message', async () => {
    const a = memoryWorkspace();
    const b = memoryWorkspace();
    await createRecords(a, 'contact', people(40, 'Lost'));
    const [ca, cb] = memoryChannelPair();
    let sent = 0;
    // Frame 2 is A's first step2 (every message here fits one frame): it vanishes, the rest go through.
    const relay: FrameChannel = {
      maxFrame: ca.maxFrame,
      get isOpen() {
        return ca.isOpen;
      },
      send: (f) => (sent++ === 2 ? Promise.resolve() : ca.send(f)),
      onFrame: (l) => ca.onFrame(l),
      onClose: (l) => ca.onClose(l),
      close: () => ca.close()
    };
    const errors: SyncError[] = [];
    const sa = startPeerSession(a, relay, { key });
    const sb = startPeerSession(b, cb, { key, onError: (e) => errors.push(e) });
    await Promise.allSettled([sa.done, sb.done]);
    expect(errors[0]).toMatchObject({ kind: 'protocol', message: expect.stringMatching(/could not be decrypted/) });
  });

  it('stops at a message altered on the way (relay tampering) and keeps local data', async () => {
    const a = memoryWorkspace();
    const b = memoryWorkspace();
    await createRecords(a, 'contact', people(100, 'T'));
    const before = await readModel(b);
    const [ca, cb] = memoryChannelPair();
    let sent = 0;
    // The manifest is A's second message; flip one bit of its ciphertext.
    const relay: FrameChannel = {
      maxFrame: ca.maxFrame,
      get isOpen() {
        return ca.isOpen;
      },
      send: (f) => ca.send(sent++ === 1 ? f.map((x, i) => (i === FRAME_HEADER + 30 ? x ^ 1 : x)) : f),
      onFrame: (l) => ca.onFrame(l),
      onClose: (l) => ca.onClose(l),
      close: () => ca.close()
    };
    const errors: SyncError[] = [];
    const sa = startPeerSession(a, relay, { key });
    const sb = startPeerSession(b, cb, { key, onError: (e) => errors.push(e) });
    const [ra, rb] = await Promise.allSettled([sa.done, sb.done]);
    expect(rb.status === 'rejected' && (rb.reason as SyncError).kind).toBe('protocol');
    expect(errors[0].message).toMatch(/could not be decrypted: it was altered on the way/);
    // A is told why B hung up, rather than seeing a bare lost connection.
    expect(ra.status === 'rejected' && (ra.reason as SyncError).message).toMatch(/other device stopped the sync: it received data it could not read/);
    expect(await readModel(b)).toEqual(before);
  });
});

/** The check token of the hello a side sent first (its clear hello), from the frames it sent. */
async function helloCheck(frames: Uint8Array[]): Promise<Uint8Array> {
  const hello = await openEnvelope(key, envelopesOf(frames)[0], false);
  if (hello.type !== 'hello') throw new Error('the first message is not a hello');
  return hello.check;
}

/** Decodes the messages one side sent to the other (the test knows the team key; a relay would not). */
async function decodeAll(sent: Uint8Array[], receivedBySender: Uint8Array[]): Promise<Message[]> {
  const [from, to] = [await helloCheck(sent), await helloCheck(receivedBySender)];
  const out: Message[] = [];
  let seq = 0;
  for (const env of envelopesOf(sent)) {
    const sealed = !isClearEnvelope(env);
    out.push(await openEnvelope(key, env, sealed, sealed ? sessionContext(from, to, seq++) : undefined));
  }
  return out;
}

/** A hand-driven peer (hostile or scripted): says hello, then sends whatever messages a test wants, sealed properly. */
async function driver(channel: MemoryChannel) {
  const sent: Uint8Array[] = [];
  const received: Uint8Array[] = [];
  channel.tap((f) => sent.push(f));
  channel.onFrame((f) => received.push(f));
  let id = 0;
  const write = async (env: Uint8Array) => {
    for (const f of frameMessage(id++, env, channel.maxFrame)) await channel.send(f);
  };
  await write(clearEnvelope(await helloMessage(key)));
  await until(() => expect(envelopesOf(received).length).toBeGreaterThan(0));
  const [mine, theirs] = [await helloCheck(sent), await helloCheck(received)];
  let seq = 0;
  return {
    send: async (messages: Message[]) => {
      for (const m of messages) await write(await sealedEnvelope(key, m, sessionContext(mine, theirs, seq++)));
    },
    received: () => decodeAll(received, sent)
  };
}
